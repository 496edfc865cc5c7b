from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from apps.consultations.selectors import hospital_average_minutes, open_session_of_visit, queue_overview
from apps.consultations.services import requeue_no_show, set_queue_priority
from apps.patients.selectors import active_allergies, patient_get, patient_search
from apps.visits import selectors, services
from apps.visits.forms import MoveForm, VisitForm
from common.constants import QueuePriority, Role
from common.exceptions import DuplicateActiveVisit, Invalid
from common.mixins import DomainErrorMixin, RoleRequiredMixin, add_domain_error
from common.pagination import keyset_page
from common.permissions import (
    can_arrange_queue,
    can_close_visit,
    can_create_visit,
    can_search_patients,
    can_start_follow_up,
    has_role,
    require,
)
from common.submissions import Done, submit_once


class FrontDeskView(RoleRequiredMixin, TemplateView):
    """The front desk's start page: patient search, and today's visits with who waits for whom."""

    role_check = can_search_patients
    template_name = "visits/front_desk.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        hospital = self.request.user.hospital
        q = self.request.GET.get("q", "")[:100]
        # A busy day has hundreds: a page at a time, newest first, so the page costs the same at 5 pm as at 9 am.
        visits = keyset_page(self.request, selectors.todays_visits(hospital=hospital), page_size=self.page_size)
        for visit in visits:
            visit.stage = selectors.visit_stage(visit)
        doctors = queue_overview(hospital=hospital)
        return super().get_context_data(
            q=q,
            patients=patient_search(hospital=hospital, q=q),
            todays_visits=visits,
            queue_doctors=doctors,
            average_minutes=hospital_average_minutes(doctors),
            active_doctors=[doctor for doctor in doctors if doctor.is_active],
            priorities=QueuePriority.choices,
            **kwargs,
        )


class PatientChartView(RoleRequiredMixin, DomainErrorMixin, TemplateView):
    """A patient with their visits in this hospital; the front desk opens a new visit here (POST).

    On a refused visit the chart is shown again with everything typed kept.
    """

    role_check = can_search_patients
    template_name = "visits/patient.html"

    @cached_property
    def patient(self):
        return patient_get(hospital=self.request.user.hospital, patient_id=self.kwargs["pk"])

    def visit_form(self, data=None) -> VisitForm:
        doctors = selectors.active_doctors(hospital=self.request.user.hospital)
        return VisitForm(data, doctors=doctors, initial={"patient": self.patient.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            patient=self.patient,
            allergies=active_allergies(hospital=self.request.user.hospital, patient=self.patient),
            # Newest first, a page at a time; the doctor also sees each visit's notes and medicines.
            visits=keyset_page(
                self.request,
                selectors.patient_timeline(
                    hospital=self.request.user.hospital, patient=self.patient, with_notes=self.request.user.is_doctor()
                ),
                page_size=20,
            ),
            visit_form=kwargs.pop("visit_form", None) or self.visit_form(),
            **kwargs,
        )

    def post(self, request, pk):
        require(can_create_visit(request.user))
        # A double click creates one visit, and the second click lands on the same message.
        return submit_once(request, lambda: self.create_visit(self.visit_form(request.POST)))

    def create_visit(self, form: VisitForm):
        duplicate = None
        if form.is_valid():
            try:
                visit = services.create_visit_with_vitals(
                    by=self.request.user,
                    patient=self.patient,
                    doctor=form.cleaned_data["doctor"],
                    validity_days=form.cleaned_data["validity_days"],
                    vitals=form.vitals(),
                )
            except DuplicateActiveVisit as error:
                duplicate = error.existing_visit
                add_domain_error(form, error)
            except Invalid as error:
                add_domain_error(form, error)
            else:
                token = visit.opened_session.token_number
                return Done(
                    reverse("visits:patient", args=[self.patient.pk]),
                    f"Visit created for {self.patient.full_name}: token {token} with {visit.doctor.display_name}.",
                )
        context = self.get_context_data(visit_form=form, duplicate_visit=duplicate)
        return self.render_to_response(context, status=400)


class VisitActionView(RoleRequiredMixin, DomainErrorMixin, View):
    """POST-only actions on one visit; each shows a message and returns to the patient's chart."""

    def post(self, request, pk):
        visit = selectors.visit_get(hospital=request.user.hospital, visit_id=pk)
        message = self.act(request.user, visit)
        messages.success(request, message)
        if has_role(request.user, Role.DOCTOR):
            return redirect("accounts:home")
        return redirect("visits:patient", visit.patient_id)


class FollowUpView(VisitActionView):
    role_check = can_start_follow_up

    def act(self, user, visit):
        session = services.start_follow_up(by=user, visit=visit)
        return f"Follow-up started: session {session.session_number}, token {session.token_number}."


class CloseVisitView(VisitActionView):
    role_check = can_close_visit  # front desk or a doctor; the service checks it is the visit's own doctor

    def act(self, user, visit):
        services.close_visit(by=user, visit=visit)
        return f"Visit #{visit.pk} closed."


class QueueArrangeView(RoleRequiredMixin, DomainErrorMixin, View):
    """The front desk's queue actions on one visit's waiting token (SPEC §11); each returns to the front desk."""

    role_check = can_arrange_queue

    def post(self, request, pk):
        visit = selectors.visit_get(hospital=request.user.hospital, visit_id=pk)
        messages.success(request, self.act(request.user, visit, open_session_of_visit(visit=visit)))
        return redirect("visits:front_desk")

    def domain_error_response(self, request, error):
        return redirect("visits:front_desk")


class PriorityView(QueueArrangeView):
    def act(self, user, visit, session):
        session = set_queue_priority(by=user, session=session, priority=self.request.POST.get("priority", ""))
        return f"Token {session.token_number}: priority {session.get_priority_display().lower()}."


class MoveView(QueueArrangeView):
    def act(self, user, visit, session):
        form = MoveForm(self.request.POST, doctors=selectors.active_doctors(hospital=user.hospital))
        if not form.is_valid():
            raise Invalid("Choose an active doctor to move the patient to.")
        session = services.move_visit(by=user, visit=visit, doctor=form.cleaned_data["doctor"])
        return f"Moved to {session.doctor.display_name}: new token {session.token_number} (the old one is released)."


class RequeueView(QueueArrangeView):
    def act(self, user, visit, session):
        session = requeue_no_show(by=user, session=session)
        return f"Token {session.token_number} is back at the end of the queue."
