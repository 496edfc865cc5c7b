"""No input gives a 500 (SPEC §3, issue 14 §9 and §11): bodies nested too deep, NUL characters, ids past 64 bits.

Each is refused in one place, before any query: the API's JSON parser (common.parsers.JSONParser) for
bodies, common.middleware.RefuseNulMiddleware for query strings, form bodies and cookies, the `<id:…>`
URL converter for ids in paths and common.api.IdField / common.forms.IdField for ids in bodies and
filters. These tests run on SQLite and PostgreSQL (PostgreSQL refuses NUL in text; SQLite cannot bind
an integer past 64 bits).
"""

import json
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver
from rest_framework import serializers

from common.api import IdField
from common.constants import MAX_ID
from common.converters import DisplayKeyConverter, IdConverter
from common.parsers import MAX_DEPTH
from tests.api_world import build_world
from tests.test_api_permissions import MATRIX, ROLES

pytestmark = pytest.mark.django_db

PAST_64_BITS = 2**64
THIRTY_DIGITS = 10**29
DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a": ' * 1000 + "1" + "}" * 1000


@pytest.fixture
def world(hospital, other_hospital, super_admin):
    world = build_world(hospital, "")
    world.super_admin = world.root = super_admin
    return world


def _ours():
    return [m for m in apps.get_models() if m.__module__.startswith("apps.")]


def _snapshot():
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in _ours()}


def _route(path: str) -> str:
    """`/visits/{visit}/close/` and `visits/<id:pk>/close/` both as `visits/*/close/`."""
    return re.sub(r"\{\w+\}|<\w+:\w+>", "*", path).strip("/")


# Every write endpoint, with a role that may use it (from the permission matrix: neither 401 nor 403; the
# requeue row answers its world with a 409, no no-show being in it) and the path's ids.
WRITES = [
    (method, path, ROLES[statuses.index(next(s for s in statuses if s.split("/")[0] not in ("401", "403")))])
    for method, path, _, *statuses in MATRIX
    if method != "GET"
]
WRITES = [*dict.fromkeys(WRITES), ("POST", "/auth/token/", "anonymous")]


def _client(api_as, world, role):
    return api_as(None if role == "anonymous" else getattr(world, role))


def _ids(world) -> dict:
    return {name: getattr(world, name).pk for name in vars(world) if hasattr(getattr(world, name), "pk")}


def test_every_write_endpoint_is_in_the_table():
    routes = set()
    for pattern in get_resolver("config.api_urls").url_patterns:
        view = pattern.callback.cls
        for method in ("post", "put", "patch", "delete"):
            if hasattr(view, method):
                routes.add((method.upper(), _route(str(pattern.pattern))))
    assert routes == {(method, _route(path)) for method, path, _ in WRITES}


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["list", "object"])
@pytest.mark.parametrize(("method", "path", "role"), WRITES, ids=[f"{m} {p} {r}" for m, p, r in WRITES])
def test_json_nested_a_thousand_deep_is_a_400_on_every_write_endpoint(world, api_as, method, path, role, body):
    client = _client(api_as, world, role)
    before = _snapshot()
    answer = client.generic(method, "/api/v1" + path.format(**_ids(world)), body, content_type="application/json")
    assert answer.status_code == 400, answer.content
    assert f"nested deeper than {MAX_DEPTH} levels" in answer.json()["detail"]
    assert _snapshot() == before


def test_json_just_inside_the_depth_limit_is_parsed(world, api_as):
    inside = (
        '{"full_name": "Asha", "age": 30, "gender": "F", "address": '
        + "[" * (MAX_DEPTH - 1)
        + "]" * (MAX_DEPTH - 1)
        + "}"
    )
    answer = api_as(world.receptionist).generic("POST", "/api/v1/patients/", inside, content_type="application/json")
    assert answer.status_code == 400
    assert "address" in answer.json()  # the serializer's own answer: a list is not an address


def test_brackets_inside_strings_do_not_count_as_nesting(world, api_as):
    name = "[" * 100 + '\\"{' * 100
    body = json.dumps({"full_name": "x", "age": 30, "gender": "F", "address": name})
    answer = api_as(world.receptionist).generic("POST", "/api/v1/patients/", body, content_type="application/json")
    assert answer.status_code == 201, answer.content


def test_a_body_larger_than_the_limit_is_a_413_without_reading_it_all(world, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"full_name": "Asha", "age": 30, "gender": "F", "address": "x" * 20_000})
    answer = api_as(world.receptionist).generic("POST", "/api/v1/patients/", body, content_type="application/json")
    assert answer.status_code == 413
    assert "10000 bytes" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json; charset=bz2_codec", b"{}"),  # a bytes codec: would decompress without bound
        ("application/json; charset=utf-32", b"{}"),  # no text in that encoding
        ("application/json", b'{"full_name": "\xff"}'),  # not UTF-8
    ],
)
def test_a_body_not_in_its_charset_is_a_400(world, api_as, content_type, body):
    answer = api_as(world.receptionist).generic("POST", "/api/v1/patients/", body, content_type=content_type)
    assert answer.status_code == 400


# NUL characters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"full_name": "A\x00", "age": 30, "gender": "F"}, {"full_name": ["Null characters are not allowed."]}),
        (
            {"patient": 1, "doctor": 1, "vitals": {"blood_pressure": "120/80\x00"}},
            {"vitals": {"blood_pressure": ["Null characters are not allowed."]}},
        ),
        ({"full_name": "A", "ag\x00e": 30}, {"non_field_errors": ["Null characters are not allowed."]}),
        ({"full_name": "A", "tags": ["a", "b\x00"]}, {"tags": {"1": ["Null characters are not allowed."]}}),
    ],
)
def test_a_nul_anywhere_in_a_json_body_is_a_400_naming_where(world, api_as, body, expected):
    client = api_as(world.receptionist)
    before = _snapshot()
    answer = client.post("/api/v1/patients/", body, format="json")
    assert (answer.status_code, answer.json()) == (
        400,
        {"detail": "Please correct the errors below.", "code": "invalid"} | expected,
    )
    assert _snapshot() == before


def test_a_nul_in_the_anonymous_token_request_is_a_400(world, client):
    answer = client.post(
        "/api/v1/auth/token/", {"username": "desk\x00", "password": "x"}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert "username" in answer.json()


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("receptionist", "/visits/"),
        ("receptionist", "/api/v1/patients/"),
        ("receptionist", "/api/v1/visits/"),
        ("hospital_admin", "/audit/"),
        ("hospital_admin", "/api/v1/audit/"),
        ("medical_staff", "/pharmacy/"),
    ],
)
@pytest.mark.parametrize("value", ["\x00", "Asha\x00", "\x00\x00' OR 1=1"])
def test_a_nul_in_a_query_string_is_a_400_naming_the_parameter(request, client, api_as, world, role, url, value):
    user = getattr(world, role)
    if url.startswith("/api/"):
        answer = api_as(user).get(url, {"q": value})
        message = "Null characters are not allowed."
        assert (answer.status_code, answer.json()) == (400, {"detail": message, "code": "invalid", "q": [message]})
    else:
        client.force_login(user)
        answer = client.get(url, {"q": value})
        assert answer.status_code == 400
        assert "The field “q” was refused: Null characters are not allowed." in answer.content.decode()


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_saved(client, world):
    client.force_login(world.receptionist)
    before = _snapshot()
    answer = client.post("/patients/new/", {"full_name": "Asha\x00", "age": 30, "gender": "F"})
    assert answer.status_code == 400
    assert "full_name" in answer.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("token", ["abc\x00def", "\x00", "a b", "x" * 65, "tok\x01en", "é"])
def test_a_form_token_that_is_not_ours_is_a_400_and_nothing_is_saved(client, world, token):
    client.force_login(world.receptionist)
    before = _snapshot()
    answer = client.post("/patients/new/", {"full_name": "Asha", "age": 30, "gender": "F", "submission_token": token})
    assert answer.status_code == 400
    assert "submission_token" in answer.content.decode()
    assert _snapshot() == before


def test_a_nul_in_the_session_cookie_is_a_400_not_a_database_error(client, world):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    answer = client.get("/visits/")
    assert answer.status_code == 400
    assert "sessionid" in answer.content.decode()


# Ids past 64 bits ---------------------------------------------------------------------------------


def _patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def test_every_id_in_our_urls_goes_through_the_id_converter():
    ours = [(route, p) for route, p in _patterns() if not route.startswith(("admin/", "api/schema", "api/docs"))]
    assert any("<id:" in route for route, _ in ours)
    converters = {route: type(c).__name__ for route, p in ours for c in p.pattern.converters.values()}
    # The one other: a waiting-room display's key, which is no id (common.converters.DisplayKeyConverter).
    allowed = {IdConverter.__name__, DisplayKeyConverter.__name__}
    assert {route for route, name in converters.items() if name not in allowed} == set()


@pytest.mark.parametrize("number", [MAX_ID + 1, PAST_64_BITS, THIRTY_DIGITS])
def test_an_id_past_64_bits_in_any_url_is_a_404_before_any_query(client, api_as, world, number):
    routes = [route for route, _ in _patterns() if "<id:" in route]
    client.force_login(world.receptionist)
    api = api_as(world.receptionist)
    for route in routes:
        path = "/" + re.sub(r"<id:\w+>", str(number), route)
        for method in ("get", "post"):
            with CaptureQueriesContext(connection) as queries:
                answer = getattr(api if path.startswith("/api/") else client, method)(path)
            assert answer.status_code == 404, (method, path, answer.status_code)
            # Only the log-in's own look-ups (session, user, token) run: nothing about the id.
            assert all(str(number) not in query["sql"] for query in queries), path


def test_the_largest_id_is_an_ordinary_not_found(api_as, world):
    assert api_as(world.receptionist).get(f"/api/v1/patients/{MAX_ID}/").status_code == 404


@pytest.mark.parametrize("number", [MAX_ID + 1, PAST_64_BITS, THIRTY_DIGITS])
@pytest.mark.parametrize(
    ("role", "method", "path", "body", "field"),
    [
        ("receptionist", "post", "/visits/", lambda w, n: {"patient": n, "doctor": w.doctor.pk}, "patient"),
        ("receptionist", "post", "/visits/", lambda w, n: {"patient": w.patient3.pk, "doctor": n}, "doctor"),
        ("root", "post", "/users/", lambda w, n: {"username": "newadmin", "password": "a-long-enough-secret-9", "role": "HOSPITAL_ADMIN", "hospital": n}, "hospital"),
        ("doctor", "post", "/prescriptions/{prescription}/items/", lambda w, n: {"session": n, "medicine_name": "Cetirizine", "dosage": "1", "frequency": "OD", "duration": "1 day"}, "session"),
        ("doctor", "post", "/prescriptions/{prescription}/items/{item}/stop/", lambda w, n: {"session": n}, "session"),
        ("doctor", "post", "/prescriptions/{prescription}/items/stop/", lambda w, n: {"session": n, "medicine_name": "Paracetamol"}, "session"),
    ],
)  # fmt: skip
def test_an_id_past_64_bits_in_a_body_is_a_400_naming_the_field(api_as, world, role, method, path, body, field, number):
    client = api_as(getattr(world, role))
    before = _snapshot()
    answer = getattr(client, method)("/api/v1" + path.format(**_ids(world)), body(world, number), format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert _snapshot() == before


@pytest.mark.parametrize("number", [MAX_ID + 1, PAST_64_BITS, THIRTY_DIGITS])
def test_an_id_past_64_bits_in_a_filter_is_a_400_naming_it(api_as, world, number):
    answer = api_as(world.receptionist).get("/api/v1/visits/", {"patient": number})
    assert answer.status_code == 400
    assert "patient" in answer.json()


def test_an_id_past_64_bits_in_a_web_form_is_refused(client, world):
    client.force_login(world.receptionist)
    before = _snapshot()
    answer = client.post(f"/visits/patients/{world.patient3.pk}/", {"patient": PAST_64_BITS, "doctor": PAST_64_BITS})
    assert answer.status_code == 400
    assert _snapshot() == before


def _relation_names() -> set[str]:
    return {field.name for model in apps.get_models() for field in model._meta.get_fields() if field.is_relation}


def test_every_id_in_an_input_serializer_is_an_id_field():
    """A new filter or body field naming a row must be bounded like the rest (IdField or HospitalObjectField)."""
    import importlib
    import inspect
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    relations = _relation_names()
    unbounded = []
    for path in sorted(root.glob("apps/*/serializers.py")):
        module = importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))
        for name, serializer in inspect.getmembers(module, inspect.isclass):
            if not issubclass(serializer, serializers.Serializer) or serializer.__module__ != module.__name__:
                continue
            for field_name, field in serializer._declared_fields.items():
                names_a_row = field_name == "id" or field_name.endswith("_id") or field_name in relations
                if names_a_row and isinstance(field, serializers.IntegerField) and not isinstance(field, IdField):
                    unbounded.append(f"{name}.{field_name}")
    assert unbounded == []
