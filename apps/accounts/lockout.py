"""django-axes hooks: whose attempts count together, and what a locked-out client is told."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from apps.accounts.usernames import MAX_LENGTH, username_key
from common.error_views import API_PREFIX


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed log-ins for this username from this address. "
        f"Try again in {minutes} minutes, or ask your hospital admin to check your account."
    )


def username_of_attempt(request, credentials) -> str:
    """The key log-in looks the account up by, so every spelling of one account shares one counter."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return username_key(str(username))[:MAX_LENGTH]


def lockout_response(request, original_response=None, credentials=None):
    """429 for the API (DRF-style), the login page with the message for the browser."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=429)
    else:
        form = AuthenticationForm(request, initial={"username": username_of_attempt(request, credentials)})
        context = {"form": form, "lockout_message": lockout_message(), "next": request.POST.get("next", "")}
        response = TemplateResponse(request, "registration/login.html", context, status=429).render()
    response["Retry-After"] = retry_after
    return response
