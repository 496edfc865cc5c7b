"""DRF-style page numbers (SPEC §4): `?page=`, `?page_size=` up to 100. Kept apart from common.api,
which imports DRF's generic views: DRF imports this class while it loads its own settings."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
