"""SPEC §7 baseline: security headers on pages and API, production settings, user text inert everywhere."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from apps.opd.services import complete_consultation, start_consultation
from apps.patients.services import create_patient, record_allergy
from apps.pharmacy.models import DispenseRecord
from apps.pharmacy.services import mark_as_printed
from apps.prescriptions.services import add_prescription_item
from apps.visits.services import create_visit_with_vitals

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def test_check_deploy_is_clean_with_the_documented_production_variables():
    env = PRODUCTION_ENV | {"DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_turns_on_hsts_secure_cookies_and_https():
    env = PRODUCTION_ENV | {"DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and code, no user input)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    hsts, subdomains, session_secure, csrf_secure, redirect, debug = result.stdout.split()
    assert int(hsts) >= 365 * 24 * 3600
    assert (subdomains, session_secure, csrf_secure, redirect, debug) == ("True", "True", "True", "True", "False")


def _assert_security_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_security_headers_on_a_page_and_an_api_response(client, doctor, api_as):
    _assert_security_headers(client.get(reverse("accounts:login")))
    client.force_login(doctor)
    _assert_security_headers(client.get(reverse("opd:queue")))
    _assert_security_headers(api_as(doctor).get("/api/v1/queue/"))
    _assert_security_headers(api_as(None).get("/api/v1/queue/"))  # a 401 too


@pytest.mark.django_db
def test_hsts_is_sent_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile_day(hospital, receptionist, doctor, medical_staff):
    """A day whose every piece of user text is an attack: patient name and address, medicine, instructions,
    an allergy's substance and reaction, a chronic condition, an allergy override's reason."""
    patient = create_patient(by=receptionist, full_name=f"Ravi {PAYLOAD}", age=40, gender="M", address=PAYLOAD)
    record_allergy(by=receptionist, patient=patient, substance=f"Sulfa {PAYLOAD}"[:120], kind="drug",
                   severity="severe", reaction=PAYLOAD)  # fmt: skip
    record_allergy(by=receptionist, patient=patient, category="condition", substance=PAYLOAD)
    visit = create_visit_with_vitals(by=receptionist, patient=patient, doctor=doctor)
    session = start_consultation(by=doctor, session=visit.sessions.get())
    medicine = {"dosage": "1 tab", "frequency": "OD", "duration": "3 days", "instructions": PAYLOAD}
    add_prescription_item(by=doctor, session=session, medicine_name=f"Drug {PAYLOAD}"[:200], **medicine)
    overridden = {"medicine_name": f"Sulfa {PAYLOAD}"[:120], "allergy_override_reason": PAYLOAD}
    assert add_prescription_item(by=doctor, session=session, **overridden, **medicine).allergy_overridden
    # A second patient still in the queue, so the queue shows the name too.
    waiting = create_patient(by=receptionist, full_name=f"Mira {PAYLOAD}", age=30, gender="F", address=PAYLOAD)
    create_visit_with_vitals(by=receptionist, patient=waiting, doctor=doctor)
    complete_consultation(by=doctor, session=session)
    record = mark_as_printed(by=medical_staff, record=DispenseRecord.objects.get(session=session))
    return {"patient": patient, "visit": visit, "session": session, "record": record}


def test_user_text_renders_inert_on_every_page_that_shows_it(
    db, client, hostile_day, receptionist, doctor, medical_staff, hospital_admin, super_admin
):
    record, patient, session = hostile_day["record"], hostile_day["patient"], hostile_day["session"]
    pages = {
        receptionist: [
            reverse("visits:front_desk"),
            reverse("visits:front_desk") + "?q=Ravi",
            reverse("visits:patient", args=[patient.pk]),
            reverse("patients:edit", args=[patient.pk]),
            reverse("patients:allergies", args=[patient.pk]),
        ],
        doctor: [reverse("opd:queue"), reverse("opd:session", args=[session.pk])],
        medical_staff: [
            reverse("pharmacy:list") + "?status=pending",
            reverse("pharmacy:detail", args=[record.pk]),
            reverse("pharmacy:print_view", args=[record.pk]),
            reverse("pharmacy:labels", args=[record.pk]),
        ],
        hospital_admin: [reverse("audit:list"), reverse("opd:dashboard")],
        super_admin: [reverse("audit:list")],
    }
    checked = 0
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "<script>alert" not in html, url
            assert "<img src=x" not in html, url
            checked += html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") > 0
    # Every page shows some of the text, escaped, but the dashboard (counts only) and the audit log, which
    # holds no patient's name, address or medicine (apps/audit/policy.py).
    assert checked >= 11


@pytest.mark.django_db
def test_user_text_is_plain_json_in_the_api(hostile_day, api_as, medical_staff):
    body = api_as(medical_staff).get(f"/api/v1/pharmacy/dispense-records/{hostile_day['record'].pk}/")
    assert body["Content-Type"] == "application/json"
    assert body.json()["patient"]["address"] == PAYLOAD


def test_passwords_are_hashed_with_argon2id_at_owasps_cost_and_old_hashes_are_upgraded():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from common.hashers import ClinicArgon2PasswordHasher
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "common.hashers.ClinicArgon2PasswordHasher"
    ours = ClinicArgon2PasswordHasher()
    encoded = ours.encode("correct horse battery", ours.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")
    assert ours.verify("correct horse battery", encoded)
    assert not ours.verify("wrong horse battery", encoded)
    # A hash made at Django's default cost still verifies, and is re-hashed at ours on the next log-in.
    older = Argon2PasswordHasher().encode("correct horse battery", ours.salt())
    assert ours.verify("correct horse battery", older)
    assert ours.must_update(older)
    assert not ours.must_update(encoded)
