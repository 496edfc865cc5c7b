from django.urls import path

from apps.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.FrontDeskView.as_view(), name="front_desk"),
    path("patients/<id:pk>/", views.PatientChartView.as_view(), name="patient"),
    path("<id:pk>/follow-up/", views.FollowUpView.as_view(), name="follow_up"),
    path("<id:pk>/close/", views.CloseVisitView.as_view(), name="close"),
    path("<id:pk>/priority/", views.PriorityView.as_view(), name="priority"),
    path("<id:pk>/move/", views.MoveView.as_view(), name="move"),
    path("<id:pk>/requeue/", views.RequeueView.as_view(), name="requeue"),
]
