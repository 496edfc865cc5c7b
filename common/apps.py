from django.apps import AppConfig
from django.urls import register_converter


class CommonConfig(AppConfig):
    name = "common"

    def ready(self):
        from common.converters import DisplayKeyConverter, IdConverter

        # Before any URLconf is loaded: every `<id:…>` in our URLs needs it (and the display's key its own).
        register_converter(IdConverter, "id")
        register_converter(DisplayKeyConverter, "displaykey")

        from common.client_address import trusted_proxies

        # A mistyped TRUSTED_PROXIES stops the process at start, not at the first log-in.
        trusted_proxies()
