"""What every API view shares: the base view, ids in bodies, the one mapping of domain errors to HTTP, error docs.

Services raise `common.exceptions.DomainError`; `exception_handler` turns it into
the DRF-style body and status of SPEC §4 (400 field → messages or detail, 403,
404, 409), so no view catches domain errors itself.
"""

import functools
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.constants import MAX_ID
from common.exceptions import DomainError, Invalid, NotFound, domain_error_codes
from common.parsers import BodyTooLarge
from common.representation import represent
from common.strict_input import UNKNOWN_FIELD, unknown_fields


class IdField(serializers.IntegerField):
    """A row id in a body or a filter: 1 to MAX_ID (64 bits), else the field's 400, before any query."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class HospitalObjectField(IdField):
    """An id in a request body, resolved through a hospital-scoped selector.

    `lookup(hospital, pk)` returns the object or raises NotFound; an unknown id and
    another hospital's id get the same 400 ("No such patient"), nothing saved (SPEC §7).
    """

    def __init__(self, *, lookup, noun: str, **kwargs):
        self.lookup = lookup
        self.noun = noun
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        pk = super().run_validation(data)  # a row id, or the field's own 400
        if pk is None:
            return None
        try:
            return self.lookup(self.context["request"].user.hospital, pk)
        except NotFound:
            raise serializers.ValidationError(f"No such {self.noun}.") from None

    def to_representation(self, value):
        return value.pk


NO_BODY = "This endpoint takes no body."
BLANK_FILTER = "Leave this filter out, or give it a value."
# What a query string may carry besides its filters: the paginators' parameters and DRF's format override.
PAGING_PARAMETERS = frozenset({"cursor", "page", "page_size", "format"})


def refuse_a_body(data: Any) -> None:
    """For an endpoint that reads no body: nothing, `{}` or `null` is fine; anything else a 400 naming it."""
    if data in (None, "", {}, []) or (hasattr(data, "keys") and not data.keys()):
        return
    if isinstance(data, dict):
        raise serializers.ValidationError({str(key): [UNKNOWN_FIELD] for key in data})
    raise serializers.ValidationError({"non_field_errors": [NO_BODY]})


def _refuse_unknown_parameters(params, *, fields) -> None:
    """A 400 naming each query parameter that is neither one of `fields` nor the paginators', and each of
    `fields` sent blank that may not be."""
    refused = {str(name): [UNKNOWN_FIELD] for name in params if name not in fields and name not in PAGING_PARAMETERS}
    refused |= {
        name: [BLANK_FILTER]
        for name, field in fields.items()
        if params.get(name) == "" and not getattr(field, "allow_blank", False)
    }
    if refused:
        raise serializers.ValidationError(refused)


class ApiView(GenericAPIView):
    """Base of every API view: parse input with one serializer, call one service or selector, answer with another."""

    # The GET's query-string filters, read by `query()`. A GET of a view without any takes only the
    # paginators' parameters: `/users/?foo=1` is a 400 naming `foo` like `/visits/?foo=1`, not ignored.
    query_class: type[serializers.Serializer] | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, role, throttles: 401/403/429 come first
        if request.method == "GET" and self.query_class is None:
            _refuse_unknown_parameters(request.query_params, fields={})
        # Parse the body now (common.parsers.JSONParser), so a malformed, too deep or oversized one is
        # refused by every endpoint, also by those that read no body (follow-up, close, print).
        try:
            request.data  # noqa: B018 (parsing is the point)
        except RequestDataTooBig:  # Django's refusal past DATA_UPLOAD_MAX_MEMORY_SIZE, a bare 400 otherwise
            raise BodyTooLarge.over_the_limit() from None

    def input(self, serializer_class, *, data=None, partial: bool = False, **context) -> dict:
        """The body (or `data`) validated by `serializer_class`. A field it does not declare, at any depth
        (`{"vitals": {"temperature": 39}}`), is a 400 naming it, never silently dropped."""
        data = self.request.data if data is None else data
        serializer = serializer_class(data=data, partial=partial, context={"request": self.request, **context})
        unknown = unknown_fields(serializer, data)
        if unknown:
            raise serializers.ValidationError(unknown)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def query(self) -> dict:
        """The query string validated by `query_class` (a bad filter is a 400, not an empty list). A parameter
        that is neither a filter nor the paginator's (`cursor`, `page`, `page_size`, `format`) is a 400 naming
        it: `?patinet=5` must not answer every visit. A filter sent blank (`?status=`) is a 400 unless it may
        be blank: left out, it filters nothing."""
        if self.query_class is None:
            raise TypeError(f"{type(self).__name__} declares no query_class.")
        params = self.request.query_params
        serializer = self.query_class(data=params, context={"request": self.request})
        _refuse_unknown_parameters(params, fields=serializer.fields)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    # Through common.representation: the same JSON without building the serializer per request. Measured
    # (bench.profile, small set, Django's CPU per request, two alternated passes; this change and the
    # prepared statements together, which move PostgreSQL's side): visit list 19.8 → 14.9 ms, pharmacy
    # list 20.5 → 14.3, queue 13.2 → 10.3, API session 16.3 → 11.2 (docs/benchmarks.md).
    def respond(self, output_class, instance, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(represent(output_class, instance, context={"request": self.request}), status=status_code)

    def respond_page(self, output_class, queryset) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(represent(output_class, page, many=True, context={"request": self.request}))


# Codes DRF, Django and django-axes give the errors they raise themselves (besides the domain's).
FRAMEWORK_ERROR_CODES = {
    "not_authenticated": "No credentials were sent (401).",
    "authentication_failed": "The token is invalid, expired or revoked (401).",
    "method_not_allowed": "This endpoint does not answer that HTTP method (405).",
    "not_acceptable": "The Accept header asks for something other than JSON (406).",
    "unsupported_media_type": "The body is not JSON (415).",
    "parse_error": "The body is not well-formed JSON (400).",
    "body_too_large": "The body is larger than the server accepts (413).",
    "throttled": "Too many failed attempts from this address; wait (429).",
    "locked_out": "Too many failed log-ins for this username from this address (429).",
    "bad_request": "The request could not be read (400).",
    "server_error": "Something failed on the server; nothing was saved (500).",
}


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0]


def error_codes() -> dict[str, str]:
    """Every `code` an API error body can carry, with what it means: listed in the OpenAPI schema."""
    domain = {code: _first_line(error.__doc__ or error.default_message) for code, error in domain_error_codes().items()}
    return dict(sorted((domain | FRAMEWORK_ERROR_CODES).items()))


def _error_body(error: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": error.message, "code": error.code}
    for field, messages in error.errors.items():
        body["non_field_errors" if field == "__all__" else field] = messages
    return body | error.extra


def _framework_error_body(exc: APIException, data: Any) -> dict[str, Any]:
    """DRF's own error bodies with the same `detail` and `code` as the domain's."""
    if isinstance(exc, serializers.ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        return {"detail": Invalid.default_message, "code": Invalid.code, **fields}
    return {**data, "code": exc.default_code} if isinstance(data, dict) else {"detail": data, "code": exc.default_code}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(_error_body(exc), status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is not None:
        # Django's Http404 and PermissionDenied arrive as DRF's NotFound and PermissionDenied.
        if isinstance(exc, Http404):
            exc = exceptions.NotFound()
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied()
        response.data = _framework_error_body(exc, response.data)
    return response


# OpenAPI ------------------------------------------------------------------------

# The codes as choices, named ErrorCodeEnum in the schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
ERROR_CODE_CHOICES = list(error_codes())


def _code_field() -> serializers.ChoiceField:
    meanings = "; ".join(f"`{code}`: {meaning}" for code, meaning in error_codes().items())
    return serializers.ChoiceField(
        choices=ERROR_CODE_CHOICES,
        help_text=f"A stable, machine-readable code: branch on it, never on the English `detail`. {meanings}",
    )


_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField(), "code": _code_field()})
_FIELD_ERRORS = inline_serializer(
    "ValidationErrors",
    fields={
        "detail": serializers.CharField(),
        "code": _code_field(),
        "non_field_errors": serializers.ListField(child=serializers.CharField(), required=False),
    },
)
ERROR_RESPONSES = {
    status.HTTP_400_BAD_REQUEST: OpenApiResponse(
        _FIELD_ERRORS, description="Invalid input (`code` invalid): each field with its messages, beside `detail`."
    ),
    status.HTTP_401_UNAUTHORIZED: OpenApiResponse(_DETAIL, description="No valid token or session."),
    status.HTTP_403_FORBIDDEN: OpenApiResponse(_DETAIL, description="This role or person may not do this."),
    status.HTTP_404_NOT_FOUND: OpenApiResponse(_DETAIL, description="Not found (including another hospital's)."),
    status.HTTP_406_NOT_ACCEPTABLE: OpenApiResponse(_DETAIL, description="The Accept header asks for other than JSON."),
    status.HTTP_409_CONFLICT: OpenApiResponse(_DETAIL, description="The current state forbids it."),
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: OpenApiResponse(_DETAIL, description="The body is larger than accepted."),
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: OpenApiResponse(_DETAIL, description="The body is not JSON."),
    status.HTTP_429_TOO_MANY_REQUESTS: OpenApiResponse(_DETAIL, description="Too many failed attempts; wait."),
}


def api_doc(*, summary: str, response: Any = None, request: Any = None, status_code: int = 200, errors=(), **kwargs):
    """extend_schema with the errors every endpoint can give plus `errors`: 400 (a query parameter it does
    not take; for a write, a body it cannot read or a field it does not take), 401, 403, 406 (Accept), and
    for a write 413 and 415 (common.parsers); a list (`response` with many=True) also 404 ("Invalid page.")."""

    def decorate(handler):
        writes = handler.__name__ in ("post", "put", "patch", "delete")
        codes = [status.HTTP_400_BAD_REQUEST, status.HTTP_401_UNAUTHORIZED, status.HTTP_403_FORBIDDEN]
        codes += [status.HTTP_406_NOT_ACCEPTABLE, *errors]
        if writes:
            codes += [status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, status.HTTP_415_UNSUPPORTED_MEDIA_TYPE]
        if getattr(response, "many", False):
            codes.append(status.HTTP_404_NOT_FOUND)  # a page past the end
        responses = {status_code: response} | {code: ERROR_RESPONSES[code] for code in dict.fromkeys(codes)}
        schema = extend_schema(summary=summary, request=request, responses=responses, **kwargs)
        if request is None and writes:
            # A write that documents no body takes none: fields sent to it are refused, not ignored.
            @functools.wraps(handler)
            def without_body(view, request_, *args, **kwargs_):
                refuse_a_body(request_.data)
                return handler(view, request_, *args, **kwargs_)

            return schema(without_body)
        return schema(handler)

    return decorate


def strict_request_bodies(result, generator, request, public):
    """drf-spectacular post-processing: every request body (and object nested in one) says
    `additionalProperties: false`, as `ApiView.input` enforces (an unknown field is a 400)."""
    components = result.get("components", {}).get("schemas", {})
    pending = [
        media.get("schema", {})
        for operations in result.get("paths", {}).values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for media in operation.get("requestBody", {}).get("content", {}).values()
    ]
    seen: set[str] = set()
    while pending:
        schema = pending.pop()
        ref = schema.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name not in seen and name in components:
                seen.add(name)
                pending.append(components[name])
            continue
        pending.extend(s for key in ("allOf", "oneOf", "anyOf") for s in schema.get(key, []))
        if schema.get("type") == "object" or "properties" in schema:
            schema["additionalProperties"] = False
            pending.extend(schema.get("properties", {}).values())
    return result
