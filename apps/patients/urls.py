from django.urls import path

from apps.patients import views

app_name = "patients"
urlpatterns = [
    path("new/", views.PatientCreateView.as_view(), name="create"),
    path("<id:pk>/edit/", views.PatientEditView.as_view(), name="edit"),
    path("<id:pk>/allergies/", views.AllergiesView.as_view(), name="allergies"),
    path("<id:pk>/allergies/<id:allergy_id>/retire/", views.RetireAllergyView.as_view(), name="retire_allergy"),
]
