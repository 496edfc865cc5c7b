from django.urls import path

from apps.opd import views

app_name = "opd"
urlpatterns = [
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("sessions/<int:pk>/", views.SessionView.as_view(), name="session"),
    path("sessions/<int:pk>/start/", views.StartView.as_view(), name="start"),
    path("sessions/<int:pk>/items/", views.AddItemView.as_view(), name="add_item"),
    path("sessions/<int:pk>/items/<int:item_id>/stop/", views.StopItemView.as_view(), name="stop_item"),
    path("sessions/<int:pk>/complete/", views.CompleteView.as_view(), name="complete"),
]
