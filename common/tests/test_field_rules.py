"""The field rules themselves: the normaliser, numbers that are not numbers, each rule's bounds (hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common import field_rules as rules
from common.exceptions import Invalid


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("  Kavya   Menon ", "Kavya Menon"),
        ("Kav\u200bya\ufeff", "Kavya"),
        ("\u202eKavya\u202c", "Kavya"),
        ("\u2066Kavya\u2069", "Kavya"),
        ("Ｋａｖｙａ", "Kavya"),
        ("Kavya\x01", "Kavya"),
        ("\u200b", ""),
        ("\u3164", ""),
        ("क्\u200dष", "क्\u200dष"),  # a joiner between Devanagari letters stays
        ("a\u200db", "ab"),  # …not between Latin ones
    ],
)
def test_text_is_normalised_to_what_shows(raw, shown):
    assert rules.normalise_text(raw) == shown


def test_multiline_text_keeps_its_lines():
    assert rules.normalise_text(" 12 MG Road \n\n\u200b\n Pune ", multiline=True) == "12 MG Road\nPune"


@given(st.text())
def test_normalising_is_idempotent(text):
    once = rules.normalise_text(text)
    assert rules.normalise_text(once) == once


@pytest.mark.parametrize("value", [True, False, [1], {"a": 1}, "nan", "inf", "-Infinity", "1e400", "x" * 50])
def test_what_is_not_a_number_is_refused(value):
    with pytest.raises(Invalid, match=r"Enter a number\."):
        rules.WEIGHT_KG.clean(value)


NUMBER_RULES = [rules.HEIGHT_CM, rules.WEIGHT_KG, rules.SYSTOLIC, rules.DIASTOLIC, rules.PULSE, rules.TEMPERATURE_C,
                rules.AGE, rules.VISIT_VALIDITY_DAYS]  # fmt: skip


@pytest.mark.parametrize("rule", NUMBER_RULES, ids=lambda rule: rule.label)
@given(number=st.decimals(min_value=-1000, max_value=1000, places=1, allow_nan=False))
def test_a_number_is_accepted_exactly_when_it_is_within_the_rules_bounds(rule, number):
    if not rule.places and number != number.to_integral_value():
        with pytest.raises(Invalid, match="whole number"):
            rule.clean(str(number))
        return
    inside = rule.low <= number <= rule.high
    if inside:
        assert rule.clean(str(number)) == (number if rule.places else int(number))
        assert rule.clean(rule.clean(str(number))) == rule.clean(str(number))  # idempotent
    else:
        with pytest.raises(Invalid, match=f"from {rule.low} to {rule.high}"):
            rule.clean(str(number))


def test_the_schema_bounds_come_from_the_rule():
    field = rules.HEIGHT_CM.serializer_field()
    assert (field.min_value, field.max_value, field.help_text) == (30.0, 250.0, "30–250 cm")
    assert rules.AGE.serializer_field().max_value == 130  # was 32767 in the API


def test_the_check_constraint_and_validators_come_from_the_rule():
    assert [v.limit_value for v in rules.PULSE.validators()] == [20, 250]
    assert rules.AGE.check("age").children == [("age__lte", 130)]  # 0: the positive column's own check
    assert rules.WEIGHT_KG.clean("68.25") == Decimal("68.2")  # stored to one decimal
