"""Paging for the API and the pages. Kept apart from common.api, which imports DRF's generic views:
DRF imports `Pagination` while it loads its own settings.

- `Pagination`: DRF page numbers with a count (SPEC §4), for lists that stay small
  (patients of a search, staff, hospitals, a doctor's queue).
- `KeysetPagination`: position ("cursor") paging for the lists that grow without end —
  visits, dispense records, audit events. A page costs the same after a million rows as
  on the first day: no OFFSET to walk and no COUNT(*) of the whole history.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Field, Model, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as BadInput
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request

PAGE_SIZE_MESSAGE = "Enter a whole number from 1 up (at most {max} are sent)."


def _whole_from_one(raw: str) -> bool:
    return raw.isascii() and raw.isdigit() and len(raw) < 10 and int(raw) >= 1


class StrictPageSize:
    """`?page_size=` that is not a whole number from 1 is a 400 naming it, not quietly the default
    (strict input, issue 14 §12); above the maximum it is the maximum. The web pages are lenient."""

    strict_paging = True
    page_size_query_param: str
    max_page_size: int

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or not self.strict_paging:
            return super().get_page_size(request)  # type: ignore[misc]  # the paginator's, after this mixin
        if not _whole_from_one(raw):
            raise BadInput({"page_size": [PAGE_SIZE_MESSAGE.format(max=self.max_page_size)]})
        return min(int(raw), self.max_page_size)


PAGE_MESSAGE = "Enter a whole number from 1 up."


class Pagination(StrictPageSize, PageNumberPagination):
    """DRF's page numbers, with `?page=` that is not a whole number from 1 (`abc`, `0`, `-1`) a 400 naming it
    (SPEC §4: invalid input is a 400); a page past the last is DRF's 404 "Invalid page"."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if self.strict_paging and raw is not None and not _whole_from_one(raw) and raw not in self.last_page_strings:
            raise BadInput({self.page_query_param: [PAGE_MESSAGE]})
        return super().get_page_number(request, paginator)


class KeysetPagination(StrictPageSize, CursorPagination):
    """`?cursor=` from the answer's `next`/`previous` links; `?page_size=` up to 100.

    The page order is the selector's own order (first field the position, `id` the tie-break),
    which an index of the same columns serves.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_ordering(self, request, queryset, view):
        self.model = queryset.model  # for decode_cursor, which DRF calls right after this
        return tuple(queryset.query.order_by)

    def decode_cursor(self, request):
        """DRF's cursor, refused (404 "Invalid cursor", the first page on the web) unless its position is
        a value the list's first order field can hold and the database can compare: a crafted `p=abc`,
        a NUL, a year-0 or out-of-range date or a 30-digit number never reaches the query."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                comparable_value(order_field(self.model, self.ordering[0]), cursor.position)
            except ValueError:
                raise NotFound(self.invalid_cursor_message) from None
        return cursor


def order_field(model: type[Model], order: str) -> Field:
    """The model field an `order_by()` term names (`-created_at`, `visit__created_at`)."""
    names = order.lstrip("-").split(LOOKUP_SEP)
    for name in names[:-1]:  # the relations on the way: each a resolved model class
        model = model._meta.get_field(name).related_model  # type: ignore[assignment]
    field = model._meta.get_field(names[-1])
    if not isinstance(field, Field):
        raise TypeError(f"{order} does not end at a column")
    return field


def comparable_value(field: Field, raw: object) -> object:
    """`raw` as a value of `field` that the database compares without error; ValueError if there is none."""
    if isinstance(raw, str) and "\x00" in raw:  # PostgreSQL refuses NUL in any text it is sent
        raise ValueError("NUL character")
    try:
        value = field.to_python(raw)
    except ValidationError as error:
        raise ValueError(error.messages) from None
    target = getattr(field, "target_field", field)  # a foreign key compares as the column it points at
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = connection.ops.integer_field_range(target.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError("out of the column's range")
    if isinstance(value, datetime):
        if timezone.is_naive(value):  # every position we issue carries its offset
            raise ValueError("no time zone")
        try:
            value.astimezone(UTC)  # what the database driver does; year 1 at +05:30 has no UTC
        except OverflowError:
            raise ValueError("out of range") from None
    return value


@dataclass(frozen=True)
class KeysetPage:
    """One page of a web list: its rows and the links to the pages either side (None at an end)."""

    rows: list
    previous_url: str | None
    next_url: str | None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.previous_url or self.next_url)


def _relative(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def keyset_page(request: HttpRequest, queryset: QuerySet, *, page_size: int) -> KeysetPage:
    """A page of `queryset` for a web list, paged like the API's history lists (KeysetPagination)."""
    paginator = KeysetPagination()
    paginator.page_size = page_size
    paginator.strict_paging = False
    try:
        rows = paginator.paginate_queryset(queryset, Request(request))
    except NotFound:  # a cursor mangled in an old link: the first page, as a person would want
        without_cursor = request.GET.copy()
        del without_cursor[paginator.cursor_query_param]
        request.GET = without_cursor  # type: ignore[assignment]  # QueryDict.copy() is mutable
        rows = paginator.paginate_queryset(queryset, Request(request))
    return KeysetPage(rows or [], _relative(paginator.get_previous_link()), _relative(paginator.get_next_link()))
