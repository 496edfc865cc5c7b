from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from apps.billing.selectors import collections_today, with_payment_status
from apps.consultations import services as queue_services
from apps.consultations.defaults import DEFAULT_PICK_LISTS
from apps.consultations.models import PickListKind
from apps.consultations.selectors import (
    get_doctor_queue,
    icd10_search,
    icd_synonym_get,
    icd_synonyms,
    pick_list_entries,
    pick_list_entry_get,
    pick_lists,
    record_for_session,
    session_get,
    session_with_patient,
)
from apps.consultations.services import (
    add_icd_synonym,
    add_pick_list_entry,
    record_session_view,
    set_icd_synonym_status,
    set_pick_list_entry_status,
    update_consultation_record,
)
from apps.formulary.selectors import formulary_get, formulary_search
from apps.opd import selectors, services
from apps.opd.record_form import RecordFormState
from apps.patients.selectors import active_allergies
from apps.prescriptions.forms import ItemForm
from apps.prescriptions.selectors import item_get, prescription_for_visit, template_get, templates_for_doctor
from apps.prescriptions.services import (
    add_prescription_item,
    apply_template,
    create_template,
    delete_template,
    repeat_last_visit,
    stop_prescription_item,
    update_template,
)
from apps.visits.selectors import patient_timeline
from common import icd10
from common.exceptions import Conflict, Invalid, NotFound
from common.mixins import (
    DomainErrorMixin,
    HtmxPartialMixin,
    RoleRequiredMixin,
    add_domain_error,
    vary_on_htmx,
)
from common.pagination import keyset_page
from common.permissions import (
    can_call_patients,
    can_change_prescription,
    can_complete_session,
    can_manage_pick_lists,
    can_see_queue,
    can_start_session,
    can_view_hospital_dashboard,
    can_view_session,
    can_write_record,
    require,
)
from common.submissions import Done, submit_once

HISTORY_PAGE_SIZE = 10  # earlier visits per page of the timeline


def doctors_queue(doctor):
    """The doctor's queue as the page shows it: each token with whether its visit is paid."""
    return with_payment_status(get_doctor_queue(doctor=doctor), hospital=doctor.hospital)


class QueueView(RoleRequiredMixin, HtmxPartialMixin, TemplateView):
    """The doctor's start page: own open sessions, oldest first. The page polls this view (htmx) for the list."""

    role_check = can_see_queue
    template_name = "opd/queue.html"
    partial_template_name = "opd/_queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sessions=doctors_queue(self.request.user), **kwargs)


class QueueActionView(RoleRequiredMixin, DomainErrorMixin, View):
    """A POST on the doctor's queue: htmx gets the queue fragment (with the message), a plain POST a redirect."""

    role_check = can_call_patients

    def post(self, request, **kwargs):
        messages.success(request, self.act(request.user, **kwargs))
        return self.queue(request)

    def queue(self, request):
        if request.htmx:
            context = {"sessions": doctors_queue(request.user)}
            return vary_on_htmx(TemplateResponse(request, "opd/_queue.html", context))
        return redirect("opd:queue")

    def domain_error_response(self, request, error):
        return self.queue(request)


class CallNextView(QueueActionView):
    def act(self, user):
        session = queue_services.call_next(by=user)
        return f"Calling token {session.token_number}: {session.visit.patient.full_name}."


class RecallView(QueueActionView):
    def act(self, user, pk):
        session = queue_services.recall_patient(by=user, session=session_get(hospital=user.hospital, session_id=pk))
        return f"Calling token {session.token_number} again."


class SkipView(QueueActionView):
    def act(self, user, pk):
        session = queue_services.skip_patient(by=user, session=session_get(hospital=user.hospital, session_id=pk))
        if session.queue_state == "no_show":
            return f"Token {session.token_number} skipped twice: a no-show (the front desk can requeue them)."
        return f"Token {session.token_number} skipped: back behind the next two."


class SessionMixin(RoleRequiredMixin, DomainErrorMixin):
    role_check = can_view_session

    @cached_property
    def session(self):
        return session_get(hospital=self.request.user.hospital, session_id=self.kwargs["pk"])

    def item_form(self, data=None, initial=None) -> ItemForm:
        return ItemForm(
            data,
            initial=initial,
            suggest_url=reverse("opd:medicine_suggest", args=[self.session.pk]),
            allergies=self.allergies,
        )

    @cached_property
    def allergies(self):
        """The patient's active allergies and conditions: the banner, and the add form's override field."""
        return active_allergies(hospital=self.request.user.hospital, patient=self.session.visit.patient)

    def saved_prescription(self):
        """The visit's prescription as the page shows it, read afresh (a change may just have been written)."""
        return prescription_for_visit(hospital=self.request.user.hospital, visit=self.session.visit)

    def saved_record(self):
        """The session's record as the page shows it, read afresh."""
        return record_for_session(hospital=self.request.user.hospital, session=self.session)

    def record_context(self, *, form: RecordFormState | None = None, **extra) -> dict:
        """The record section's context: the saved record (read-only view) and the form's state."""
        session = self.session
        record = self.saved_record()
        editable = session.is_open and session.started_at is not None
        return {
            "session": session,
            "record": record,
            "record_editable": editable,
            "record_form": (form or RecordFormState.of(record)).with_blank_rows() if editable else None,
            "pick_lists": pick_lists(hospital=self.request.user.hospital) if editable else {},
            "icd_results": [],
            "icd_q": "",
        } | extra

    def consultation_page(self, *, item_form=None, status=200, record_context=None, suggestions=None):
        """The consultation page, or for htmx only its prescription section (with the messages).

        Rendered again with the add-medicine input kept after an error: 400 for a plain POST, 200 for
        htmx, which swaps only successful answers (the error is shown inside the section).
        """
        session = self.session
        hospital = self.request.user.hospital
        context = {
            "session": session,
            "prescription": self.saved_prescription(),
            "item_form": item_form or self.item_form(),
            "allergies": self.allergies,
            "suggestions": suggestions,
            "templates": templates_for_doctor(hospital=hospital, doctor=self.request.user),
        }
        if self.request.htmx:
            template, status = "opd/_prescription.html", 200
        else:
            template = "opd/session.html"
            context |= record_context or self.record_context()
            context |= {
                "visit": session.visit,
                "patient": session.visit.patient,
                "vitals": session.visit.vitals,
                "history": keyset_page(
                    self.request,
                    patient_timeline(hospital=hospital, patient=session.visit.patient, before=session.visit),
                    page_size=HISTORY_PAGE_SIZE,
                ),
            }
        return vary_on_htmx(TemplateResponse(self.request, template, context, status=status))

    def prescription_changed(self, message: str):
        """After an add or stop: htmx swaps the section in place; a plain POST redirects back to the page."""
        messages.success(self.request, message)
        if self.request.htmx:
            return self.consultation_page()
        return redirect("opd:session", self.session.pk)

    def domain_error_response(self, request, error):
        # The message is already queued; htmx gets the section with it instead of a redirect to swap in.
        if request.htmx:
            return self.consultation_page()
        return super().domain_error_response(request, error)


class SessionView(SessionMixin, View):
    """The consultation page. Reading it changes nothing but the audit's note of who read it;
    the doctor starts the consultation with the page's button (StartView)."""

    @cached_property
    def session(self):
        # The session with its prescription and record: one query, not three (opd.selectors.consultation_page_get).
        return selectors.consultation_page_get(hospital=self.request.user.hospital, session_id=self.kwargs["pk"])

    def saved_prescription(self):
        return selectors.prescription_of(self.session)

    def saved_record(self):
        return selectors.record_of(self.session)

    def get(self, request, pk):
        record_session_view(by=request.user, session=self.session)
        return self.consultation_page()


class StartView(SessionMixin, View):
    role_check = can_start_session

    def post(self, request, pk):
        services.start_consultation(by=request.user, session=self.session)
        return redirect("opd:session", pk)


class MedicineSuggestView(SessionMixin, View):
    """The catalogue entries matching what the doctor is typing (an htmx fragment, or the page with them
    listed for a browser without JavaScript: ?q=)."""

    role_check = can_change_prescription

    def get(self, request, pk):
        q = request.GET.get("medicine_name") or request.GET.get("q") or ""
        entries = formulary_search(hospital=request.user.hospital, q=q)
        if request.htmx:
            context = {"session": self.session, "suggestions": entries, "q": q}
            return vary_on_htmx(TemplateResponse(request, "opd/_medicine_suggestions.html", context))
        record_session_view(by=request.user, session=self.session)
        return self.consultation_page(suggestions=entries)


class PickMedicineView(SessionMixin, View):
    """A suggestion picked: the add-medicine form filled from the entry (strength, unit, default dose)."""

    role_check = can_change_prescription

    def get(self, request, pk, entry_id):
        entry = formulary_get(hospital=request.user.hospital, entry_id=entry_id)
        if not request.htmx:
            record_session_view(by=request.user, session=self.session)
        return self.consultation_page(item_form=self.item_form(initial=ItemForm.initial_for(entry)))


def picked_entry(hospital, form: ItemForm):
    """The picked catalogue entry, if the medicine is still the one picked (its generic or a brand)."""
    entry_id = form.cleaned_data.get("formulary_entry")
    if not entry_id:
        return None
    try:
        entry = formulary_get(hospital=hospital, entry_id=entry_id)
    except NotFound:
        return None
    names = {entry.generic_name.lower(), *(brand.lower() for brand in entry.brands)}
    return entry if form.cleaned_data["medicine_name"].strip().lower() in names else None


class AddItemView(SessionMixin, View):
    role_check = can_change_prescription

    @cached_property
    def session(self):
        # The form needs the patient's allergies; add_prescription_item locks and re-reads the session.
        return session_with_patient(hospital=self.request.user.hospital, session_id=self.kwargs["pk"])

    def post(self, request, pk):
        form = self.item_form(request.POST)
        if form.is_valid():
            try:
                item = add_prescription_item(
                    by=request.user,
                    session=self.session,
                    formulary_entry=picked_entry(request.user.hospital, form),
                    **form.structured_data(),
                )
            except (Invalid, Conflict) as error:
                add_domain_error(form, error)
            else:
                overridden = " (allergy overridden)" if item.allergy_overridden else ""
                return self.prescription_changed(f"Added {item.medicine_name}{overridden}.")
        return self.consultation_page(item_form=form, status=400)


class CopyItemsMixin:
    def copied(self, result, what: str):
        """Say what was added and, one by one, what was skipped and why (as warnings the doctor reads)."""
        for name, reason in result.skipped:
            messages.warning(self.request, f"{name} not added: {reason}.")
        return self.prescription_changed(f"{what}: {len(result.added)} added, {len(result.skipped)} skipped.")


class RepeatView(CopyItemsMixin, SessionMixin, View):
    """ "Repeat last visit": the previous visit's active medicines, each checked like a typed one."""

    role_check = can_change_prescription

    def post(self, request, pk):
        return self.copied(repeat_last_visit(by=request.user, session=self.session), "Repeated the last visit")


class ApplyTemplateView(CopyItemsMixin, SessionMixin, View):
    role_check = can_change_prescription

    def post(self, request, pk):
        template = template_get(hospital=request.user.hospital, template_id=request.POST.get("template") or 0)
        result = apply_template(by=request.user, session=self.session, template=template)
        return self.copied(result, f"Applied {template.name}")


class UpdateTemplateView(SessionMixin, View):
    """The chosen template takes this prescription's active medicines (an edit of the template)."""

    role_check = can_change_prescription

    def post(self, request, pk):
        template = template_get(hospital=request.user.hospital, template_id=request.POST.get("template") or 0)
        template = update_template(by=request.user, template=template, session=self.session)
        return self.prescription_changed(f"“{template.name}” now holds these medicines.")


class DeleteTemplateView(SessionMixin, View):
    role_check = can_change_prescription

    def post(self, request, pk):
        template = template_get(hospital=request.user.hospital, template_id=request.POST.get("template") or 0)
        delete_template(by=request.user, template=template)
        return self.prescription_changed(f"Deleted the template “{template.name}”.")


class SaveTemplateView(SessionMixin, View):
    role_check = can_change_prescription

    def post(self, request, pk):
        template = create_template(by=request.user, session=self.session, name=request.POST.get("name", ""))
        return self.prescription_changed(f"Saved the medicines as “{template.name}”.")


class StopItemView(SessionMixin, View):
    role_check = can_change_prescription

    def post(self, request, pk, item_id):
        item = item_get(hospital=request.user.hospital, item_id=item_id)
        item = stop_prescription_item(by=request.user, session=self.session, item=item)
        return self.prescription_changed(f"Stopped {item.medicine_name}.")


class RecordView(SessionMixin, View):
    """Saves the consultation record: the whole form, of which the service writes what changed.

    Three ways in: htmx's autosave (triggered by `#record-autosave`; the answer is the status line only, the inputs are
    not touched), htmx's submit (Enter, a pick, an ICD match: the section comes back with a new
    blank row), and a plain POST without JavaScript (redirect back, or the page with the input kept
    and a 400). Enter in the ICD search adds its first match; Search (without JavaScript) lists them.
    """

    role_check = can_write_record

    def post(self, request, pk):
        form = RecordFormState.from_post(request.POST)
        # The wrapper's own request (its id is the HX-Trigger header); a submit's trigger is the form.
        autosave = bool(request.htmx) and request.htmx.trigger == "record-autosave"
        q = request.POST.get("icd_q", "").strip()[:100]
        listing = bool(request.POST.get("icd_search")) and not autosave
        results = []
        if not autosave:
            if code := request.POST.get("add_diagnosis", "").strip():
                if entry := icd10.lookup(code):
                    form.add_diagnosis(entry.code, entry.title)
                q = ""
            elif q:
                results = icd10_search(hospital=request.user.hospital, q=q)
                if not listing:
                    if results:
                        form.add_diagnosis(results[0].code, results[0].title)
                        q, results = "", []
                    else:
                        form.errors = {
                            "diagnoses": [f"No ICD-10 code matches {q}; write the diagnosis without a code."]
                        }
        error = None
        if not form.errors:
            try:
                update_consultation_record(by=request.user, session=self.session, **form.changes())
            except (Invalid, Conflict) as refused:
                error = refused.message
                form.errors = refused.errors or {"non_field_errors": [refused.message]}
        else:
            error = next(iter(form.errors.values()))[0]
        if autosave:
            context = {"record_saved": error is None, "record_error": error}
            return vary_on_htmx(TemplateResponse(request, "opd/_record_status.html", context))
        kept = form if error or listing else None  # after a save, the section shows what was stored
        context = self.record_context(
            form=kept,
            icd_results=results,
            icd_q=q if listing or error else "",
            record_saved=not error,
            record_error=error,
        )
        if request.htmx:
            return vary_on_htmx(TemplateResponse(request, "opd/_record.html", context))
        if error is None and not listing:
            messages.success(request, "Notes saved.")
            return redirect(f"{reverse('opd:session', args=[pk])}#record")
        return self.consultation_page(status=400 if error else 200, record_context=context)


class IcdSearchView(SessionMixin, View):
    """ICD-10 matches for the record's search box (htmx): buttons that add the code."""

    role_check = can_write_record

    def get(self, request, pk):
        require(can_write_record(request.user, self.session), "Only this session's doctor can write its record.")
        q = request.GET.get("icd_q", "").strip()[:100]
        results = icd10_search(hospital=request.user.hospital, q=q) if q else []
        context = {"icd_results": results[:10], "icd_q": q}
        return vary_on_htmx(TemplateResponse(request, "opd/_icd_results.html", context))


class CompleteView(SessionMixin, View):
    role_check = can_complete_session

    def post(self, request, pk):
        session = services.complete_consultation(by=request.user, session=self.session)
        messages.success(request, f"Consultation with {session.visit.patient.full_name} completed.")
        return redirect("opd:queue")


class DashboardView(RoleRequiredMixin, TemplateView):
    """The hospital admin's view of today: counts by stage, and per doctor (see selectors.day_counts)."""

    role_check = can_view_hospital_dashboard
    template_name = "opd/dashboard.html"

    def get_context_data(self, **kwargs):
        hospital = self.request.user.hospital
        return super().get_context_data(
            today=hospital.local_date(),
            counts=selectors.day_counts(hospital=hospital),
            doctors=selectors.day_counts_by_doctor(hospital=hospital),
            collections=collections_today(hospital=hospital),
            **kwargs,
        )


class PickListsView(RoleRequiredMixin, DomainErrorMixin, TemplateView):
    """The hospital admin's lists the doctor picks from (complaints, tests, advice lines) and its ICD-10 shorthand.

    Each form posts one action; adding carries a one-time token (a double click adds once). A refusal
    shows the page again with what was typed and the message beside the form.
    """

    role_check = can_manage_pick_lists
    template_name = "opd/pick_lists.html"

    def get_context_data(self, **kwargs):
        hospital = self.request.user.hospital
        own = list(pick_list_entries(hospital=hospital))
        lists = [
            {
                "kind": kind,
                "label": label,
                "entries": [entry for entry in own if entry.kind == kind],
                "defaults": DEFAULT_PICK_LISTS[kind],
            }
            for kind, label in PickListKind.choices
        ]
        return super().get_context_data(lists=lists, synonyms=icd_synonyms(hospital=hospital), **kwargs)

    def post(self, request):
        action = request.POST.get("action", "")
        hospital = request.user.hospital
        back = reverse("opd:pick_lists")
        if action == "add_entry":
            kind, text = request.POST.get("kind", ""), request.POST.get("text", "")

            def add():
                try:
                    entry = add_pick_list_entry(by=request.user, kind=kind, text=text)
                except Invalid as error:
                    return self.refused(error, entry_kind=kind, entry_text=text)
                return Done(back, f"Added {entry.text}.")

            return submit_once(request, add)
        if action == "add_synonym":
            term, code = request.POST.get("term", ""), request.POST.get("icd_code", "")

            def add_synonym():
                try:
                    synonym = add_icd_synonym(by=request.user, term=term, icd_code=code)
                except Invalid as error:
                    return self.refused(error, synonym_term=term, synonym_code=code)
                return Done(back, f"{synonym.term} now finds {synonym.icd_code}.")

            return submit_once(request, add_synonym)
        is_active = request.POST.get("is_active") == "1"
        if action == "entry_status":
            entry = pick_list_entry_get(hospital=hospital, entry_id=request.POST.get("id"))
            set_pick_list_entry_status(by=request.user, entry=entry, is_active=is_active)
        elif action == "synonym_status":
            synonym = icd_synonym_get(hospital=hospital, synonym_id=request.POST.get("id"))
            set_icd_synonym_status(by=request.user, synonym=synonym, is_active=is_active)
        else:
            raise Invalid("Unknown action.")
        messages.success(request, "Restored." if is_active else "Retired.")
        return redirect(back)

    def refused(self, error, **typed):
        return self.render_to_response(self.get_context_data(error=error.message, **typed), status=400)
