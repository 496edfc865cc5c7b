from django.urls import path

from apps.patients import views

app_name = "patients"
urlpatterns = [
    path("new/", views.PatientCreateView.as_view(), name="create"),
    path("<id:pk>/edit/", views.PatientEditView.as_view(), name="edit"),
]
