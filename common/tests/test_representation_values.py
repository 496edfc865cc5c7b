"""common.representation's quick value conversions answer exactly what DRF's fields answer, for any value."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import fields, serializers

from common import representation
from common.representation import represent


class Times(serializers.Serializer):
    value = fields.DateTimeField(read_only=True)


class Dates(serializers.Serializer):
    value = fields.DateField(read_only=True)


class Plain(serializers.Serializer):
    flag = fields.BooleanField(read_only=True)
    text = fields.CharField(read_only=True)
    email = fields.EmailField(read_only=True)


class Numbers(serializers.Serializer):
    number = fields.IntegerField(read_only=True)


class OwnFormats(serializers.Serializer):
    day = fields.DateField(format="%d/%m/%Y", read_only=True)
    stamp = fields.DateTimeField(format="%d %b %Y %H:%M", read_only=True)
    utc = fields.DateTimeField(default_timezone=datetime.UTC, read_only=True)


def _same(output_class, row: dict) -> None:
    """Our answer is DRF's, or DRF's refusal is ours."""
    assert representation._plan_of(output_class) is not representation._UNPLANNABLE
    try:
        expected = output_class(row).data
    except Exception as error:
        with pytest.raises(type(error)):
            represent(output_class, row)
        return
    assert represent(output_class, row) == expected


ZONES = st.sampled_from(["UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "Europe/London"])
TIMES = st.datetimes(timezones=st.none() | st.timezones()) | st.text(max_size=5) | st.none()


@given(value=TIMES, current=ZONES)
def test_a_time_is_drfs_iso_text_in_the_current_time_zone(value, current):
    with timezone.override(zoneinfo.ZoneInfo(current)):
        _same(Times, {"value": value})


@given(value=st.dates() | st.text(max_size=5) | st.none())
def test_a_date_is_drfs(value):
    _same(Dates, {"value": value})


ANYTHING = st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from(["true", "False", "0", "yes", ""])


@given(flag=ANYTHING, text=ANYTHING, email=ANYTHING)
def test_booleans_and_texts_are_drfs(flag, text, email):
    _same(Plain, {"flag": flag, "text": text, "email": email})


@given(number=st.integers() | st.booleans() | st.from_regex(r"-?[0-9]{1,6}", fullmatch=True) | st.text(max_size=4))
def test_whole_numbers_are_drfs(number):
    _same(Numbers, {"number": number})


@given(day=st.dates(), stamp=TIMES, utc=TIMES, current=ZONES)
def test_a_field_with_its_own_format_or_time_zone_is_drfs(day, stamp, utc, current):
    with timezone.override(zoneinfo.ZoneInfo(current)):
        _same(OwnFormats, {"day": day, "stamp": stamp, "utc": utc})
