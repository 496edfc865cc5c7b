"""The Django admin as a read-only window for the platform's super admin, off unless DJANGO_ADMIN_ENABLED.

Every write the app allows goes through a service that checks its rules and audits it; the
admin went around them (a password changed there left the user's API tokens working, a user
added there passed the staff limit, and none of it, nor the admin's own log-ins, was audited).
So every model registered here, ours, django.contrib.auth's and django-axes' alike, only reads;
there is no password change; and logging in and out is the app's own audited, lockout-protected
log-in page.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from apps.accounts.views import LogoutView
from common.admin import ReadOnlyAdmin
from common.constants import Role
from common.permissions import has_role


class ClinicAdminSite(admin.AdminSite):
    site_header = "ClinicSetu administration (read only)"
    site_title = "ClinicSetu admin"

    def register(self, model_or_iterable, admin_class=None, **options):
        # Whoever registers a model, and whatever their ModelAdmin allows, it reads only.
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, ReadOnlyAdmin):
            base = type(base.__name__, (ReadOnlyAdmin, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and has_role(request.user, Role.SUPER_ADMIN)

    def login(self, request, extra_context=None):
        """The app's log-in page, which audits every attempt and locks out after five failures."""
        index = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return redirect(index)
        if request.user.is_authenticated:
            raise PermissionDenied  # logged in, as a role the admin is not for
        return redirect_to_login(request.GET.get("next") or index, login_url=reverse("accounts:login"))

    def logout(self, request, extra_context=None):
        """The app's log-out, which audits it."""
        return LogoutView.as_view()(request)

    def password_change(self, request, extra_context=None):
        # Passwords change through the staff pages and API, which end the user's sessions and tokens.
        raise Http404

    def password_change_done(self, request, extra_context=None):
        raise Http404
