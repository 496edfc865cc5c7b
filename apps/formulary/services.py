"""Writes of the formulary (SPEC §10): the NLEM load of a new hospital, the admin's edits, the CSV import."""

import csv
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.audit.services import diff, record_event, snapshot
from apps.formulary.models import FormularyEntry, MedicineForm
from apps.formulary.selectors import forget_index
from apps.hospitals.models import Hospital
from common import dosing
from common.csv_export import neutralise, restore
from common.exceptions import Invalid
from common.permissions import can_manage_formulary, ensure_same_hospital, require
from common.validation import clean_text, full_clean_or_raise

NLEM_FILE = Path(__file__).parent / "data" / "nlem2022.csv"
NLEM_SOURCE = "nlem2022"
# The list's own words for forms this catalogue files under one of its own.
FORM_ALIASES = {"inhalation": MedicineForm.OTHER, "enema": MedicineForm.OTHER, "kit": MedicineForm.OTHER,
                "gum": MedicineForm.OTHER, "mouthwash": MedicineForm.SOLUTION, "paste": MedicineForm.OTHER,
                "device": MedicineForm.OTHER}  # fmt: skip
EDITABLE_FIELDS = [
    "generic_name",
    "brand_names",
    "strength",
    "form",
    "route",
    "pack_size",
    "default_dose_pattern",
    "default_dose_unit",
    "default_food_relation",
    "default_duration_value",
    "default_duration_unit",
    "is_active",
]
TEXT_FIELDS = {"generic_name", "brand_names", "strength", "route", "default_dose_pattern"}
CSV_COLUMNS = EDITABLE_FIELDS
MAX_IMPORT_ROWS = 10_000
DUPLICATE = "This hospital's formulary already has this generic at this strength and form."


@cache
def nlem_rows() -> tuple[dict[str, str], ...]:
    """The rows of apps/formulary/data/nlem2022.csv (its # header lines name the source)."""
    with NLEM_FILE.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return tuple(csv.DictReader(lines))


def load_nlem_formulary(*, hospital: Hospital) -> int:
    """Give `hospital` every NLEM 2022 row it does not have yet; return how many were added.

    A step of hospital creation (apps.hospitals.signals.hospital_created) and of the data migration
    for hospitals made before the formulary; its event is the caller's. Safe to run twice.
    """
    have = {
        (name.lower(), strength, form)
        for name, strength, form in FormularyEntry.objects.filter(hospital=hospital).values_list(
            "generic_name", "strength", "form"
        )
    }
    new = []
    for row in nlem_rows():
        form = FORM_ALIASES.get(row["form"], row["form"])
        key = (row["generic_name"].lower(), row["strength"], form)
        if key in have:
            continue
        have.add(key)
        new.append(
            FormularyEntry(
                hospital=hospital,
                generic_name=row["generic_name"],
                strength=row["strength"],
                form=form,
                route=row["route"],
                source=NLEM_SOURCE,
            )
        )
    FormularyEntry.objects.bulk_create(new, batch_size=500)
    transaction.on_commit(lambda: forget_index(hospital.pk))
    return len(new)


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise Invalid(f"Unknown field(s): {', '.join(unknown)}.", errors={name: ["Unknown field."] for name in unknown})
    return {name: clean_text(value) if name in TEXT_FIELDS else value for name, value in fields.items()}


def validate_entry(entry: FormularyEntry) -> None:
    """The model's own rules, and defaults that make a valid dose (so a picked entry never fills a bad one)."""
    full_clean_or_raise(entry, exclude=["hospital"])
    if entry.default_dose_pattern:
        try:
            dosing.parse_dose(entry.default_dose_pattern, entry.dose_unit or dosing.DoseUnit.TABLET)
        except dosing.DoseError as error:
            raise Invalid.on_field("default_dose_pattern", str(error)) from None
    if entry.default_duration_unit:
        try:
            dosing.duration_days(entry.default_duration_value, entry.default_duration_unit)
        except dosing.DoseError as error:
            raise Invalid.on_field("default_duration_value", str(error)) from None


def _save(entry: FormularyEntry, *, update_fields: list[str] | None = None) -> None:
    others = FormularyEntry.objects.filter(
        hospital_id=entry.hospital_id,
        generic_name__iexact=entry.generic_name,
        strength=entry.strength,
        form=entry.form,
    ).exclude(pk=entry.pk)
    if others.exists():
        raise Invalid.on_field("generic_name", DUPLICATE)
    try:
        with transaction.atomic():
            entry.save(update_fields=update_fields)
    except IntegrityError:  # a simultaneous add of the same product
        raise Invalid.on_field("generic_name", DUPLICATE) from None


def create_formulary_entry(*, by: User, **fields: Any) -> FormularyEntry:
    """Add a medicine (with its brands and defaults) to the admin's hospital's formulary.

    Refuses: anyone but the hospital admin (PermissionDenied); unknown fields, missing or bad
    values, defaults that are not a valid dose, the same generic, strength and form twice
    (Invalid). Audit: formulary.entry_create.
    """
    require(can_manage_formulary(by))
    values = _clean_fields(fields)
    with transaction.atomic():
        entry = FormularyEntry(hospital_id=by.staff_hospital_id, **values)
        validate_entry(entry)
        _save(entry)
        transaction.on_commit(lambda: forget_index(entry.hospital_id))
        record_event(
            actor=by,
            action="formulary.entry_create",
            target=entry,
            summary=f"Added formulary entry #{entry.pk}",
            changes={name: getattr(entry, name) for name in EDITABLE_FIELDS},
        )
        return entry


def update_formulary_entry(*, by: User, entry: FormularyEntry, **fields: Any) -> FormularyEntry:
    """Edit an entry of the admin's own hospital (add brands, set the pack size and defaults, deactivate).

    Refuses: another hospital's entry (NotFound); anyone but the hospital admin (PermissionDenied);
    as create_formulary_entry (Invalid). Audit: formulary.entry_update (the changed fields).
    """
    ensure_same_hospital(by, entry)
    require(can_manage_formulary(by))
    values = _clean_fields(fields)
    with transaction.atomic():
        entry = FormularyEntry.objects.select_for_update().get(pk=entry.pk)
        before = snapshot(entry, EDITABLE_FIELDS)
        for name, value in values.items():
            setattr(entry, name, value)
        validate_entry(entry)
        changes = diff(entry, before, EDITABLE_FIELDS)
        if changes:
            _save(entry, update_fields=[*changes, "updated_at"])
        transaction.on_commit(lambda: forget_index(entry.hospital_id))
        record_event(
            actor=by,
            action="formulary.entry_update",
            target=entry,
            summary=f"Edited formulary entry #{entry.pk}",
            changes=changes,
        )
        return entry


# CSV import / export ---------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import would do (a dry run) or did: rows to create and update, and every bad row."""

    created: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"row": n, "errors": {field: [messages]}}
    entries: list[FormularyEntry] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors


def _row_values(row: dict[str, str | None]) -> dict[str, Any]:
    values: dict[str, Any] = {name: restore((row.get(name) or "").strip()) for name in CSV_COLUMNS}
    for name in ("pack_size", "default_duration_value"):
        text = values[name]
        if text == "":
            values[name] = None
        elif text.isdigit() and len(text) <= 6:
            values[name] = int(text)
        else:
            raise Invalid.on_field(name, "A whole number.")
    active = str(values["is_active"]).lower()
    if active not in ("", "true", "false", "1", "0", "yes", "no"):
        raise Invalid.on_field("is_active", "true or false.")
    values["is_active"] = active not in ("false", "0", "no")
    return values


def check_formulary_csv(*, hospital: Hospital, text: str) -> ImportReport:
    """Read a CSV (the export's columns) and report every bad row and what would change; writes nothing.

    Rows are matched to entries by generic name (case-insensitive), strength and form: a match is
    updated, anything else created. Used for the dry run and as the first half of the import.
    """
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in ("generic_name", "form") if name not in (reader.fieldnames or [])]
    if missing:
        report.errors.append({"row": 1, "errors": {name: ["Missing column."] for name in missing}})
        return report
    unknown = sorted(set(reader.fieldnames or []) - set(CSV_COLUMNS))
    if unknown:
        report.errors.append({"row": 1, "errors": {name: ["Unknown column."] for name in unknown}})
        return report
    existing = {
        (entry.generic_name.lower(), entry.strength, entry.form): entry
        for entry in FormularyEntry.objects.filter(hospital=hospital)
    }
    seen: set[tuple[str, str, str]] = set()
    for number, row in enumerate(reader, start=2):
        if number > MAX_IMPORT_ROWS + 1:
            report.errors.append({"row": number, "errors": {"__all__": [f"At most {MAX_IMPORT_ROWS} rows."]}})
            break
        if None in row:  # more cells than columns
            report.errors.append({"row": number, "errors": {"__all__": ["More cells than columns."]}})
            continue
        try:
            values = _clean_fields(_row_values(row))
            key = (values["generic_name"].lower(), values["strength"], values["form"])
            entry = existing.get(key) or FormularyEntry(hospital=hospital)
            is_new = entry.pk is None
            for name, value in values.items():
                setattr(entry, name, value)
            validate_entry(entry)
            if key in seen:
                raise Invalid.on_field("generic_name", "The same generic, strength and form is on an earlier row.")
        except Invalid as error:
            report.errors.append({"row": number, "errors": error.errors or {"__all__": [error.message]}})
            continue
        seen.add(key)
        report.entries.append(entry)
        if is_new:
            report.created += 1
        else:
            report.updated += 1
    return report


def import_formulary_csv(*, by: User, text: str) -> ImportReport:
    """Create and update entries from a CSV, all or nothing.

    Refuses: anyone but the hospital admin (PermissionDenied); any bad row (Invalid, with every
    bad row in `rows`: nothing is imported). Audit: formulary.import (counts only).
    """
    require(can_manage_formulary(by))
    with transaction.atomic():
        report = check_formulary_csv(hospital=by.staff_hospital, text=text)
        if not report.ok:
            raise Invalid(f"{len(report.errors)} bad row(s): nothing was imported.", extra={"rows": report.errors})
        FormularyEntry.objects.bulk_create([entry for entry in report.entries if entry.pk is None], batch_size=500)
        updated = [entry for entry in report.entries if entry.pk is not None]
        FormularyEntry.objects.bulk_update(updated, [*EDITABLE_FIELDS], batch_size=500)
        transaction.on_commit(lambda: forget_index(by.staff_hospital_id))
        record_event(
            actor=by,
            action="formulary.import",
            target=by.staff_hospital,
            summary=f"Imported the formulary: {report.created} added, {report.updated} updated",
            changes={"created": report.created, "updated": report.updated},
        )
        return report


def export_formulary_csv(entries: Any) -> str:
    """The entries as CSV in the import's columns (so an export, edited, imports back), each cell that a
    spreadsheet would run as a formula defused (SPEC §7; the import takes the defusing off again)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([neutralise(getattr(entry, name)) for name in CSV_COLUMNS])
    return out.getvalue()
