import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY


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
