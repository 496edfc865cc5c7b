import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.billing.models import financial_year
from apps.billing.money import MAX_PAISE, display_rupees, format_rupees, parse_rupees
from common.exceptions import Invalid


@pytest.mark.parametrize(
    ("text", "paise"), [("250", 25000), ("250.5", 25050), ("250.50", 25050), ("0.01", 1), (" 12 ", 1200), (7, 700)]
)
def test_rupees_are_read_into_exact_paise(text, paise):
    assert parse_rupees(text) == paise


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "cannot be negative"),
        ("250.505", "at most two decimals"),
        ("1e3", "Enter an amount"),
        ("", "Enter an amount"),
        ("abc", "Enter an amount"),
        (2.5, "Enter an amount"),
        (True, "Enter an amount"),
        ("0", "above zero"),
        ("100000001", "at most"),
        ("٣٠٠", "Enter an amount"),
    ],
)
def test_bad_amounts_are_refused_never_rounded(value, message):
    with pytest.raises(Invalid) as refused:
        parse_rupees(value)
    assert message in str(refused.value)


@given(st.integers(min_value=1, max_value=MAX_PAISE))
def test_formatting_and_reading_back_is_exact(paise):
    assert parse_rupees(format_rupees(paise)) == paise


def test_rupees_are_shown_with_indian_grouping():
    assert display_rupees(123456789) == "₹12,34,567.89"
    assert display_rupees(30000) == "₹300.00"
    assert display_rupees(-5) == "-₹0.05"


@pytest.mark.parametrize(
    ("day", "year"),
    [("2026-04-01", "2026-27"), ("2027-03-31", "2026-27"), ("2026-03-31", "2025-26"), ("2099-12-31", "2099-00")],
)
def test_the_financial_year_runs_april_to_march(day, year):
    from datetime import date

    assert financial_year(date.fromisoformat(day)) == year
