from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from apps.consultations import selectors, services
from apps.prescriptions.forms import ItemForm
from apps.prescriptions.selectors import item_get, prescription_for_visit
from apps.prescriptions.services import add_prescription_item, stop_prescription_item
from apps.visits.selectors import visits_for_patient
from common.exceptions import Conflict, Invalid
from common.mixins import DomainErrorMixin, RoleRequiredMixin, add_domain_error
from common.permissions import can_see_queue


class QueueView(RoleRequiredMixin, TemplateView):
    """The doctor's start page: own open sessions, oldest first."""

    role_check = can_see_queue
    template_name = "consultations/queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sessions=selectors.get_doctor_queue(doctor=self.request.user), **kwargs)


class SessionMixin(RoleRequiredMixin, DomainErrorMixin):
    role_check = can_see_queue

    @cached_property
    def session(self):
        return selectors.consultation_get(hospital=self.request.user.hospital, session_id=self.kwargs["pk"])

    def consultation_page(self, *, item_form=None, status=200):
        """The consultation page; rendered again with the add-medicine input kept after an error."""
        session = self.session
        hospital = self.request.user.hospital
        context = {
            "session": session,
            "visit": session.visit,
            "patient": session.visit.patient,
            "vitals": session.visit.vitals,
            "prescription": prescription_for_visit(hospital=hospital, visit=session.visit),
            "history": visits_for_patient(
                hospital=hospital, patient=session.visit.patient, exclude_visit_id=session.visit_id
            ),
            "item_form": item_form or ItemForm(),
        }
        return TemplateResponse(self.request, "consultations/session.html", context, status=status)


class SessionView(SessionMixin, View):
    def get(self, request, pk):
        services.open_session(by=request.user, session=self.session)
        return self.consultation_page()


class AddItemView(SessionMixin, View):
    def post(self, request, pk):
        form = ItemForm(request.POST)
        if form.is_valid():
            try:
                item = add_prescription_item(by=request.user, session=self.session, **form.cleaned_data)
            except (Invalid, Conflict) as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"Added {item.medicine_name}.")
                return redirect("consultations:session", pk)
        return self.consultation_page(item_form=form, status=400)


class StopItemView(SessionMixin, View):
    def post(self, request, pk, item_id):
        item = item_get(hospital=request.user.hospital, item_id=item_id)
        item = stop_prescription_item(by=request.user, session=self.session, item=item)
        messages.success(request, f"Stopped {item.medicine_name}.")
        return redirect("consultations:session", pk)


class CompleteView(SessionMixin, View):
    def post(self, request, pk):
        session = services.complete_session(by=request.user, session=self.session)
        messages.success(request, f"Consultation with {session.visit.patient.full_name} completed.")
        return redirect("consultations:queue")
