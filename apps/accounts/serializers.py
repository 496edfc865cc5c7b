"""API shapes of accounts and tokens."""

from rest_framework import serializers

from apps.accounts.models import User
from common.api import IdField
from common.constants import Role
from common.strict_input import VisibleText


class UserOutput(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="May be empty.")
    hospital_name = serializers.CharField(source="hospital.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "hospital",
            "hospital_name",
            "is_active",
            "last_login",
            "date_joined",
            "qualification",
            "registration_council",
            "registration_number",
            "signature_text",
        ]
        read_only_fields = fields


class UserCreateInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    role = serializers.ChoiceField(choices=Role.choices)
    # A super admin names the hospital of the new admin; a hospital admin's staff join its own hospital.
    hospital = IdField(required=False)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)


class UserUpdateInput(serializers.Serializer):
    """Role and hospital never change; what is not here cannot be set (and is ignored: a PATCH of `role`
    answers with the account unchanged, tests/test_api_bad_input.py).

    The profile fields are a doctor's, set by their hospital admin (SPEC §9): a doctor without a
    registration number cannot complete a consultation with medicines."""

    username = serializers.CharField(required=False, max_length=150)
    password = serializers.CharField(required=False, write_only=True, max_length=128)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    qualification = VisibleText(required=False, allow_blank=True, max_length=120, help_text="e.g. MBBS, MD (Medicine)")
    registration_council = VisibleText(
        required=False, allow_blank=True, max_length=120, help_text="e.g. Maharashtra Medical Council"
    )
    registration_number = VisibleText(
        required=False, allow_blank=True, max_length=50, help_text="e.g. MMC-2011/04567 (letters, digits, . / -)"
    )
    signature_text = VisibleText(required=False, allow_blank=True, max_length=200, help_text="Printed above the line.")


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`. Shown only once.")
    expires_at = serializers.DateTimeField()
    user = UserOutput()
