import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import ApiToken, User
from apps.accounts.usernames import MAX_LENGTH, SafeUsernameValidator, username_key
from apps.audit.services import diff, record_event, snapshot
from apps.hospitals.models import Hospital
from common.constants import STAFF_LIMIT_FIELDS, Role
from common.exceptions import Invalid, LimitReached, NotFound
from common.permissions import can_create_user_with_role, can_edit_doctor_profile, can_manage_user, has_role, require
from common.validation import clean_text

DUPLICATE_USERNAME = "A user with that username already exists."
DETAIL_FIELDS = ["username", "first_name", "last_name", "email"]
# A doctor's profile (SPEC §9): what the printed prescription says about its doctor.
PROFILE_FIELDS = ["qualification", "registration_council", "registration_number", "signature_text"]
_REGISTRATION_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]*$")


def can_create_staff(hospital: Hospital, role: str) -> bool:
    """True while the hospital has fewer ACTIVE users of `role` than its limit (0 = none allowed).

    Hospital admins are not limited. Callers that act on the answer must hold the
    hospital's row lock (see `_ensure_below_limit`); this read alone can race.
    """
    limit_field = STAFF_LIMIT_FIELDS.get(role)
    if limit_field is None:
        return True
    active = User.objects.filter(hospital=hospital, role=role, is_active=True).count()
    return active < getattr(hospital, limit_field)


def limit_message(hospital: Hospital, role: str) -> str:
    limit = getattr(hospital, STAFF_LIMIT_FIELDS[role])
    noun = Role(role).label.lower()
    if limit == 0:
        return f"This hospital may not have any active {noun} accounts."
    plural = noun if limit == 1 else ("medical staff" if role == Role.MEDICAL_STAFF else f"{noun}s")
    return f"This hospital may have at most {limit} active {plural}."


def _ensure_below_limit(hospital: Hospital, role: str) -> Hospital:
    """Lock the hospital row, then count: two simultaneous requests can never pass the limit together."""
    locked = Hospital.objects.select_for_update().get(pk=hospital.pk)
    if not can_create_staff(locked, role):
        raise LimitReached(limit_message(locked, role))
    return locked


def _clean_username(username: str, *, exclude_pk: int | None = None) -> str:
    """A new or changed username: the safe alphabet, and no other account with the same key."""
    username = (username or "").strip()
    if not username:
        raise Invalid.on_field("username", "Enter a username.")
    if len(username) > MAX_LENGTH:
        raise Invalid.on_field("username", f"Use at most {MAX_LENGTH} characters.")
    try:
        SafeUsernameValidator()(username)
    except ValidationError as error:
        raise Invalid.on_field("username", error.messages[0]) from None
    if User.objects.filter(username_key=username_key(username)).exclude(pk=exclude_pk).exists():
        raise Invalid.on_field("username", DUPLICATE_USERNAME)
    return username


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as error:
        raise Invalid(error.messages[0], errors={"password": list(error.messages)}) from None


def _save_user(user: User, **save_kwargs: Any) -> None:
    try:
        with transaction.atomic():
            user.save(**save_kwargs)
    except IntegrityError:  # a simultaneous request took the same username
        raise Invalid.on_field("username", DUPLICATE_USERNAME) from None


def _ensure_manageable(by: User, user: User) -> None:
    """Another hospital's user does not exist for a hospital admin; a role out of reach is forbidden."""
    if has_role(by, Role.HOSPITAL_ADMIN) and user.hospital_id != by.hospital_id:
        raise NotFound()
    require(can_manage_user(by, user))


def create_staff_user(
    *,
    by: User,
    hospital: Hospital,
    role: str,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a staff account: super admins create hospital admins, hospital admins their own staff.

    Refuses: a role the actor may not create (PermissionDenied); another hospital
    for a hospital admin (NotFound); a taken username (case-insensitive), a weak
    password or invalid fields (Invalid); a full staff limit (Conflict, e.g.
    "This hospital may have at most 3 active doctors."). Audit: user.create.
    """
    require(can_create_user_with_role(by, role), "You may not create accounts with this role.")
    if has_role(by, Role.HOSPITAL_ADMIN) and hospital.pk != by.hospital_id:
        raise NotFound()
    with transaction.atomic():
        hospital = _ensure_below_limit(hospital, role)
        user = User(
            username=_clean_username(username),
            role=role,
            hospital=hospital,
            first_name=(first_name or "").strip()[:150],
            last_name=(last_name or "").strip()[:150],
            email=(email or "").strip(),
        )
        _validate_password(password, user)
        user.set_password(password)
        try:
            user.full_clean(exclude=["password", "username"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise Invalid.from_validation_error(error) from None
        _save_user(user)
        record_event(
            actor=by,
            action="user.create",
            target=user,
            hospital=hospital,
            summary=f"Created {Role(role).label.lower()} {user.username}",
            changes={
                "username": user.username,
                "role": role,
                "first_name": user.first_name,
                "last_name": user.last_name,
            },
        )
        return user


def set_staff_status(*, by: User, user: User, is_active: bool) -> User:
    """Activate or deactivate a staff account.

    Deactivation ends every session and API token of the user for good: re-activation
    does not bring them back (`_end_sessions_and_tokens`). Re-activation counts against the limit.
    Refuses: a user out of the actor's reach, oneself included (NotFound / PermissionDenied:
    nobody manages their own role); re-activation beyond the limit (LimitReached).
    Audit: user.activate / user.deactivate.
    """
    _ensure_manageable(by, user)
    with transaction.atomic():
        if is_active:
            _ensure_below_limit(user.staff_hospital, user.role)
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == is_active:
            return user
        user.is_active = is_active
        fields = ["is_active"]
        if not is_active:
            fields += _end_sessions_and_tokens(user)
        user.save(update_fields=fields)
        record_event(
            actor=by,
            action="user.activate" if is_active else "user.deactivate",
            target=user,
            hospital=user.hospital,
            summary=f"{'Activated' if is_active else 'Deactivated'} {user.username}",
            changes={"is_active": [not is_active, is_active]},
        )
        return user


def update_staff_details(
    *,
    by: User,
    user: User,
    username: str | None = None,
    password: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    qualification: str | None = None,
    registration_council: str | None = None,
    registration_number: str | None = None,
    signature_text: str | None = None,
) -> User:
    """Change a staff member's username, name, e-mail or password, and a doctor's profile.

    A new password ends every session and API token of that user. The profile
    (qualification, registration council and number, signature text) is a doctor's
    only, edited by their hospital admin. Refuses: a user out of the actor's reach
    (NotFound / PermissionDenied); profile fields from anyone but the hospital admin
    (PermissionDenied); profile fields for a user who is not a doctor, a registration
    number with other than letters, digits, space, ". / -", a taken username or a weak
    password (Invalid). Audit: user.update, or user.password_change when only the
    password changed; the password itself is never recorded.
    """
    _ensure_manageable(by, user)
    profile = {
        "qualification": qualification,
        "registration_council": registration_council,
        "registration_number": registration_number,
        "signature_text": signature_text,
    }
    profile = {field: clean_text(value) for field, value in profile.items() if value is not None}
    if profile:
        require(can_edit_doctor_profile(by), "Only the hospital admin edits a doctor's profile.")
        if user.role != Role.DOCTOR:
            raise Invalid(
                "Only a doctor has a qualification and registration.",
                errors={field: ["Only a doctor has a qualification and registration."] for field in profile},
            )
        number = profile.get("registration_number")
        if number and not _REGISTRATION_NUMBER.match(number):
            raise Invalid.on_field(
                "registration_number", "Use letters, digits, spaces and . / - only, e.g. MMC-2011/04567."
            )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user, DETAIL_FIELDS + PROFILE_FIELDS)
        if username is not None:
            user.username = _clean_username(username, exclude_pk=user.pk)
        for field, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
            if value is not None:
                setattr(user, field, value.strip())
        for field, value in profile.items():
            setattr(user, field, value)
        try:
            user.full_clean(exclude=["password", "username"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise Invalid.from_validation_error(error) from None
        changes = diff(user, before, DETAIL_FIELDS + PROFILE_FIELDS)
        fields = list(changes)
        if password:
            _validate_password(password, user)
            user.set_password(password)
            fields += ["password", *_end_sessions_and_tokens(user)]
        if not fields:
            return user
        _save_user(user, update_fields=fields)
        only_password = not changes
        record_event(
            actor=by,
            action="user.password_change" if only_password else "user.update",
            target=user,
            hospital=user.hospital,
            summary=f"{'Changed the password of' if only_password else 'Updated'} {user.username}",
            changes=changes | ({"password": "changed"} if password else {}),
        )
        return user


def record_login(*, user: User) -> None:
    """Audit: auth.login."""
    with transaction.atomic():
        record_event(actor=user, action="auth.login", target=user, summary=f"{user.username} logged in")


def _record_attempt(*, action: str, username: str, summary: str) -> None:
    """An event with no actor (nobody is logged in), in the hospital of the account tried, if any.

    A NUL the client sent is kept visible as U+FFFD: PostgreSQL cannot store NUL in text.
    """
    tried = (username or "").replace("\x00", "\N{REPLACEMENT CHARACTER}")
    with transaction.atomic():
        known = User.objects.filter(username_key=username_key(tried)).select_related("hospital").first()
        record_event(
            actor=None,
            action=action,
            username=tried,
            hospital=known.hospital if known and known.hospital_id else None,
            summary=summary,
        )


def record_login_failed(*, username: str) -> None:
    """Audit: auth.login_failed, with the username that was tried (it may not exist)."""
    _record_attempt(action="auth.login_failed", username=username, summary=f"Failed login for {username[:100]!r}")


def record_lockout(*, username: str) -> None:
    """Audit: auth.lockout, when failed log-ins lock a username at an address (django-axes)."""
    summary = f"Locked out {username[:100]!r} after repeated failed log-ins"
    _record_attempt(action="auth.lockout", username=username, summary=summary)


def record_logout(*, user: User) -> None:
    """Audit: auth.logout."""
    with transaction.atomic():
        record_event(actor=user, action="auth.logout", target=user, summary=f"{user.username} logged out")


def update_staff_account(*, by: User, user: User, is_active: bool | None = None, **details: Any) -> User:
    """Change an account's details and status in one step (the API's PATCH); see the two services it combines.

    The status first: re-activation locks the hospital row, and no lock may follow an audit event's
    (record_event holds the hospital's audit chain until commit).
    """
    with transaction.atomic():
        if is_active is not None:
            user = set_staff_status(by=by, user=user, is_active=is_active)
        return update_staff_details(by=by, user=user, **details)


# API tokens ---------------------------------------------------------------------


def hash_api_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _end_sessions_and_tokens(user: User) -> list[str]:
    """Deactivation and a new password end every session and API token of the user, for good.

    Tokens are deleted. Sessions cannot be found by user (their data is encoded), so the user's
    session generation, part of the session auth hash, moves on: every existing session fails its
    hash check on its next request and is flushed, whatever happens to the account later.
    Returns the field the caller must save.
    """
    ApiToken.objects.filter(user=user).delete()
    user.session_generation += 1
    return ["session_generation"]


def end_sessions_of_hospital(hospital: Hospital) -> None:
    """A step of deactivating a hospital (its service audits it): every session and token of its users ends."""
    User.objects.filter(hospital=hospital).update(session_generation=F("session_generation") + 1)
    ApiToken.objects.filter(user__hospital=hospital).delete()


def issue_api_token(*, user: User) -> tuple[ApiToken, str]:
    """A new bearer token for an authenticated user; returns the record and the token, shown only this once.

    Only the token's hash is stored. The user's expired tokens are cleared on the way.
    Audit: auth.token_create.
    """
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expires_at__lte=timezone.now()).delete()
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        token = ApiToken.objects.create(
            user=user,
            token_hash=hash_api_token(raw),
            expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
        )
        record_event(
            actor=user,
            action="auth.token_create",
            target=user,
            hospital=user.hospital,
            summary=f"{user.username} obtained an API token",
            changes={"token": token.pk, "expires_at": token.expires_at.isoformat()},
        )
        return token, raw


def revoke_api_token(*, user: User, token: ApiToken) -> None:
    """Revoke the token in use (logout of the API). Audit: auth.token_revoke."""
    with transaction.atomic():
        record_event(
            actor=user,
            action="auth.token_revoke",
            target=user,
            hospital=user.hospital,
            summary=f"{user.username} revoked an API token",
            changes={"token": token.pk},
        )
        ApiToken.objects.filter(pk=token.pk, user=user).delete()
