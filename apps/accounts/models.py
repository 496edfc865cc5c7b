from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from common.constants import Role
from common.exceptions import DeletionRefused
from common.models import NeverDeletedQuerySet


class ClinicUserManager(UserManager):
    def get_queryset(self):
        # Not `from_queryset`: the manager's class is recorded in migrations and must stay this one.
        return NeverDeletedQuerySet(self.model, using=self._db)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` produces the platform's SUPER_ADMIN (SPEC §1).
        extra_fields.setdefault("role", Role.SUPER_ADMIN)
        extra_fields["hospital"] = None
        return super().create_superuser(username, email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Usernames are unique case-insensitively, so log-in is case-insensitive too.
        return self.get(username__iexact=username)


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices)
    hospital = models.ForeignKey(
        "hospitals.Hospital", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )

    objects = ClinicUserManager()
    deletion_refusal = (
        "A user account is never deleted: the audit trail and clinical records name it. Deactivate it instead."
    )

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
            # A super admin belongs to no hospital; every other role to exactly one.
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.SUPER_ADMIN, hospital__isnull=True)
                    | (~models.Q(role=Role.SUPER_ADMIN) & models.Q(hospital__isnull=False))
                ),
                name="user_hospital_matches_role",
            ),
        ]
        indexes = [
            # Staff limits count active users of one role in one hospital.
            models.Index(fields=["hospital", "role", "is_active"], name="user_hosp_role_active_idx"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def delete(self, *args, **kwargs):
        raise DeletionRefused(self.deletion_refusal)

    @property
    def display_name(self) -> str:
        name = self.get_full_name()
        return f"Dr. {name}" if name and self.role == Role.DOCTOR else (name or self.username)

    def is_super_admin(self) -> bool:
        return self.role == Role.SUPER_ADMIN

    def is_hospital_admin(self) -> bool:
        return self.role == Role.HOSPITAL_ADMIN

    def is_receptionist(self) -> bool:
        return self.role == Role.RECEPTIONIST

    def is_doctor(self) -> bool:
        return self.role == Role.DOCTOR

    def is_medical_staff(self) -> bool:
        return self.role == Role.MEDICAL_STAFF


class ApiToken(models.Model):
    """A bearer token of the REST API. Only its SHA-256 is stored: the token itself is shown once, at issue."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"], name="apitoken_user_expiry_idx")]

    def __str__(self) -> str:
        return f"API token #{self.pk} of user #{self.user_id}"
