from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from apps.accounts import selectors as account_selectors
from apps.accounts.forms import HospitalAdminCreateForm
from apps.accounts.services import create_staff_user
from apps.hospitals import selectors, services
from apps.hospitals.forms import HospitalForm
from common.constants import Role
from common.forms import on_or_off
from common.mixins import DomainErrorMixin, RoleRequiredMixin, ServiceFormMixin
from common.permissions import can_manage_hospitals


class HospitalListView(RoleRequiredMixin, TemplateView):
    role_check = can_manage_hospitals
    template_name = "hospitals/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(hospitals=selectors.hospital_list(), **kwargs)


class HospitalCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    role_check = can_manage_hospitals
    template_name = "hospitals/form.html"
    form_class = HospitalForm
    success_message = "Created {result.name}."
    page_title = "Add hospital"
    cancel_url = "hospitals:list"

    def perform(self, form):
        return services.create_hospital(by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("hospitals:list")


class HospitalEditView(RoleRequiredMixin, ServiceFormMixin, FormView):
    role_check = can_manage_hospitals
    template_name = "hospitals/form.html"
    form_class = HospitalForm
    success_message = "Saved {result.name}."
    cancel_url = "hospitals:list"

    @cached_property
    def hospital(self):
        return selectors.hospital_get(hospital_id=self.kwargs["pk"])

    def get_page_title(self):
        return f"Edit {self.hospital.name}"

    def get_initial(self):
        return {field: getattr(self.hospital, field) for field in HospitalForm.base_fields}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            hospital=self.hospital, admins=account_selectors.hospital_admins(hospital=self.hospital), **kwargs
        )

    def perform(self, form):
        return services.update_hospital(by=self.request.user, hospital=self.hospital, **form.cleaned_data)

    def get_success_url(self):
        return reverse("hospitals:list")


class HospitalStatusView(RoleRequiredMixin, DomainErrorMixin, View):
    """POST is_active=1|0."""

    role_check = can_manage_hospitals

    def post(self, request, pk):
        hospital = selectors.hospital_get(hospital_id=pk)
        is_active = on_or_off(request.POST, "is_active")
        services.set_hospital_status(by=request.user, hospital=hospital, is_active=is_active)
        messages.success(request, f"{hospital.name} is now {'active' if is_active else 'inactive'}.")
        return redirect("hospitals:list")


class HospitalAdminCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    role_check = can_manage_hospitals
    form_class = HospitalAdminCreateForm
    success_message = "Created hospital admin {result.username}."

    @cached_property
    def hospital(self):
        return selectors.hospital_get(hospital_id=self.kwargs["pk"])

    def get_page_title(self):
        return f"Add hospital admin for {self.hospital.name}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"cancel_url": reverse("hospitals:edit", args=[self.hospital.pk])}

    def perform(self, form):
        data = form.cleaned_data | {"role": Role.HOSPITAL_ADMIN}
        return create_staff_user(by=self.request.user, hospital=self.hospital, **data)

    def get_success_url(self):
        return reverse("hospitals:edit", args=[self.hospital.pk])
