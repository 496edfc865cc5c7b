"""The formulary: NLEM load, the admin's edits, CSV import with its dry run, and the doctor's search."""

import csv
import io
import time

import pytest

from apps.audit.models import AuditEvent
from apps.formulary import selectors, services
from apps.formulary.models import FormularyEntry
from apps.formulary.tests.factories import FormularyEntryFactory
from apps.hospitals.services import create_hospital
from common.exceptions import Invalid, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def test_the_nlem_file_names_its_source_and_has_at_least_300_generics():
    header = services.NLEM_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert "National List of Essential Medicines 2022" in header
    assert "Ministry of Health & Family Welfare" in header
    assert len({row["generic_name"] for row in services.nlem_rows()}) >= 300


def test_a_new_hospital_starts_with_the_nlem_generics_in_its_create_transaction(super_admin):
    hospital = create_hospital(
        by=super_admin, name="New Clinic", max_doctors=1, max_receptionists=1, max_medical_staff=1
    )
    entries = FormularyEntry.objects.filter(hospital=hospital)
    assert entries.count() == len({(r["generic_name"].lower(), r["strength"], r["form"]) for r in services.nlem_rows()})
    assert entries.filter(generic_name="Paracetamol", strength="500 mg", form="tablet", source="nlem2022").exists()
    assert services.load_nlem_formulary(hospital=hospital) == 0  # twice adds nothing


def test_the_admin_adds_an_entry_with_one_audit_event(hospital_admin):
    entry = services.create_formulary_entry(
        by=hospital_admin, generic_name=" Paracetamol ", brand_names="Crocin, Dolo", strength="650 mg",
        form="tablet", pack_size=15, default_dose_pattern="1-0-1", default_duration_value=3,
        default_duration_unit="days",
    )  # fmt: skip
    assert (entry.generic_name, entry.brands, entry.hospital_id) == (
        "Paracetamol",
        ["Crocin", "Dolo"],
        hospital_admin.hospital_id,
    )
    [event] = AuditEvent.objects.filter(action="formulary.entry_create")
    assert event.changes["brand_names"] == "Crocin, Dolo"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"default_dose_pattern": "9-9-9-9"}, "default_dose_pattern"),
        ({"default_duration_value": 0, "default_duration_unit": "days"}, "default_duration_value"),
        ({"form": "bucket"}, "form"),
        ({"pack_size": 0}, "pack_size"),
        ({"generic_name": "x" * 10_000}, "generic_name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_entries_are_refused(hospital_admin, fields, field):
    with pytest.raises(Invalid) as error:
        services.create_formulary_entry(by=hospital_admin, **({"generic_name": "Zinc", "form": "tablet"} | fields))
    assert field in error.value.errors
    assert not AuditEvent.objects.exists()


def test_the_same_product_twice_is_refused(hospital_admin):
    services.create_formulary_entry(by=hospital_admin, generic_name="Zinc", form="tablet", strength="20 mg")
    with pytest.raises(Invalid, match="already"):
        services.create_formulary_entry(by=hospital_admin, generic_name="ZINC", form="tablet", strength="20 mg")


def test_only_the_hospital_admin_edits_and_only_their_own(doctor, hospital_admin, other_hospital):
    with pytest.raises(PermissionDenied):
        services.create_formulary_entry(by=doctor, generic_name="Zinc", form="tablet")
    foreign = FormularyEntryFactory(hospital=other_hospital)
    with pytest.raises(NotFound):
        services.update_formulary_entry(by=hospital_admin, entry=foreign, brand_names="X")


def test_the_admin_adds_brands_and_the_event_says_what_changed(hospital_admin):
    entry = FormularyEntryFactory(hospital=hospital_admin.hospital, generic_name="Cetirizine")
    services.update_formulary_entry(by=hospital_admin, entry=entry, brand_names="Okacet", pack_size=10)
    event = AuditEvent.objects.get(action="formulary.entry_update")
    assert event.changes == {"brand_names": ["", "Okacet"], "pack_size": [None, 10]}


HEADER = "generic_name,strength,form,brand_names,pack_size\n"
GOOD_CSV = HEADER + "Zinc,20 mg,tablet,Zincovit,10\nParacetamol,500 mg,tablet,Crocin,\n"
BAD_CSV = GOOD_CSV + "Ibuprofen,400 mg,bucket,,\nCetirizine,10 mg,tablet,,many\n,1 mg,tablet,,\n"


def test_a_dry_run_reports_every_bad_row_and_writes_nothing(hospital_admin):
    before = FormularyEntry.objects.count()
    report = services.check_formulary_csv(hospital=hospital_admin.hospital, text=BAD_CSV)
    assert [(e["row"], sorted(e["errors"])) for e in report.errors] == [
        (4, ["form"]), (5, ["pack_size"]), (6, ["generic_name"]),
    ]  # fmt: skip
    assert FormularyEntry.objects.count() == before


def test_an_import_with_any_bad_row_imports_nothing(hospital_admin):
    with pytest.raises(Invalid) as error:
        services.import_formulary_csv(by=hospital_admin, text=BAD_CSV)
    assert len(error.value.extra["rows"]) == 3
    assert not FormularyEntry.objects.filter(generic_name="Zinc").exists()
    assert not AuditEvent.objects.exists()


def test_an_import_creates_and_updates_and_its_export_imports_back(hospital_admin):
    FormularyEntryFactory(hospital=hospital_admin.hospital, generic_name="Paracetamol", strength="500 mg")
    report = services.import_formulary_csv(by=hospital_admin, text=GOOD_CSV)
    assert (report.created, report.updated) == (1, 1)
    assert FormularyEntry.objects.get(generic_name="Paracetamol").brand_names == "Crocin"
    exported = services.export_formulary_csv(selectors.formulary_list(hospital=hospital_admin.hospital))
    again = services.check_formulary_csv(hospital=hospital_admin.hospital, text=exported)
    assert (again.ok, again.created, again.updated) == (True, 0, 2)
    assert AuditEvent.objects.get(action="formulary.import").changes == {"created": 1, "updated": 1}


class TestSearch:
    @pytest.fixture
    def entries(self, hospital):
        make = lambda name, **kw: FormularyEntryFactory(hospital=hospital, generic_name=name, **kw)  # noqa: E731 (a one-line helper reads best here)
        return {
            "para": make("Paracetamol", brand_names="Crocin, Dolo"),
            "pan": make("Pantoprazole", strength="40 mg"),
            "amox": make("Amoxicillin"),
            "co": make("Amoxicillin + Clavulanic acid"),
            "old": make("Paracetamol old", is_active=False),
        }

    def test_prefix_brand_typo_and_word_prefix(self, hospital, entries):
        search = lambda q: [e.generic_name for e in selectors.formulary_search(hospital=hospital, q=q)]  # noqa: E731 (a one-line helper reads best here)
        assert search("para") == ["Paracetamol"]
        assert search("dolo") == ["Paracetamol"]
        assert search("paracetmol") == ["Paracetamol"]
        assert search("clav") == ["Amoxicillin + Clavulanic acid"]
        assert search("amox")[0] == "Amoxicillin"  # the shorter name first
        assert search("p") == []

    def test_another_hospitals_entries_are_never_found(self, hospital, other_hospital, entries):
        FormularyEntryFactory(hospital=other_hospital, generic_name="Paramycin")
        assert [e.generic_name for e in selectors.formulary_search(hospital=hospital, q="paramy")] == []

    def test_an_edit_is_seen_by_the_next_search(self, hospital_admin, entries, django_capture_on_commit_callbacks):
        hospital = hospital_admin.hospital
        assert selectors.formulary_search(hospital=hospital, q="calpol") == []
        with django_capture_on_commit_callbacks(execute=True):
            services.update_formulary_entry(by=hospital_admin, entry=entries["para"], brand_names="Calpol")
        assert [e.pk for e in selectors.formulary_search(hospital=hospital, q="calpol")] == [entries["para"].pk]

    def test_another_processs_edit_is_seen_after_the_recheck(self, hospital, entries, monkeypatch):
        assert selectors.formulary_search(hospital=hospital, q="calpol") == []
        FormularyEntryFactory(hospital=hospital, generic_name="Calpol syrup")  # as if written elsewhere
        monkeypatch.setattr(selectors, "RECHECK_SECONDS", 0)
        assert [e.generic_name for e in selectors.formulary_search(hospital=hospital, q="calpol")] == ["Calpol syrup"]

    def test_p95_under_30_ms_with_5000_entries(self, hospital):
        FormularyEntry.objects.bulk_create(
            FormularyEntry(hospital=hospital, generic_name=f"Medicine {n:04d} {'xyz'[n % 3]}", form="tablet")
            for n in range(5000)
        )
        FormularyEntryFactory(hospital=hospital, generic_name="Paracetamol")
        selectors.formulary_search(hospital=hospital, q="warm")  # builds the index once
        times = []
        for q in ["para", "paracetmol", "med", "medicine 12", "zzzz", "dolo"] * 10:
            start = time.perf_counter()
            selectors.formulary_search(hospital=hospital, q=q)
            times.append(time.perf_counter() - start)
        times.sort()
        assert times[int(len(times) * 0.95)] < 0.030


def test_the_export_defuses_cells_a_spreadsheet_would_run_and_imports_back_to_the_same_entry(hospital_admin):
    hospital = hospital_admin.hospital
    FormularyEntryFactory(hospital=hospital, generic_name='=HYPERLINK("http://evil")', brand_names="+cmd,-x,@y")
    exported = services.export_formulary_csv(selectors.formulary_list(hospital=hospital))
    row = next(csv.DictReader(io.StringIO(exported)))
    assert (row["generic_name"], row["brand_names"]) == ('\'=HYPERLINK("http://evil")', "'+cmd,-x,@y")
    again = services.check_formulary_csv(hospital=hospital, text=exported)
    assert (again.ok, again.created, again.updated) == (True, 0, 1)
    assert again.entries[0].brand_names == "+cmd,-x,@y"
