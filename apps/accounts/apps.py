from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"

    def ready(self):
        from axes.signals import user_locked_out

        from apps.accounts.services import record_lockout

        def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
            # django-axes announces the lock, and again each refused attempt while locked (those are
            # audited as failed log-ins). Only the attempt that counted the failures starts the lock.
            if getattr(request, "axes_failures_since_start", None) is not None:
                record_lockout(username=username or "")

        user_locked_out.connect(audit_lockout, dispatch_uid="accounts.audit_lockout", weak=False)
