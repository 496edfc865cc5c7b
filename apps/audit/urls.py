from django.urls import path

from apps.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.AuditLogView.as_view(), name="list"),
    path("export.csv", views.AuditExportView.as_view(), name="export"),
]
