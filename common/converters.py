"""`<id:pk>` in URLs: a row id the database can hold (1 to MAX_ID), or no match at all.

Django's `<int:…>` passes any run of digits to the view; a number past 64 bits then reaches a
lookup the ORM does not bound (a foreign key's, or `__in`), which is an OverflowError on SQLite and
a DataError on PostgreSQL: a 500. With this converter such a URL is a plain 404 before any query.
Registered in common.apps.CommonConfig.ready(); every URL of ours uses it (tests/test_ids.py).
"""

from common.constants import MAX_ID


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError("not a row id")  # Django: the pattern does not match
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class DisplayKeyConverter:
    """`<displaykey:key>`: a waiting-room display's raw key (URL-safe base64, as `secrets.token_urlsafe` makes
    it). Not an id: anything else in its place is a 404 before any query."""

    regex = "[A-Za-z0-9_-]{20,100}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
