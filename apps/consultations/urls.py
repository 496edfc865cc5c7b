from django.urls import path  # noqa: F401 (routes are added as the app's pages arrive)

app_name = "consultations"
urlpatterns: list = []
