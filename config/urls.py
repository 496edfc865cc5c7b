from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from common import health
from common.error_views import api_endpoint_not_found

urlpatterns = [
    # For the load balancer: liveness and readiness, no login (see docs/operations.md).
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("", include("apps.accounts.urls")),
    path("hospitals/", include("apps.hospitals.urls")),
    path("patients/", include("apps.patients.urls")),
    path("visits/", include("apps.visits.urls")),
    path("consultations/", include("apps.opd.urls")),
    path("prescriptions/", include("apps.prescriptions.urls")),
    path("formulary/", include("apps.formulary.urls")),
    path("pharmacy/", include("apps.pharmacy.urls")),
    path("audit/", include("apps.audit.urls")),
    path("billing/", include("apps.billing.urls")),
    path("displays/", include("apps.waitingroom.urls")),
    # The waiting-room screen: no log-in, its key in the path is all it has (apps/waitingroom/views.py).
    path("display/", include("apps.waitingroom.display_urls")),
    path("api/v1/", include(("config.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, no CDN.
    # Swagger UI sets style attributes from its script: this one page allows inline styles (never scripts).
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]
# The read-only admin (apps/accounts/admin_site.py) exists only where the operator turns it on.
if settings.DJANGO_ADMIN_ENABLED:
    urlpatterns.append(path("admin/", admin.site.urls))
# Last: an /api/ path no route above took is the API's JSON 404, never a redirect (common.error_views).
urlpatterns.append(re_path(r"^api/", api_endpoint_not_found))

handler400 = "common.error_views.bad_request"
handler404 = "common.error_views.page_not_found"
handler500 = "common.error_views.server_error"
