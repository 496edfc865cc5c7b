from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("staff/", views.StaffRosterView.as_view(), name="staff"),
    path("staff/new/", views.StaffCreateView.as_view(), name="staff_create"),
    path("staff/<id:pk>/edit/", views.StaffEditView.as_view(), name="staff_edit"),
    path("staff/<id:pk>/status/", views.StaffStatusView.as_view(), name="staff_status"),
]
