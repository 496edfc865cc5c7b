from django.apps import AppConfig


class PharmacyConfig(AppConfig):
    name = "apps.pharmacy"
