from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"

    def ready(self):
        from common.client_address import trusted_proxies

        # A mistyped TRUSTED_PROXIES stops the process at start, not at the first log-in.
        trusted_proxies()
