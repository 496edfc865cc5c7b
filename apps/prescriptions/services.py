from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.consultations.models import ConsultationSession
from apps.formulary.models import FormularyEntry
from apps.formulary.selectors import formulary_entry_named
from apps.patients.allergy_matching import matching_allergies
from apps.patients.models import PatientAllergy
from apps.patients.selectors import active_allergies
from apps.prescriptions.models import Prescription, PrescriptionItem, PrescriptionTemplate, TemplateItem
from apps.visits.models import Visit
from common import dosing
from common import field_rules as rules
from common.constants import ItemStatus, SessionStatus
from common.exceptions import (
    AllergyConflict,
    DuplicateActiveItem,
    Invalid,
    ItemNotActive,
    NotFound,
    SessionNotOpen,
    SessionNotStarted,
)
from common.permissions import (
    can_change_prescription,
    can_read_prescription,
    ensure_same_hospital,
    require,
)
from common.validation import clean_text, full_clean_or_raise

ITEM_TEXT_FIELDS = ("medicine_name", "dosage", "frequency", "duration", "instructions")
# Each field's one rule (common.field_rules): normalised once there (invisible characters removed, white space
# collapsed), so the duplicate-active-medicine rule compares what shows.
ITEM_RULES = {
    "medicine_name": rules.MEDICINE_NAME,
    "dosage": rules.DOSAGE,
    "frequency": rules.FREQUENCY,
    "duration": rules.DURATION,
    "instructions": rules.INSTRUCTIONS,
}


def _clean_item_fields(values: dict) -> dict:
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, rule in ITEM_RULES.items():
        try:
            cleaned[name] = rule.clean_field(name, values[name])
        except Invalid as error:
            errors |= error.errors
    if errors:
        raise Invalid(next(iter(errors.values()))[0] if len(errors) == 1 else None, errors=errors)
    return cleaned


def ensure_prescription(*, visit: Visit) -> tuple[Prescription, bool]:
    """The visit's one prescription, created if it has none: (prescription, created).

    A step inside the doctor's own write (opening a session, adding a medicine), which
    has already checked who may act and whose one audit event notes the creation. Safe
    under simultaneous first opens: get_or_create inserts in a savepoint and, when a
    simultaneous open won the one-to-one constraint, reads the winner's row instead.
    """
    return Prescription.objects.get_or_create(visit=visit, defaults={"hospital_id": visit.hospital_id})


def record_prescription_view(*, by: User, prescription: Prescription) -> Prescription:
    """Note who read a prescription (health data, SPEC §7) and return it.

    Refuses: another hospital's (NotFound); anyone but the visit's doctor and the
    pharmacy (PermissionDenied). Audit: prescription.view.
    """
    ensure_same_hospital(by, prescription)
    require(can_read_prescription(by, prescription))
    with transaction.atomic():
        record_event(
            actor=by,
            action="prescription.view",
            target=prescription,
            summary=f"Viewed the prescription of visit #{prescription.visit_id}",
        )
    return prescription


def _lock_open_session(*, by: User, session: ConsultationSession) -> ConsultationSession:
    """Only the session's doctor changes items, and only while it is open (row locked until commit)."""
    ensure_same_hospital(by, session)
    require(can_change_prescription(by, session), "Only this session's doctor can change its prescription.")
    # The visit and its prescription come with the lock; the patient is needed only by its id (allergies).
    session = (
        ConsultationSession.objects.select_for_update(of=("self",))
        .select_related("visit", "visit__prescription")
        .get(pk=session.pk)
    )
    if session.status != SessionStatus.OPEN:
        raise SessionNotOpen("This session is completed; items can only be changed in an open session.")
    if session.started_at is None:
        raise SessionNotStarted("Start the consultation before changing its prescription.")
    return session


def _prescription_of(session: ConsultationSession) -> tuple[Prescription, bool]:
    """The visit's prescription as the session's lock read it (one query less), else ensured."""
    try:
        return session.visit.prescription, False
    except Prescription.DoesNotExist:
        return ensure_prescription(visit=session.visit)


def _duplicate_message(name: str) -> str:
    return f"{name} is already on this prescription; stop it first to change it."


STRUCTURED_FIELDS = ("dose_pattern", "dose_unit", "food_relation", "duration_value", "duration_unit")


def structured_item_values(
    *,
    dose_pattern: str = "",
    dose_unit: str = "",
    food_relation: str = "",
    duration_value: int | None = None,
    duration_unit: str = "",
    pack_size: int | None = None,
) -> dict[str, object]:
    """Validate a structured dose (apps/prescriptions/dosing.py) and return the item's fields for it.

    Pure (no query): the dose in canonical form, the quantity to dispense, and the `frequency` and
    `duration` texts every page and print shows, so they read as items always did ("1-0-1", "5 days").
    Nothing structured given: {} (an item in the old shape). Raises Invalid naming the field.
    """
    given = {"dose_unit": dose_unit, "food_relation": food_relation, "duration_unit": duration_unit}
    dose_pattern = clean_text(dose_pattern)
    if not dose_pattern:
        if any(given.values()) or duration_value is not None:
            raise Invalid.on_field("dose_pattern", "Give the dose pattern (1-0-1, BD …) with its unit and duration.")
        return {}
    unit = dose_unit or dosing.DoseUnit.TABLET
    if unit not in dosing.DoseUnit.values:
        raise Invalid.on_field("dose_unit", f"The unit is one of {', '.join(dosing.DoseUnit.values)}.")
    if food_relation and food_relation not in dosing.FoodRelation.values:
        raise Invalid.on_field("food_relation", f"Food relation is one of {', '.join(dosing.FoodRelation.values)}.")
    if not duration_unit:
        raise Invalid.on_field("duration_unit", "Give the duration's unit: days, weeks, months or continue.")
    try:
        dose = dosing.parse_dose(dose_pattern, unit)
    except dosing.DoseError as error:
        raise Invalid.on_field("dose_pattern", str(error)) from None
    try:
        dosing.duration_days(duration_value, duration_unit)
    except dosing.DoseError as error:
        raise Invalid.on_field("duration_value", str(error)) from None
    try:
        qty = dosing.quantity(
            dose, unit, duration_value=duration_value, duration_unit=duration_unit, pack_size=pack_size
        )
    except dosing.DoseError as error:
        raise Invalid.on_field("dose_pattern", str(error)) from None
    return {
        "dose_pattern": dose.text(),
        "dose_unit": unit,
        "food_relation": food_relation,
        "duration_value": duration_value,
        "duration_unit": duration_unit,
        "quantity": qty,
        "frequency": dose.text(),
        "duration": dosing.format_duration(duration_value, duration_unit),
    }


def _allergy_message(medicine_name: str, allergies: list[PatientAllergy]) -> str:
    described = "; ".join(
        f"{a.substance} ({a.get_severity_display().lower()}{': ' + a.reaction if a.reaction else ''})"
        for a in allergies
    )
    return (
        f"The patient is allergic to {described}, which {medicine_name} matches. "
        "Choose another medicine, or give a reason to override the allergy."
    )


def check_allergies(*, visit: Visit, medicine_name: str, override_reason: str) -> list[PatientAllergy]:
    """The active allergies of the visit's patient that `medicine_name` matches (apps.patients.allergy_matching).

    A step of adding an item (its event records the override). Refuses a match without an
    override reason (AllergyConflict, naming the allergies); returns the matches it overrides.
    """
    allergies = active_allergies(hospital=visit.hospital_id, patient=visit.patient_id)
    matched = matching_allergies(allergies, medicine_name)
    if matched and not override_reason:
        raise AllergyConflict(_allergy_message(medicine_name, matched), allergies=matched)
    return matched


def add_prescription_item(
    *,
    by: User,
    session: ConsultationSession,
    medicine_name: str = "",
    dosage: str = "",
    frequency: str = "",
    duration: str = "",
    instructions: str = "",
    dose_pattern: str = "",
    dose_unit: str = "",
    food_relation: str = "",
    duration_value: int | None = None,
    duration_unit: str = "",
    formulary_entry: FormularyEntry | None = None,
    allergy_override_reason: str = "",
) -> PrescriptionItem:
    """Add a medicine to the visit's prescription in an open session.

    Refuses: another hospital's session (NotFound); anyone but the session's doctor
    (PermissionDenied); a completed session (Conflict); missing or over-long fields
    (Invalid); a medicine already active on the prescription, compared
    case-insensitively (Conflict — also under a race, by the database's partial
    unique index); a medicine that matches an active allergy of the patient, unless
    `allergy_override_reason` says why (AllergyConflict). A reason given when nothing
    matches is not kept. Audit: prescription.item_add (with `allergy_override` and the
    allergies' ids when one was overridden; never the substance or the reason).

    Two shapes: the texts (dosage, frequency, duration, instructions) as written before, or a
    structured dose (dose_pattern, dose_unit, food_relation, duration_value, duration_unit) from
    which the frequency and duration texts and the quantity to dispense are derived.
    With a `formulary_entry` (of the session's hospital, active), its generic name, strength and
    unit fill what is not given and its pack size rounds the quantity. Without one, a medicine written
    out as an entry's generic name (and strength, when given) is that entry; anything else is marked
    uncatalogued (SPEC §10: only what the formulary does not hold).
    """
    if formulary_entry is None and medicine_name:
        formulary_entry = formulary_entry_named(
            hospital_id=session.hospital_id, name=clean_text(medicine_name), strength=clean_text(dosage)
        )
    if formulary_entry is not None:
        if formulary_entry.hospital_id != session.hospital_id:
            raise Invalid.on_field("formulary_entry", "No such formulary entry.")
        if not formulary_entry.is_active:
            raise Invalid.on_field("formulary_entry", "This formulary entry is no longer in use.")
        medicine_name = medicine_name or formulary_entry.generic_name
        dosage = dosage or formulary_entry.strength
        dose_unit = dose_unit or (formulary_entry.dose_unit if dose_pattern else "")
    override_reason = clean_text(allergy_override_reason)
    texts = dict(zip(ITEM_TEXT_FIELDS, (medicine_name, dosage, frequency, duration, instructions), strict=True))
    structured = structured_item_values(
        dose_pattern=dose_pattern,
        dose_unit=dose_unit,
        food_relation=food_relation,
        duration_value=duration_value,
        duration_unit=duration_unit,
        pack_size=formulary_entry.pack_size if formulary_entry else None,
    )
    # A structured dose writes the frequency and duration texts itself; every text is then parsed by its
    # one rule (common.field_rules), as the form and the serializer parse it.
    texts |= {name: str(structured[name]) for name in ITEM_TEXT_FIELDS if name in structured}
    values: dict[str, object] = {**structured, **_clean_item_fields(texts)}
    values |= {"formulary_entry": formulary_entry, "is_uncatalogued": formulary_entry is None}
    try:
        with transaction.atomic():
            session = _lock_open_session(by=by, session=session)
            prescription, created = _prescription_of(session)
            item = PrescriptionItem(
                hospital_id=session.hospital_id, prescription=prescription, session=session, **values
            )
            item.allergy_override_reason = override_reason
            full_clean_or_raise(
                item, exclude=["hospital", "prescription", "session", "stopped_in_session", "formulary_entry"]
            )
            # The session's lock serialises every change to this prescription (one open session per
            # visit), so this check sees every earlier add.
            # Its name alone, unordered (at most one is active): 1.4 → 0.8 ms of Django's CPU (bench.profile's
            # query alone) against the whole row in the items' default order.
            active = prescription.items.filter(status=ItemStatus.ACTIVE, medicine_name__iexact=item.medicine_name)
            if existing := active.order_by().values_list("medicine_name", flat=True).first():
                raise DuplicateActiveItem(_duplicate_message(existing))
            overridden = check_allergies(
                visit=session.visit, medicine_name=item.medicine_name, override_reason=override_reason
            )
            if not overridden:
                item.allergy_override_reason = ""
            item.save()
            record_event(
                actor=by,
                action="prescription.item_add",
                target=item,
                summary=f"Added item #{item.pk} to the prescription of visit #{session.visit_id}",
                changes={field: getattr(item, field) for field in ITEM_TEXT_FIELDS}
                | (
                    {field: getattr(item, field) for field in (*STRUCTURED_FIELDS, "quantity")}
                    if item.is_structured
                    else {}
                )
                | {"session": session.session_number, "formulary_entry": item.formulary_entry_id}
                | ({"prescription_created": prescription.pk} if created else {})
                | (
                    {
                        "allergy_override": True,
                        "allergies": [allergy.pk for allergy in overridden],
                        "allergy_override_reason": item.allergy_override_reason,
                    }
                    if overridden
                    else {}
                ),
            )
            return item
    except IntegrityError:
        # The partial unique index, should a change ever bypass that lock: a refusal, never a 500.
        raise DuplicateActiveItem(_duplicate_message(str(values["medicine_name"]))) from None


def stop_prescription_item(
    *, by: User, session: ConsultationSession, item: PrescriptionItem | None = None, medicine_name: str | None = None
) -> PrescriptionItem:
    """Stop an active item, named by the item or by its medicine name (case-insensitive), in an open session.

    Refuses: neither or both of item and medicine_name (Invalid); another hospital's
    session, or an item of another prescription (NotFound); anyone but the session's
    doctor (PermissionDenied); a completed session (Conflict); no item of that name
    (Invalid); an item already stopped, named either way (ItemNotActive). Audit: prescription.item_stop.
    """
    if (item is None) == (not medicine_name):
        raise Invalid("Name the item to stop by its id or by its medicine name, not both.")
    with transaction.atomic():
        session = _lock_open_session(by=by, session=session)
        items = PrescriptionItem.objects.select_for_update().filter(
            hospital_id=session.hospital_id, prescription__visit_id=session.visit_id
        )
        if item is not None:
            item = items.filter(pk=item.pk).first()
            if item is None:
                raise NotFound()
            if item.status != ItemStatus.ACTIVE:
                raise ItemNotActive(f"{item.medicine_name} is already stopped.")
        else:
            name = rules.MEDICINE_NAME.clean_field("medicine_name", medicine_name)
            item = items.filter(status=ItemStatus.ACTIVE, medicine_name__iexact=name).first()
            if item is None and items.filter(medicine_name__iexact=name).exists():
                raise ItemNotActive(f"{name} is already stopped.")  # the answer the same stop by id gets
            if item is None:
                raise Invalid.on_field("medicine_name", f"No item named {name} on this prescription.")
        item.status = ItemStatus.STOPPED
        item.stopped_in_session = session
        item.stopped_at = timezone.now()
        item.save(update_fields=["status", "stopped_in_session", "stopped_at"])
        record_event(
            actor=by,
            action="prescription.item_stop",
            target=item,
            summary=f"Stopped item #{item.pk} on the prescription of visit #{session.visit_id}",
            changes={"status": [ItemStatus.ACTIVE, ItemStatus.STOPPED], "session": session.session_number},
        )
        return item


# Templates and "repeat last visit" (SPEC §10) ------------------------------------------------

COPIED_FIELDS = (*ITEM_TEXT_FIELDS, *STRUCTURED_FIELDS)


@dataclass
class CopyResult:
    """What a template or a repeat added, and what it skipped with the reason (shown to the doctor)."""

    added: list[PrescriptionItem] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (medicine name, why)


def _copy_items(*, session: ConsultationSession, prescription: Prescription, sources: list) -> CopyResult:
    """Add each source (an item or a template item) as if typed: the same validation, no duplicate of an
    active medicine (nor twice in one copy), a catalogue entry still in use. One query for the active
    names, one insert for all; a refused source is skipped with its reason, never half-added."""
    result = CopyResult()
    # The patient's allergies, read once: a copied medicine that matches one is skipped (a template or a
    # repeat carries no override reason; the doctor adds such a medicine by hand, with the reason).
    allergies = list(active_allergies(hospital=session.hospital_id, patient=session.visit.patient_id))
    active = {name.lower() for name in prescription.items.filter(status=ItemStatus.ACTIVE).values_list(
        "medicine_name", flat=True)}  # fmt: skip
    for source in sources:
        name = source.medicine_name
        entry = source.formulary_entry
        try:
            if entry is not None and not entry.is_active:
                raise Invalid("its formulary entry is no longer in use")
            values: dict[str, object] = {f: clean_text(getattr(source, f)) for f in ITEM_TEXT_FIELDS}
            if source.dose_pattern:
                values |= structured_item_values(
                    **{f: getattr(source, f) for f in STRUCTURED_FIELDS},
                    pack_size=entry.pack_size if entry else None,
                )
            item = PrescriptionItem(
                hospital_id=session.hospital_id, prescription=prescription, session=session,
                formulary_entry=entry, is_uncatalogued=entry is None, **values,
            )  # fmt: skip
            full_clean_or_raise(
                item, exclude=["hospital", "prescription", "session", "stopped_in_session", "formulary_entry"]
            )
            if item.medicine_name.lower() in active:
                raise DuplicateActiveItem("already on this prescription")
            if matched := matching_allergies(allergies, item.medicine_name):
                raise AllergyConflict(_allergy_message(item.medicine_name, matched), allergies=matched)
        except (Invalid, DuplicateActiveItem, AllergyConflict) as error:
            result.skipped.append((name, error.message))
            continue
        active.add(item.medicine_name.lower())
        result.added.append(item)
    PrescriptionItem.objects.bulk_create(result.added)
    return result


def _copy_event(*, by: User, session: ConsultationSession, action: str, summary: str, result: CopyResult,
                extra: dict) -> None:  # fmt: skip
    record_event(
        actor=by,
        action=action,
        target=session,
        summary=summary,
        changes={"session": session.session_number, "added": len(result.added), "skipped": len(result.skipped)} | extra,
    )


def apply_template(*, by: User, session: ConsultationSession, template: PrescriptionTemplate) -> CopyResult:
    """Copy a template's medicines into the open session, each checked like a typed one.

    Refuses: another hospital's session or template (NotFound); anyone but the session's doctor, or
    another doctor's template (PermissionDenied); a completed session (Conflict). Items that fail a
    check are skipped and listed with the reason. One transaction. Audit: prescription.template_apply.
    """
    ensure_same_hospital(by, template)
    require(template.doctor_id == by.pk, "Only your own templates can be applied.")
    with transaction.atomic():
        session = _lock_open_session(by=by, session=session)
        prescription, _ = ensure_prescription(visit=session.visit)
        sources = list(template.items.select_related("formulary_entry"))
        result = _copy_items(session=session, prescription=prescription, sources=sources)
        _copy_event(by=by, session=session, action="prescription.template_apply", result=result,
                    summary=f"Applied template #{template.pk} in session {session.session_number} of visit "
                    f"#{session.visit_id}", extra={"template": template.pk})  # fmt: skip
        return result


def repeat_last_visit(*, by: User, session: ConsultationSession) -> CopyResult:
    """Copy the active items of the patient's previous visit (in this hospital) into the open session.

    Refuses: as apply_template; no earlier visit with a prescription (Invalid). Each item is checked
    like a typed one; the refused are skipped with the reason. Audit: prescription.repeat.
    """
    with transaction.atomic():
        session = _lock_open_session(by=by, session=session)
        visit = session.visit
        previous = (
            Prescription.objects.filter(hospital_id=visit.hospital_id, visit__patient_id=visit.patient_id)
            .exclude(visit_id=visit.pk)
            .order_by("-visit__created_at", "-visit_id")
            .first()
        )
        if previous is None:
            raise Invalid("This patient has no earlier visit with a prescription to repeat.")
        sources = list(
            previous.items.filter(status=ItemStatus.ACTIVE)
            .select_related("formulary_entry")
            .order_by("created_at", "id")
        )
        prescription, _ = ensure_prescription(visit=visit)
        result = _copy_items(session=session, prescription=prescription, sources=sources)
        _copy_event(by=by, session=session, action="prescription.repeat", result=result,
                    summary=f"Repeated the prescription of visit #{previous.visit_id} in visit #{visit.pk}",
                    extra={"from_visit": previous.visit_id})  # fmt: skip
        return result


def _active_items_to_save(session: ConsultationSession) -> list[PrescriptionItem]:
    """The visit's active medicines in the order written, which a template keeps; Invalid when there is none."""
    items = list(
        PrescriptionItem.objects.filter(
            hospital_id=session.hospital_id, prescription__visit_id=session.visit_id, status=ItemStatus.ACTIVE
        ).order_by("created_at", "id")
    )
    if not items:
        raise Invalid("There is no active medicine to save.")
    return items


def _fill_template(template: PrescriptionTemplate, items: list[PrescriptionItem]) -> None:
    TemplateItem.objects.bulk_create(
        TemplateItem(
            hospital_id=template.hospital_id,
            template=template,
            position=n,
            formulary_entry_id=item.formulary_entry_id,
            **{f: getattr(item, f) for f in COPIED_FIELDS},
        )
        for n, item in enumerate(items)
    )


def create_template(*, by: User, session: ConsultationSession, name: str) -> PrescriptionTemplate:
    """Save the session's active medicines as the doctor's named template.

    Refuses: another hospital's session (NotFound); anyone but the session's doctor (PermissionDenied);
    an empty or taken name, no active medicine (Invalid). Audit: prescription_template.create.
    """
    ensure_same_hospital(by, session)
    require(can_change_prescription(by, session), "Only this session's doctor can save its medicines.")
    name = clean_text(name)
    with transaction.atomic():
        template = PrescriptionTemplate(hospital_id=session.hospital_id, doctor=by, name=name)
        full_clean_or_raise(template, exclude=["hospital", "doctor"])
        if PrescriptionTemplate.objects.filter(doctor=by, name__iexact=name).exists():
            raise Invalid.on_field("name", "You already have a template with this name.")
        items = _active_items_to_save(session)
        template.save()
        _fill_template(template, items)
        record_event(
            actor=by,
            action="prescription_template.create",
            target=template,
            summary=f"Saved template #{template.pk} with {len(items)} medicine(s)",
            changes={"name": template.name, "items": len(items)},
        )
        return template


def update_template(
    *, by: User, template: PrescriptionTemplate, name: str | None = None, session: ConsultationSession | None = None
) -> PrescriptionTemplate:
    """Edit one of the doctor's own templates: a new name, and/or its medicines replaced by the active ones of
    `session` (one of the doctor's own), as "Save as template" takes them.

    Refuses: another hospital's template or session (NotFound); another doctor's (PermissionDenied); an empty
    or taken name, a session with no active medicine, nothing to change (Invalid).
    Audit: prescription_template.update (which parts changed, how many medicines).
    """
    ensure_same_hospital(by, template)
    require(template.doctor_id == by.pk, "Only your own templates can be edited.")
    if session is not None:
        ensure_same_hospital(by, session)
        require(can_change_prescription(by, session), "Only this session's doctor can save its medicines.")
    if name is None and session is None:
        raise Invalid("Give a new name or a session whose medicines the template should hold.")
    with transaction.atomic():
        template = PrescriptionTemplate.objects.select_for_update().get(pk=template.pk)
        changed: list[str] = []
        if name is not None and clean_text(name) != template.name:
            template.name = clean_text(name)
            full_clean_or_raise(template, exclude=["hospital", "doctor"])
            taken = PrescriptionTemplate.objects.filter(doctor=by, name__iexact=template.name).exclude(pk=template.pk)
            if taken.exists():
                raise Invalid.on_field("name", "You already have a template with this name.")
            template.save(update_fields=["name", "updated_at"])
            changed.append("name")
        items = None
        if session is not None:
            items = _active_items_to_save(session)
            template.items.all().delete()
            _fill_template(template, items)
            template.save(update_fields=["updated_at"])
            changed.append("items")
        if not changed:
            return template
        record_event(
            actor=by,
            action="prescription_template.update",
            target=template,
            summary=f"Edited template #{template.pk}",
            changes={"fields": changed} | ({"items": len(items)} if items is not None else {}),
        )
        return template


def delete_template(*, by: User, template: PrescriptionTemplate) -> None:
    """Delete one of the doctor's own templates (a convenience, not a clinical record).

    Refuses: another hospital's (NotFound); another doctor's (PermissionDenied).
    Audit: prescription_template.delete.
    """
    ensure_same_hospital(by, template)
    require(template.doctor_id == by.pk, "Only your own templates can be deleted.")
    with transaction.atomic():
        pk, name = template.pk, template.name
        template.items.all().delete()
        template.delete()
        record_event(
            actor=by,
            action="prescription_template.delete",
            target=None,
            hospital=by.staff_hospital,
            summary=f"Deleted template #{pk}",
            changes={"name": name, "template": pk},
        )
