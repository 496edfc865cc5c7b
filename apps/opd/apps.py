from django.apps import AppConfig


class OpdConfig(AppConfig):
    name = "apps.opd"
