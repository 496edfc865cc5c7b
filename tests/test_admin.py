"""The Django admin: every model registered; health data never shown; history never deleted."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command

from apps.discovery.demo import DEMO_HOSPITAL_NAME
from apps.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_every_model_of_ours_is_registered():
    ours = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {c.label for c in apps.get_app_configs() if c.name.startswith("apps.")}
    ]
    assert ours
    assert [m.__name__ for m in ours if m not in admin.site._registry] == []


def test_the_super_admin_sees_no_patient_names_or_medicines(client, django_user_model):
    call_command("seed_demo")
    root = django_user_model.objects.get(username="demo_superadmin")
    client.force_login(root)
    clinical_lists = [
        "patients/patient",
        "visits/visit",
        "visits/patientvitals",
        "consultations/consultationsession",
        "prescriptions/prescription",
        "prescriptions/prescriptionitem",
        "pharmacy/dispenserecord",
    ]
    for path in clinical_lists:
        page = client.get(f"/admin/{path}/").content.decode()
        for health_data in ("Ramesh", "Amlodipine", "138/88"):
            assert health_data not in page, path
    patient = Patient.objects.filter(hospital__name=DEMO_HOSPITAL_NAME).first()
    detail = client.get(f"/admin/patients/patient/{patient.pk}/change/").content.decode()
    assert patient.full_name not in detail
    assert patient.mrn in detail


@pytest.mark.parametrize(
    "model_label", ["patients.Patient", "visits.Visit", "pharmacy.DispenseRecord", "audit.AuditEvent"]
)
def test_records_cannot_be_added_changed_or_deleted_in_the_admin(rf, super_admin, model_label):
    model_admin = admin.site._registry[apps.get_model(model_label)]
    request = rf.get("/")
    request.user = super_admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.parametrize("model_label", ["accounts.User", "hospitals.Hospital"])
def test_users_and_hospitals_are_deactivated_not_deleted(rf, super_admin, model_label):
    request = rf.get("/")
    request.user = super_admin
    assert not admin.site._registry[apps.get_model(model_label)].has_delete_permission(request)
