from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.crypto import salted_hmac

from apps.accounts.usernames import ALPHABET_MESSAGE, MAX_LENGTH, SafeUsernameValidator, username_key
from common.constants import Role
from common.exceptions import DeletionRefused
from common.models import NeverDeletedQuerySet

if TYPE_CHECKING:
    from apps.hospitals.models import Hospital


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
        # Log-in (ModelBackend) and createsuperuser find the account by its normalised key, by equality.
        return self.get(username_key=username_key(username))


class User(AbstractUser):
    username = models.CharField(
        "username",
        max_length=MAX_LENGTH,
        unique=True,
        validators=[SafeUsernameValidator()],
        help_text=ALPHABET_MESSAGE,
        error_messages={"unique": "A user with that username already exists."},
    )
    # username_key(username), kept by save(): what log-in, lockout and uniqueness compare.
    username_key = models.CharField(max_length=MAX_LENGTH, unique=True, editable=False)
    # Mixed into the session auth hash: raising it ends every session of the user at once, for good.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices)
    hospital = models.ForeignKey(
        "hospitals.Hospital", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )

    # A doctor's profile (SPEC §9), edited by the hospital admin and printed on the prescription. An Indian
    # prescription must carry the registration number: without it a doctor cannot complete a session that
    # hands medicines to the pharmacy (opd.services.complete_consultation). Empty for the other roles.
    qualification = models.CharField(max_length=120, blank=True)
    registration_council = models.CharField(max_length=120, blank=True)
    registration_number = models.CharField(max_length=50, blank=True)
    signature_text = models.CharField(max_length=200, blank=True)

    objects: ClassVar[ClinicUserManager] = ClinicUserManager()
    deletion_refusal = (
        "A user account is never deleted: the audit trail and clinical records name it. Deactivate it instead."
    )

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
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

    def save(self, *args, **kwargs):
        self.username_key = username_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DeletionRefused(self.deletion_refusal)

    def _get_session_auth_hash(self, secret=None):
        # Django's hash covers the password only; the generation lets deactivation end sessions too,
        # so that re-activating an account never brings an old session back.
        key_salt = "apps.accounts.models.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def display_name(self) -> str:
        name = self.get_full_name()
        return f"Dr. {name}" if name and self.role == Role.DOCTOR else (name or self.username)

    @property
    def staff_hospital(self) -> "Hospital":
        """The hospital of a staff member: every role but SUPER_ADMIN has one (a check constraint)."""
        if self.hospital is None:
            raise ValueError("A super admin belongs to no hospital.")
        return self.hospital

    @property
    def staff_hospital_id(self) -> int:
        """`staff_hospital`'s id, without loading the hospital row."""
        if self.hospital_id is None:
            raise ValueError("A super admin belongs to no hospital.")
        return self.hospital_id

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
