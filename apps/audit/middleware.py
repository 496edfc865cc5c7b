from ipaddress import ip_address

from apps.audit.context import reset_client_ip, set_client_ip


def client_ip_of(request) -> str | None:
    """REMOTE_ADDR; behind a proxy, gunicorn's --forwarded-allow-ips makes it the client's."""
    value = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ip_address(value))
    except ValueError:
        return None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_client_ip(client_ip_of(request))
        try:
            return self.get_response(request)
        finally:
            reset_client_ip(token)
