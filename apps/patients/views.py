from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from apps.patients import selectors, services
from apps.patients.forms import AllergyForm, PatientForm
from common.exceptions import Invalid
from common.mixins import DomainErrorMixin, RoleRequiredMixin, ServiceFormMixin, add_domain_error
from common.permissions import can_edit_patient, can_record_allergies, can_register_patient
from common.submissions import Done, submit_once


class PatientCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    role_check = can_register_patient
    form_class = PatientForm
    success_message = "Registered {result.full_name} as {result.mrn}."
    page_title = "Register patient"
    cancel_url = "visits:front_desk"

    def perform(self, form):
        return services.create_patient(by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("visits:patient", args=[self.result.pk])


class PatientEditView(RoleRequiredMixin, ServiceFormMixin, FormView):
    role_check = can_edit_patient
    form_class = PatientForm
    success_message = "Saved {result.full_name}."

    @cached_property
    def patient(self):
        return selectors.patient_get(hospital=self.request.user.hospital, patient_id=self.kwargs["pk"])

    def get_initial(self):
        return {field: getattr(self.patient, field) for field in PatientForm.base_fields}

    def get_page_title(self):
        return f"Edit {self.patient.full_name} ({self.patient.mrn})"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"cancel_url": reverse("visits:patient", args=[self.patient.pk])}

    def perform(self, form):
        return services.update_patient(by=self.request.user, patient=self.patient, **form.cleaned_data)

    def get_success_url(self):
        return reverse("visits:patient", args=[self.patient.pk])


class AllergiesView(RoleRequiredMixin, DomainErrorMixin, TemplateView):
    """A patient's allergies and chronic conditions: the active ones with Retire, the retired below, and
    a form to record one (the front desk or a doctor). A refused form comes back with its input kept."""

    role_check = can_record_allergies
    template_name = "patients/allergies.html"

    @cached_property
    def patient(self):
        return selectors.patient_get(hospital=self.request.user.hospital, patient_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        hospital = self.request.user.hospital
        entries = list(selectors.allergies_for_patient(hospital=hospital, patient=self.patient))
        return super().get_context_data(
            patient=self.patient,
            allergies=selectors.active_allergies(hospital=hospital, patient=self.patient),
            active=[entry for entry in entries if entry.is_active],
            retired=[entry for entry in entries if not entry.is_active],
            form=kwargs.pop("form", None) or AllergyForm(),
            **kwargs,
        )

    def post(self, request, pk):
        return submit_once(request, lambda: self.record(AllergyForm(request.POST)))

    def record(self, form: AllergyForm):
        if form.is_valid():
            try:
                allergy = services.record_allergy(by=self.request.user, patient=self.patient, **form.cleaned_data)
            except Invalid as error:
                add_domain_error(form, error)
            else:
                noun = "allergy" if allergy.is_allergy else "condition"
                return Done(reverse("patients:allergies", args=[self.patient.pk]), f"Recorded the {noun}.")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RetireAllergyView(RoleRequiredMixin, DomainErrorMixin, View):
    role_check = can_record_allergies

    def post(self, request, pk, allergy_id):
        hospital = request.user.hospital
        patient = selectors.patient_get(hospital=hospital, patient_id=pk)
        allergy = selectors.allergy_get(hospital=hospital, patient=patient, allergy_id=allergy_id)
        services.retire_allergy(by=request.user, allergy=allergy)
        messages.success(request, "Retired; it stays in the history below.")
        return redirect("patients:allergies", patient.pk)
