"""The application's routes plus the benchmarks' floor: the cheapest request a Django view can serve here."""

from django.http import JsonResponse
from django.urls import include, path

from apps.hospitals.models import Hospital
from config.urls import handler400, handler404, handler500  # noqa: F401 (Django reads them from the root URLconf)


def floor(request):
    """One indexed query through the full middleware stack: the ceiling on requests per second."""
    name = Hospital.objects.filter(pk=1).values_list("name", flat=True).first()
    return JsonResponse({"name": name})


urlpatterns = [
    path("bench/floor/", floor),
    path("", include("config.urls")),
]
