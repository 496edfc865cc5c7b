"""Billing test helpers: a receptionist's visit ready to bill, built through the services."""

from apps.accounts.tests.factories import UserFactory
from apps.hospitals.tests.factories import HospitalFactory
from apps.patients.services import create_patient
from apps.visits.services import create_visit_with_vitals
from common.constants import Role


def front_desk(hospital=None):
    """(hospital, receptionist, doctor, hospital admin) of a fresh hospital, or of `hospital`."""
    hospital = hospital or HospitalFactory()
    return (
        hospital,
        UserFactory(hospital=hospital, role=Role.RECEPTIONIST),
        UserFactory(hospital=hospital, role=Role.DOCTOR),
        UserFactory(hospital=hospital, role=Role.HOSPITAL_ADMIN),
    )


def new_visit(desk, doctor, *, name: str = "Asha Patil"):
    patient = create_patient(by=desk, full_name=name, age=40, gender="F")
    return create_visit_with_vitals(by=desk, patient=patient, doctor=doctor)
