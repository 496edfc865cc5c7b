from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("apps.accounts.urls")),
    path("hospitals/", include("apps.hospitals.urls")),
    path("patients/", include("apps.patients.urls")),
    path("visits/", include("apps.visits.urls")),
    path("consultations/", include("apps.consultations.urls")),
    path("prescriptions/", include("apps.prescriptions.urls")),
    path("pharmacy/", include("apps.pharmacy.urls")),
    path("audit/", include("apps.audit.urls")),
    path("admin/", admin.site.urls),
]
