"""REST API v1: tokens, the current user, and staff accounts (SPEC §4)."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from apps.accounts import selectors, services
from apps.accounts.models import ApiToken
from apps.accounts.serializers import TokenInput, TokenOutput, UserCreateInput, UserOutput, UserUpdateInput
from common.api import ERROR_RESPONSES, ApiView, api_doc
from common.api_permissions import role_permission
from common.client_address import client_ip
from common.exceptions import Invalid
from common.permissions import can_list_accounts

BAD_CREDENTIALS = "Unable to log in with the given username and password."


class FailedTokenRequestThrottle(SimpleRateThrottle):
    """Counts only failed token requests per client address; a busy clinic behind one address still logs in."""

    scope = "token_failures"

    def get_ident(self, request) -> str:
        # Not DRF's own, which believes any X-Forwarded-For: the address the lockout and the audit use.
        return client_ip(request) or "unknown"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        self.key = self.get_cache_key(request, view)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) < self.num_requests

    def record_failure(self) -> None:
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class TokenApi(ApiView):
    throttle_classes = [FailedTokenRequestThrottle]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        # Kept so that a failed attempt can be recorded on the throttle that let it through.
        self.throttles = super().get_throttles()
        return self.throttles

    @extend_schema(
        summary="Log in: issue a bearer token",
        request=TokenInput,
        responses={status.HTTP_201_CREATED: TokenOutput}
        | {code: ERROR_RESPONSES[code] for code in (400, 401, 406, 413, 415, 429)},
        auth=[],
    )
    def post(self, request):
        data = self.input(TokenInput)
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            services.record_login_failed(username=data["username"])
            self.throttles[0].record_failure()
            raise Invalid(BAD_CREDENTIALS)
        token, raw = services.issue_api_token(user=user)
        body = {"token": raw, "expires_at": token.expires_at, "user": user}
        return self.respond(TokenOutput, body, status.HTTP_201_CREATED)

    @api_doc(summary="Log out: revoke the token in use", response=None, status_code=204, errors=(400,))
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise Invalid("Only a bearer token can be revoked; log out of the browser at /logout/.")
        services.revoke_api_token(user=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(ApiView):
    @api_doc(summary="The current user, role and hospital", response=UserOutput)
    def get(self, request):
        return self.respond(UserOutput, request.user)


class UserListApi(ApiView):
    permission_classes = [role_permission(can_list_accounts)]

    @api_doc(summary="Accounts you manage", response=UserOutput(many=True))
    def get(self, request):
        return self.respond_page(UserOutput, selectors.user_list(by=request.user))

    @api_doc(
        summary="Create an account (super admin: hospital admins; hospital admin: own staff within limits)",
        request=UserCreateInput,
        response=UserOutput,
        status_code=201,
        errors=(400, 409),
    )
    def post(self, request):
        data = self.input(UserCreateInput)
        hospital = selectors.hospital_for_new_account(by=request.user, hospital_id=data.pop("hospital", None))
        user = services.create_staff_user(by=request.user, hospital=hospital, **data)
        return self.respond(UserOutput, user, status.HTTP_201_CREATED)


class UserDetailApi(ApiView):
    permission_classes = [role_permission(can_list_accounts)]

    @api_doc(summary="One account you manage", response=UserOutput, errors=(404,))
    def get(self, request, pk):
        return self.respond(UserOutput, selectors.user_get(by=request.user, user_id=pk))

    @api_doc(
        summary="Change username, name, password or active status",
        request=UserUpdateInput,
        response=UserOutput,
        errors=(400, 404, 409),
    )
    def patch(self, request, pk):
        data = self.input(UserUpdateInput, partial=True)
        user = selectors.user_get(by=request.user, user_id=pk)
        return self.respond(UserOutput, services.update_staff_account(by=request.user, user=user, **data))
