from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from apps.accounts import selectors, services
from apps.accounts.forms import DoctorEditForm, StaffCreateForm, StaffEditForm
from common.constants import Role
from common.mixins import DomainErrorMixin, RoleRequiredMixin, ServiceFormMixin
from common.permissions import can_manage_staff

HOME_OF_ROLE = {
    Role.SUPER_ADMIN: "hospitals:list",
    Role.HOSPITAL_ADMIN: "accounts:staff",
    Role.RECEPTIONIST: "visits:front_desk",
    Role.DOCTOR: "opd:queue",
    Role.MEDICAL_STAFF: "pharmacy:list",
}


class LoginView(auth_views.LoginView):
    """Django's login, plus an audit event for every success and failure."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_login(user=form.get_user())
        return response

    def form_invalid(self, form):
        services.record_login_failed(username=form.data.get("username", ""))
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.record_logout(user=request.user)
        return super().post(request, *args, **kwargs)


class HomeView(LoginRequiredMixin, View):
    """Sends each role to its own start page."""

    def get(self, request):
        return redirect(HOME_OF_ROLE[request.user.role])


class StaffRosterView(RoleRequiredMixin, TemplateView):
    role_check = can_manage_staff
    template_name = "accounts/staff.html"

    def get_context_data(self, **kwargs):
        hospital = self.request.user.hospital
        return super().get_context_data(
            staff=selectors.staff_list(hospital=hospital),
            limits=selectors.staff_limits(hospital=hospital),
            **kwargs,
        )


class StaffCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    role_check = can_manage_staff
    form_class = StaffCreateForm
    success_message = "Created {result.username}."
    page_title = "Add staff member"
    cancel_url = "accounts:staff"

    def perform(self, form):
        return services.create_staff_user(
            by=self.request.user, hospital=self.request.user.hospital, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("accounts:staff")


class StaffEditView(RoleRequiredMixin, ServiceFormMixin, FormView):
    role_check = can_manage_staff
    form_class = StaffEditForm
    success_message = "Saved {result.username}."
    cancel_url = "accounts:staff"

    @cached_property
    def staff_member(self):
        return selectors.user_get(by=self.request.user, user_id=self.kwargs["pk"])

    def get_form_class(self):
        return DoctorEditForm if self.staff_member.is_doctor() else StaffEditForm

    def get_initial(self):
        fields = [name for name in self.get_form_class().base_fields if name != "password"]
        return {field: getattr(self.staff_member, field) for field in fields}

    def get_page_title(self):
        return f"Edit {self.staff_member.username}"

    def perform(self, form):
        return services.update_staff_details(by=self.request.user, user=self.staff_member, **form.cleaned_data)

    def get_success_url(self):
        return reverse("accounts:staff")


class StaffStatusView(RoleRequiredMixin, DomainErrorMixin, View):
    """POST is_active=1|0: activate or deactivate a staff account."""

    role_check = can_manage_staff

    def post(self, request, pk):
        member = selectors.user_get(by=request.user, user_id=pk)
        is_active = request.POST.get("is_active") == "1"
        services.set_staff_status(by=request.user, user=member, is_active=is_active)
        messages.success(request, f"{member.username} is now {'active' if is_active else 'inactive'}.")
        return redirect("accounts:staff")
