from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from apps.consultations.selectors import get_doctor_queue, session_get
from apps.consultations.services import record_session_view
from apps.formulary.selectors import formulary_get, formulary_search
from apps.opd import selectors, services
from apps.prescriptions.forms import ItemForm
from apps.prescriptions.selectors import item_get, prescription_for_visit, template_get, templates_for_doctor
from apps.prescriptions.services import (
    add_prescription_item,
    apply_template,
    create_template,
    repeat_last_visit,
    stop_prescription_item,
)
from apps.visits.selectors import visits_for_patient
from common.exceptions import Conflict, Invalid, NotFound
from common.mixins import (
    DomainErrorMixin,
    HtmxPartialMixin,
    RoleRequiredMixin,
    add_domain_error,
    vary_on_htmx,
)
from common.permissions import (
    can_change_prescription,
    can_complete_session,
    can_see_queue,
    can_start_session,
    can_view_hospital_dashboard,
    can_view_session,
)


class QueueView(RoleRequiredMixin, HtmxPartialMixin, TemplateView):
    """The doctor's start page: own open sessions, oldest first. The page polls this view (htmx) for the list."""

    role_check = can_see_queue
    template_name = "opd/queue.html"
    partial_template_name = "opd/_queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sessions=get_doctor_queue(doctor=self.request.user), **kwargs)


class SessionMixin(RoleRequiredMixin, DomainErrorMixin):
    role_check = can_view_session

    @cached_property
    def session(self):
        return session_get(hospital=self.request.user.hospital, session_id=self.kwargs["pk"])

    def item_form(self, data=None, initial=None) -> ItemForm:
        return ItemForm(data, initial=initial, suggest_url=reverse("opd:medicine_suggest", args=[self.session.pk]))

    def consultation_page(self, *, item_form=None, status=200, suggestions=None):
        """The consultation page, or for htmx only its prescription section (with the messages).

        Rendered again with the add-medicine input kept after an error: 400 for a plain POST, 200 for
        htmx, which swaps only successful answers (the error is shown inside the section).
        """
        session = self.session
        hospital = self.request.user.hospital
        context = {
            "session": session,
            "prescription": prescription_for_visit(hospital=hospital, visit=session.visit),
            "item_form": item_form or self.item_form(),
            "suggestions": suggestions,
            "templates": templates_for_doctor(hospital=hospital, doctor=self.request.user),
        }
        if self.request.htmx:
            template, status = "opd/_prescription.html", 200
        else:
            template = "opd/session.html"
            context |= {
                "visit": session.visit,
                "patient": session.visit.patient,
                "vitals": session.visit.vitals,
                "history": visits_for_patient(
                    hospital=hospital, patient=session.visit.patient, exclude_visit_id=session.visit_id
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
                return self.prescription_changed(f"Added {item.medicine_name}.")
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


class SaveTemplateView(SessionMixin, View):
    role_check = can_change_prescription

    def post(self, request, pk):
        template = create_template(by=request.user, session=self.session, name=request.POST.get("name", "")[:100])
        return self.prescription_changed(f"Saved the medicines as “{template.name}”.")


class StopItemView(SessionMixin, View):
    role_check = can_change_prescription

    def post(self, request, pk, item_id):
        item = item_get(hospital=request.user.hospital, item_id=item_id)
        item = stop_prescription_item(by=request.user, session=self.session, item=item)
        return self.prescription_changed(f"Stopped {item.medicine_name}.")


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
            **kwargs,
        )
