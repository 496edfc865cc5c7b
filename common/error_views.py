"""Error pages that answer in the client's language: JSON under /api/, the styled HTML pages elsewhere."""

from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "A server error occurred.", "code": "server_error"}, status=500)
    return defaults.server_error(request)


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request.", "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


@csrf_exempt  # no endpoint, nothing to protect: a POST with a token and no cookie gets this 404, not a CSRF 403
def api_endpoint_not_found(request):
    """Any /api/ path that names no endpoint, by any method: the JSON 404 of every other API miss.

    The last route of config/urls.py, so that Django neither redirects (APPEND_SLASH turned a POST to
    `/api/v1/patients` into a GET of the list: a 200 that created nothing) nor, where DEBUG is on,
    answers its HTML page listing every route (or a 500 for the POST it cannot redirect).
    """
    detail = "No such endpoint."
    if not request.path.endswith("/"):
        try:
            endpoint = resolve(request.path + "/").func
        except Resolver404:
            endpoint = api_endpoint_not_found
        if endpoint is not api_endpoint_not_found:
            detail = f"No such endpoint. API paths end with a slash: {request.path}/"
    return JsonResponse({"detail": detail, "code": "not_found"}, status=404)
