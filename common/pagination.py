"""Paging for the API and the pages. Kept apart from common.api, which imports DRF's generic views:
DRF imports `Pagination` while it loads its own settings.

- `Pagination`: DRF page numbers with a count (SPEC §4), for lists that stay small
  (patients of a search, staff, hospitals, a doctor's queue).
- `KeysetPagination`: position ("cursor") paging for the lists that grow without end —
  visits, dispense records, audit events. A page costs the same after a million rows as
  on the first day: no OFFSET to walk and no COUNT(*) of the whole history.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class KeysetPagination(CursorPagination):
    """`?cursor=` from the answer's `next`/`previous` links; `?page_size=` up to 100.

    The page order is the selector's own order (first field the position, `id` the tie-break),
    which an index of the same columns serves.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_ordering(self, request, queryset, view):
        return tuple(queryset.query.order_by)


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
    try:
        rows = paginator.paginate_queryset(queryset, Request(request))
    except NotFound:  # a cursor mangled in an old link: the first page, as a person would want
        request.GET = request.GET.copy()
        del request.GET[paginator.cursor_query_param]
        rows = paginator.paginate_queryset(queryset, Request(request))
    return KeysetPage(rows, _relative(paginator.get_previous_link()), _relative(paginator.get_next_link()))
