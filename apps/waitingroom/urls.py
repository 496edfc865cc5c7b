from django.urls import path

from apps.waitingroom import views

app_name = "waitingroom"
urlpatterns = [
    path("", views.DisplaysView.as_view(), name="displays"),
    path("<id:pk>/revoke/", views.RevokeDisplayView.as_view(), name="revoke"),
    path("settings/", views.DisplaySettingsView.as_view(), name="settings"),
]
