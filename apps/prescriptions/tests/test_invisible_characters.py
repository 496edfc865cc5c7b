"""Invisible characters never make two medicines differ (issue 14 §12), on SQLite and PostgreSQL.

Names are normalised once, by their rule (common.field_rules.MEDICINE_NAME): what is stored and what the
duplicate-active-medicine rule (and the database's unique index behind it) compares is what shows.
"""

import pytest

from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.prescriptions.models import PrescriptionItem
from apps.prescriptions.services import add_prescription_item, stop_prescription_item
from apps.visits.tests.factories import VisitFactory
from common.exceptions import DuplicateActiveItem, Invalid

pytestmark = pytest.mark.django_db

MEDICINE = {"dosage": "500 mg", "frequency": "1-0-1", "duration": "5 days"}


@pytest.fixture
def session(hospital, doctor):
    return ConsultationSessionFactory(
        visit=VisitFactory(hospital=hospital, doctor=doctor), session_number=1, started=True
    )


def add(session, name, **extra):
    return add_prescription_item(by=session.doctor, session=session, medicine_name=name, **(MEDICINE | extra))


@pytest.mark.parametrize(
    "disguised",
    [
        "Para\u200bcetamol",  # zero-width space
        "\ufeffParacetamol",  # byte-order mark
        "Paracetamol\u200d",  # zero-width joiner between Latin letters
        "\u202eParacetamol\u202c",  # right-to-left override … pop
        "Para\u00adcetamol",  # soft hyphen
        "Ｐａｒａｃｅｔａｍｏｌ",  # full-width letters (NFKC)
        "Paracetamol\u2060",  # word joiner
        " Paracetamol\u00a0 ",  # no-break space, trimmed
    ],
)
def test_a_medicine_disguised_by_invisible_characters_is_the_same_medicine(session, disguised):
    add(session, "Paracetamol")
    with pytest.raises(DuplicateActiveItem, match="Paracetamol is already on this prescription"):
        add(session, disguised)
    assert PrescriptionItem.objects.count() == 1


def test_a_name_is_stored_as_it_shows(session):
    item = add(session, "\u200bAmoxi\u200bcillin\ufeff", instructions="after\u200b  food")
    item.refresh_from_db()
    assert (item.medicine_name, item.instructions) == ("Amoxicillin", "after food")


def test_stopping_by_a_disguised_name_stops_the_medicine(session):
    item = add(session, "Paracetamol")
    stopped = stop_prescription_item(by=session.doctor, session=session, medicine_name="Para\u200bcetamol\u202c")
    assert stopped.pk == item.pk


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff\u200b", "\u202e\u202c", "\u2066\u2069", "\u200d", " \u3164 "])
def test_a_medicine_name_with_nothing_visible_is_refused_naming_the_field(session, invisible):
    with pytest.raises(Invalid) as error:
        add(session, invisible)
    assert error.value.errors == {"medicine_name": ["Medicine has no visible characters."]}
    assert not PrescriptionItem.objects.exists()


def test_joiners_inside_an_indic_name_are_kept(session):
    # ZWNJ between Devanagari letters changes how the word is drawn: it stays.
    name = "क्\u200cष"
    assert add(session, name).medicine_name == name
