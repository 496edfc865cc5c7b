"""One normalisation of usernames (NFKC, then casefold) for storing, looking up and locking out.

A look-alike of a username is either the same account, counted by the same lockout, or no
account at all: never a fresh set of five attempts at the real one (issue 14, point 3, where
`desk_admın` with a dotless ı logged in on PostgreSQL after `desk_admin` was locked out).
New usernames are restricted to a safe alphabet, so a stored username never needs one.
"""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.accounts.services import create_staff_user, update_staff_details
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.accounts.usernames import username_key
from apps.audit.models import AuditEvent
from common.constants import Role
from common.exceptions import Invalid

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
TOKEN_URL = "/api/v1/auth/token/"
ACCOUNT = "desk_admin"
# Spellings that NFKC + casefold turn into the account's own username: one account, one lockout.
SAME_ACCOUNT = {
    "upper case": "DESK_ADMIN",
    "fullwidth letters": "ｄｅｓｋ＿ａｄｍｉｎ",
    "Kelvin sign for k": "des\u212a_admin",
    "long s for s": "de\u017fk_admin",
    "mathematical bold d": "\U0001d41desk_admin",
}
# Spellings PostgreSQL's UPPER() (or a looser folding) would match, but which are other names.
NOT_THE_ACCOUNT = {
    "dotless ı": "desk_adm\u0131n",
    "capital I with dot": "desk_adm\u0130n",
    "Cyrillic а": "desk_\u0430dmin",
}
VARIANTS = SAME_ACCOUNT | NOT_THE_ACCOUNT


@pytest.fixture
def account(hospital):
    return UserFactory(role=Role.HOSPITAL_ADMIN, hospital=hospital, username=ACCOUNT)


def web_login(client, username, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.5")


def api_login(username, password=TEST_PASSWORD):
    body = {"username": username, "password": password}
    return APIClient().post(TOKEN_URL, body, format="json", REMOTE_ADDR="10.0.0.5")


def logged_in(answer, channel: str) -> bool:
    return answer.status_code == (302 if channel == "web" else 201)


LOGINS = {"web": lambda client, *args: web_login(client, *args), "api": lambda client, *args: api_login(*args)}


def test_the_key_is_nfkc_casefolded():
    assert username_key(" Desk_Admin ") == "desk_admin"
    for spelling in SAME_ACCOUNT.values():
        assert username_key(spelling) == ACCOUNT
    for spelling in NOT_THE_ACCOUNT.values():
        assert username_key(spelling) != ACCOUNT


def test_every_user_carries_the_key_of_their_username(account):
    assert account.username_key == ACCOUNT
    update_staff_details(by=UserFactory(role=Role.SUPER_ADMIN, hospital=None), user=account, username="Desk.Head")
    assert User.objects.get(pk=account.pk).username_key == "desk.head"


@pytest.mark.parametrize("channel", ["web", "api"])
@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_after_five_failures_no_look_alike_logs_in_with_the_right_password(client, account, channel, variant):
    login = LOGINS[channel]
    for _ in range(5):
        assert not logged_in(login(client, ACCOUNT, "wrong-password"), channel)
    answer = login(client, variant, TEST_PASSWORD)
    assert not logged_in(answer, channel)
    assert answer.status_code != 500
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action__in=["auth.login", "auth.token_create"]).exists()


@pytest.mark.parametrize("channel", ["web", "api"])
@pytest.mark.parametrize("variant", SAME_ACCOUNT.values(), ids=SAME_ACCOUNT.keys())
def test_failures_under_a_look_alike_count_towards_the_accounts_own_lockout(client, account, channel, variant):
    login = LOGINS[channel]
    for _ in range(5):
        login(client, variant, "wrong-password")
    assert login(client, ACCOUNT, TEST_PASSWORD).status_code == 429


@pytest.mark.parametrize("channel", ["web", "api"])
def test_look_alikes_of_the_username_are_the_account_or_no_account(client, account, channel):
    login = LOGINS[channel]
    for variant in SAME_ACCOUNT.values():
        assert logged_in(login(client, variant), channel), variant
        client.logout()
    for variant in NOT_THE_ACCOUNT.values():
        assert not logged_in(login(client, variant), channel), variant


class TestSafeAlphabet:
    @pytest.mark.parametrize("username", ["dr.rao", "Rao_2", "front-desk", "rao@clinic.in", "a" * 150])
    def test_letters_digits_and_dot_underscore_hyphen_at_are_accepted(self, hospital_admin, hospital, username):
        user = create_staff_user(
            by=hospital_admin, hospital=hospital, role=Role.DOCTOR, username=username, password=TEST_PASSWORD
        )
        assert (user.username, user.username_key) == (username, username.lower())

    REFUSED = ["dr rao", "räo", "ｒａｏ", "desk_adm\u0131n", "rao\u200b", "rao+1", "rao!", "rao\x00", "\u212aelvin"]

    @pytest.mark.parametrize("username", [*REFUSED, "a" * 151])
    def test_anything_else_is_refused_with_a_clear_message(self, hospital_admin, hospital, username):
        with pytest.raises(Invalid) as refused:
            create_staff_user(
                by=hospital_admin, hospital=hospital, role=Role.DOCTOR, username=username, password=TEST_PASSWORD
            )
        assert "username" in refused.value.errors
        assert not User.objects.filter(role=Role.DOCTOR).exists()

    def test_a_username_taken_under_another_spelling_is_refused(self, hospital_admin, hospital, account):
        with pytest.raises(Invalid) as refused:
            create_staff_user(
                by=hospital_admin, hospital=hospital, role=Role.DOCTOR, username="Desk_Admin", password=TEST_PASSWORD
            )
        assert refused.value.errors == {"username": ["A user with that username already exists."]}

    def test_a_rename_is_held_to_the_same_alphabet(self, hospital_admin, doctor):
        with pytest.raises(Invalid) as refused:
            update_staff_details(by=hospital_admin, user=doctor, username="dr ｒａｏ")
        assert "username" in refused.value.errors
        assert User.objects.get(pk=doctor.pk).username == "doc"

    def test_the_staff_page_shows_the_rule_next_to_the_field(self, client, hospital_admin):
        client.force_login(hospital_admin)
        data = {"role": Role.DOCTOR, "username": "dr rao", "password": "long-enough-pass"}
        page = client.post(reverse("accounts:staff_create"), data).content.decode()
        assert page.count("Use only letters a–z, digits and . _ - @") == 2  # the rule, and the error
        assert 'value="dr rao"' in page
        assert not User.objects.filter(username="dr rao").exists()

    def test_the_api_answers_400_naming_the_field(self, api_as, hospital_admin):
        body = {"username": "dr\u0131", "password": "long-enough-pass", "role": Role.DOCTOR}
        answer = api_as(hospital_admin).post("/api/v1/users/", body, format="json")
        assert answer.status_code == 400
        assert "Use only letters a–z" in answer.json()["username"][0]


class TestCreateSuperuser:
    def test_it_makes_a_super_admin_who_logs_in_under_any_case(self, client, monkeypatch):
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "super-secret-pass")
        call_command("createsuperuser", interactive=False, username="Platform", email="ops@example.org")
        user = User.objects.get(username_key="platform")
        assert (user.username, user.role, user.hospital) == ("Platform", Role.SUPER_ADMIN, None)
        assert client.post(LOGIN, {"username": "PLATFORM", "password": "super-secret-pass"}).status_code == 302

    @pytest.mark.parametrize("username", ["ops team", "ｏｐｓ", "ops\u0131"])
    def test_it_refuses_a_username_outside_the_alphabet(self, monkeypatch, username):
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "super-secret-pass")
        with pytest.raises(CommandError, match="Use only letters a–z"):
            call_command("createsuperuser", interactive=False, username=username, email="ops@example.org")
        assert not User.objects.exists()

    def test_it_refuses_a_username_taken_under_another_case(self, monkeypatch, account):
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "super-secret-pass")
        with pytest.raises(CommandError, match="already taken"):
            call_command("createsuperuser", interactive=False, username="DESK_ADMIN", email="ops@example.org")


class TestNulCharacters:
    """Issue 14 point 11: PostgreSQL refuses NUL in a query parameter, which was a 500."""

    @pytest.mark.parametrize("field", ["username", "password"])
    def test_the_login_page_refuses_it_naming_the_field(self, client, account, field):
        data = {"username": ACCOUNT, "password": TEST_PASSWORD} | {field: "desk\x00admin"}
        answer = client.post(LOGIN, data)
        # Refused whole before any middleware or view reads it (common.middleware.RefuseNulMiddleware).
        assert answer.status_code == 400
        assert "Null characters are not allowed." in answer.content.decode()
        assert field in answer.content.decode()
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize("field", ["username", "password"])
    def test_the_token_endpoint_answers_400_naming_the_field(self, account, field):
        data = {"username": ACCOUNT, "password": TEST_PASSWORD} | {field: "desk\x00admin"}
        answer = APIClient().post(TOKEN_URL, data, format="json")
        assert answer.status_code == 400
        assert (answer.json()[field], answer.json()["code"]) == (["Null characters are not allowed."], "invalid")

    def test_a_nul_attempt_is_refused_before_it_is_a_log_in_attempt(self, client, account):
        client.post(LOGIN, {"username": "desk\x00admin", "password": TEST_PASSWORD})
        assert not AuditEvent.objects.filter(action__startswith="auth.").exists()

    def test_the_user_lookup_never_sends_a_nul_to_the_database(self, account):
        with pytest.raises(User.DoesNotExist):
            User.objects.get_by_natural_key("desk\x00admin")
