"""The API's edges answer like the rest of it (SPEC §3, §4): `OPTIONS` on any endpoint, and a path that names
no endpoint — JSON with `detail` and `code`, never a 500, an HTML page or a redirect that loses the body."""

import pytest
from django.test import override_settings

from apps.patients.models import Patient
from tests.api_world import build_world
from tests.test_no_500_input import _patterns

pytestmark = pytest.mark.django_db

ROLES = ("super_admin", "hospital_admin", "receptionist", "doctor", "medical_staff")


@pytest.fixture
def world(hospital, super_admin):
    world = build_world(hospital, "")
    world.super_admin = super_admin
    return world


def test_options_on_every_endpoint_answers_json_for_every_role(world, api_as):
    routes = [route for route, _ in _patterns() if route.startswith("api/v1/")]
    assert len(routes) > 50
    for role in ROLES:
        client = api_as(getattr(world, role))
        for route in routes:
            path = "/" + route.replace("<id:pk>", str(world.visit.pk)).replace("<id:item_id>", "1")
            path = path.replace("<id:allergy_id>", "1")
            answer = client.options(path)
            assert answer.status_code in (200, 403, 404), (role, path, answer.status_code)
            assert answer["Content-Type"] == "application/json", (role, path)
            if answer.status_code == 200:
                assert {"name", "renders", "parses"} <= answer.json().keys()


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
def test_a_path_without_its_slash_is_a_json_404_that_names_the_endpoint_and_saves_nothing(world, api_as, method, debug):
    with override_settings(DEBUG=debug):
        answer = getattr(api_as(world.receptionist), method)(
            "/api/v1/patients", {"full_name": "Asha", "age": 30, "gender": "F"}, format="json"
        )
    assert answer.status_code == 404
    assert answer.json() == {
        "detail": "No such endpoint. API paths end with a slash: /api/v1/patients/",
        "code": "not_found",
    }
    assert not Patient.objects.filter(full_name="Asha").exists()


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("path", ["/api/v1/nonexistent/", "/api/v1/patients/0/", "/api/v1/patients/abc/", "/api/v2/"])
def test_a_path_that_names_no_endpoint_is_the_apis_json_404(world, api_as, path, debug):
    with override_settings(DEBUG=debug):
        answer = api_as(world.receptionist).get(path)
    assert (answer.status_code, answer.json()) == (404, {"detail": "No such endpoint.", "code": "not_found"})


def test_without_a_token_an_unknown_path_is_still_a_404_not_a_csrf_refusal(client):
    answer = client.post("/api/v1/patients", {}, content_type="application/json")
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
