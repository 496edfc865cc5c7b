from django.urls import path

from apps.hospitals import views

app_name = "hospitals"
urlpatterns = [
    path("", views.HospitalListView.as_view(), name="list"),
    path("new/", views.HospitalCreateView.as_view(), name="create"),
    path("<id:pk>/edit/", views.HospitalEditView.as_view(), name="edit"),
    path("<id:pk>/status/", views.HospitalStatusView.as_view(), name="status"),
    path("<id:pk>/admins/new/", views.HospitalAdminCreateView.as_view(), name="create_admin"),
]
