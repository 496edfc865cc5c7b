from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


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


class ClinicAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the read-only site of apps.accounts.admin_site as `admin.site`."""

    default = False  # "apps.accounts" in INSTALLED_APPS still means AccountsConfig
    default_site = "apps.accounts.admin_site.ClinicAdminSite"
