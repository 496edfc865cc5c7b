from django.apps import AppConfig


class WaitingRoomConfig(AppConfig):
    name = "apps.waitingroom"
    verbose_name = "Waiting-room displays"
