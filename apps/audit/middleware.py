from apps.audit.context import reset_client_ip, set_client_ip
from common.client_address import client_ip


class AuditContextMiddleware:
    """Makes the client's address (decided by common.client_address, as for lockout and throttles)
    available to the services that write audit events during this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_client_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_client_ip(token)
