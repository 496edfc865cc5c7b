import pytest

from apps.consultations.defaults import DEFAULT_PICK_LISTS
from apps.consultations.models import PickListEntry
from apps.consultations.selectors import pick_lists
from apps.consultations.services import add_pick_list_entry, set_pick_list_entry_status
from common.exceptions import Invalid, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def test_a_list_never_edited_is_the_shipped_defaults(hospital):
    assert pick_lists(hospital=hospital) == DEFAULT_PICK_LISTS


def test_the_first_addition_keeps_the_defaults_and_adds_the_line(hospital_admin, hospital):
    add_pick_list_entry(by=hospital_admin, kind="investigation", text="Serum ferritin")
    lists = pick_lists(hospital=hospital)
    assert "Serum ferritin" in lists["investigation"]
    assert set(DEFAULT_PICK_LISTS["investigation"]) <= set(lists["investigation"])
    assert lists["advice"] == DEFAULT_PICK_LISTS["advice"]


def test_a_retired_line_is_no_longer_offered_and_can_come_back(hospital_admin, hospital):
    entry = add_pick_list_entry(by=hospital_admin, kind="advice", text="Walk daily")
    set_pick_list_entry_status(by=hospital_admin, entry=entry, is_active=False)
    assert "Walk daily" not in pick_lists(hospital=hospital)["advice"]
    add_pick_list_entry(by=hospital_admin, kind="advice", text="walk daily")
    assert "Walk daily" in pick_lists(hospital=hospital)["advice"]


def test_bad_lines_and_other_roles_are_refused(hospital_admin, doctor, other_hospital):
    with pytest.raises(Invalid):
        add_pick_list_entry(by=hospital_admin, kind="drug", text="x")
    with pytest.raises(Invalid):
        add_pick_list_entry(by=hospital_admin, kind="advice", text="   ")
    with pytest.raises(PermissionDenied):
        add_pick_list_entry(by=doctor, kind="advice", text="Rest")
    assert not PickListEntry.objects.exists()
    entry = PickListEntry.objects.create(hospital=other_hospital, kind="advice", text="Rest")
    with pytest.raises(NotFound):
        set_pick_list_entry_status(by=hospital_admin, entry=entry, is_active=False)
