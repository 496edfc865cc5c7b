"""ICD-10 search: by code, by words, by Indian OPD shorthand, with the hospital's own shorthand first."""

import time

import pytest

from apps.consultations.models import IcdSynonym
from apps.consultations.selectors import icd10_search
from apps.consultations.services import add_icd_synonym, set_icd_synonym_status
from common import icd10
from common.exceptions import Invalid, PermissionDenied


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("HTN", "I10"),
        ("htn", "I10"),
        ("k/c/o HTN", "I10"),
        ("DM2", "E11"),
        ("URTI", "J06.9"),
        ("AGE", "A09"),
        ("AFI", "R50.9"),
        ("LBP", "M54.5"),
        ("GERD", "K21.9"),
        ("I10", "I10"),
        ("j069", "J06.9"),
        ("J06.9", "J06.9"),
        ("hypertension", "I10"),
        ("type 2 diab", "E11"),
        ("low back pain", "M54.5"),
    ],
)
def test_the_best_match_comes_first(query, first):
    assert icd10.search(query)[0].code == first


def test_the_shorthand_table_has_at_least_a_hundred_entries_all_real_codes():
    synonyms = icd10.shipped_synonyms()
    assert len(synonyms) >= 100
    assert all(icd10.lookup(code) for code in synonyms.values())


def test_a_code_prefix_lists_its_codes_in_order():
    assert [c.code for c in icd10.search("J06")][:3] == ["J06", "J06.0", "J06.8"]


def test_nonsense_finds_nothing_and_chapters_are_not_codes():
    assert icd10.search("   ") == []
    assert icd10.search("qqqzzz") == []
    assert icd10.lookup("A00-A09") is None
    assert icd10.lookup("Q99.99") is None


def test_a_search_over_the_whole_list_answers_well_under_50_ms():
    icd10.warm_up()
    timings = []
    for query in ["HTN", "fever", "diabetes mellitus", "J", "a", "pain", "infection of", "k/c/o DM2"] * 10:
        start = time.perf_counter()
        icd10.search(query)
        timings.append(time.perf_counter() - start)
    timings.sort()
    assert timings[int(len(timings) * 0.95)] < 0.02


@pytest.mark.django_db
def test_the_hospitals_own_shorthand_ranks_first_and_stays_in_the_hospital(hospital_admin, hospital, other_hospital):
    add_icd_synonym(by=hospital_admin, term="htn", icd_code="I15.9")
    assert icd10_search(hospital=hospital, q="HTN")[0].code == "I15.9"
    assert icd10_search(hospital=other_hospital, q="HTN")[0].code == "I10"


@pytest.mark.django_db
def test_a_retired_shorthand_no_longer_matches(hospital_admin, hospital):
    synonym = add_icd_synonym(by=hospital_admin, term="SOB", icd_code="R06.0")
    set_icd_synonym_status(by=hospital_admin, synonym=synonym, is_active=False)
    assert all(c.code != "R06.0" for c in icd10_search(hospital=hospital, q="SOB")[:1])


@pytest.mark.django_db
def test_shorthand_is_refused_for_an_unknown_code_a_taken_term_or_a_doctor(hospital_admin, doctor):
    add_icd_synonym(by=hospital_admin, term="FLU", icd_code="J11.1")
    with pytest.raises(Invalid):
        add_icd_synonym(by=hospital_admin, term="flu", icd_code="J11.8")
    with pytest.raises(Invalid):
        add_icd_synonym(by=hospital_admin, term="XYZ", icd_code="Z99.999")
    with pytest.raises(PermissionDenied):
        add_icd_synonym(by=doctor, term="ABC", icd_code="I10")
    assert IcdSynonym.objects.count() == 1
