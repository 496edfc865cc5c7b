from django.apps import AppConfig
from django.urls import register_converter


class CommonConfig(AppConfig):
    name = "common"

    def ready(self):
        from common.converters import IdConverter

        # Before any URLconf is loaded: every `<id:…>` in our URLs needs it.
        register_converter(IdConverter, "id")
