from django.conf import settings

from apps.discovery.demo import DEMO_ACCOUNTS


def demo_mode(request):
    """Lists the demo accounts on the login page when DEMO_MODE is on (SPEC §6)."""
    return {"DEMO_MODE": settings.DEMO_MODE, "demo_accounts": DEMO_ACCOUNTS if settings.DEMO_MODE else []}
