"""`/display/<key>/`: the waiting-room screen, reached by its key alone (no log-in)."""

from django.urls import path

from apps.waitingroom import views

app_name = "display"
urlpatterns = [
    path("<displaykey:key>/", views.DisplayPage.as_view(), name="board"),
    path("<displaykey:key>/state/", views.DisplayState.as_view(), name="state"),
]
