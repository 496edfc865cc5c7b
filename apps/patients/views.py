from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView

from apps.patients import selectors, services
from apps.patients.forms import PatientForm
from common.mixins import RoleRequiredMixin, ServiceFormMixin
from common.permissions import can_edit_patient, can_register_patient


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
