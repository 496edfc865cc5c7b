from django import forms

from apps.accounts.usernames import ALPHABET_MESSAGE, MAX_LENGTH
from common.constants import HOSPITAL_STAFF_ROLES, Role
from common.forms import BootstrapFormMixin


class StaffCreateForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(choices=[(role.value, role.label) for role in HOSPITAL_STAFF_ROLES])
    username = forms.CharField(max_length=MAX_LENGTH, help_text=ALPHABET_MESSAGE)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput, help_text="At least 10 characters.", strip=False)


class HospitalAdminCreateForm(StaffCreateForm):
    role = forms.ChoiceField(choices=[(Role.HOSPITAL_ADMIN.value, Role.HOSPITAL_ADMIN.label)], disabled=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = Role.HOSPITAL_ADMIN


class StaffEditForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(max_length=MAX_LENGTH, help_text=ALPHABET_MESSAGE)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    password = forms.CharField(
        widget=forms.PasswordInput,
        required=False,
        strip=False,
        help_text="Leave empty to keep the current password. A new one logs the user out everywhere.",
    )


class DoctorEditForm(StaffEditForm):
    """A doctor's account and profile (SPEC §9): what the printed prescription says about its doctor."""

    qualification = forms.CharField(max_length=120, required=False, help_text="e.g. MBBS, MD (Medicine)")
    registration_council = forms.CharField(max_length=120, required=False, help_text="e.g. Maharashtra Medical Council")
    registration_number = forms.CharField(
        max_length=50,
        required=False,
        help_text="e.g. MMC-2011/04567. Without it the doctor cannot complete a consultation with medicines.",
    )
    signature_text = forms.CharField(max_length=200, required=False, help_text="Printed above the signature line.")

    field_order = [*StaffEditForm.base_fields, "qualification", "registration_council", "registration_number"]
