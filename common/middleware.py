import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import JsonResponse
from django.template.response import TemplateResponse

from common.error_views import API_PREFIX
from common.validation import NUL, NUL_MESSAGE


class PermissionsPolicyMiddleware:
    """Adds `Permissions-Policy` to every response (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SessionIdleRefreshMiddleware:
    """Keeps a logged-in session alive while it is used, writing it at most once a minute.

    A session ends SESSION_COOKIE_AGE (30 min) after it was last saved. Saving it on
    every request (SESSION_SAVE_EVERY_REQUEST) would cost three statements per page;
    refreshing when the last save is a minute old keeps the idle limit to within a
    minute for one UPDATE a minute per user. Goes right after SessionMiddleware.
    """

    REFRESH_SECONDS = 60
    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        # Only a logged-in session: an anonymous visitor gets no session row from this.
        if SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.REFRESH_SECONDS:
                session[self.KEY] = now
        return response


class RefuseNulMiddleware:
    """A NUL character in a query string, a form body or a cookie is a 400 naming the field.

    PostgreSQL refuses NUL in text, so one that reached a query (the front desk's `?q=`, a form's
    one-time token, the session cookie's key) was a 500 there; Django's and DRF's form and serializer
    fields refuse it, but not code that reads `request.GET` itself. No person types one, so the
    request is refused whole, before any middleware or view uses it. API bodies are JSON, checked by
    common.parsers.JSONParser (reading `request.POST` here would spend a multipart body DRF needs).
    Goes before SessionMiddleware, which looks the session cookie up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._field_with_nul(request)
        if field is None:
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": NUL_MESSAGE, "code": "invalid", field: [NUL_MESSAGE]}, status=400)
        context = {"field": field, "message": NUL_MESSAGE}
        return TemplateResponse(request, "refused_input.html", context, status=400).render()

    @staticmethod
    def _field_with_nul(request) -> str | None:
        pairs = [*request.GET.lists(), *((name, [value]) for name, value in request.COOKIES.items())]
        if request.method == "POST" and not request.path.startswith(API_PREFIX):
            pairs += request.POST.lists()
        for name, values in pairs:
            if NUL in name:
                return "non_field_errors"
            if any(NUL in value for value in values):
                return name
        return None
