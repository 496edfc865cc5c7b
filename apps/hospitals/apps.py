from django.apps import AppConfig


class HospitalsConfig(AppConfig):
    name = "apps.hospitals"
