"""The dose parser and the quantity to dispense (pure, so property-based)."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common import dosing
from common.dosing import CODES, MAX_PER_SLOT, Dose, DoseError, DoseUnit, DurationUnit
from common.field_rules import normalise_text

units = st.sampled_from(list(DoseUnit.values))


@st.composite
def doses(draw):
    unit = draw(units)
    cap = int(MAX_PER_SLOT[unit] * 4)
    if draw(st.booleans()):
        slots = draw(st.lists(st.integers(0, cap), min_size=3, max_size=4).filter(any))
        return Dose(slots=tuple(Fraction(q, 4) for q in slots)), unit
    return Dose(code=draw(st.sampled_from(list(CODES))), amount=Fraction(draw(st.integers(1, cap)), 4)), unit


durations = st.one_of(
    st.tuples(st.integers(1, 365), st.just(DurationUnit.DAYS)),
    st.tuples(st.integers(1, 52), st.just(DurationUnit.WEEKS)),
    st.tuples(st.integers(1, 12), st.just(DurationUnit.MONTHS)),
    st.just((None, DurationUnit.CONTINUE)),
)


@given(doses())
def test_every_dose_it_formats_it_parses_back(dose_and_unit):
    dose, unit = dose_and_unit
    assert dosing.parse_dose(dose.text(), unit) == dose


@given(st.text(max_size=40), units)
def test_any_text_is_a_dose_or_a_dose_error_never_a_crash(text, unit):
    try:
        dose = dosing.parse_dose(text, unit)
    except DoseError:
        return
    assert dosing.parse_dose(dose.text(), unit) == dose
    assert dose.per_day is None or 0 < dose.per_day <= 4 * MAX_PER_SLOT[unit]


@given(doses(), durations, st.one_of(st.none(), st.integers(1, dosing.MAX_PACK_SIZE)))
def test_no_accepted_dose_gives_a_negative_fractional_pack_or_absurd_quantity(dose_and_unit, duration, pack):
    dose, unit = dose_and_unit
    try:
        qty = dosing.quantity(dose, unit, duration_value=duration[0], duration_unit=duration[1], pack_size=pack)
    except DoseError as error:
        message = str(error)
        qty = None
    else:
        message = ""
    assert not message or "in all" in message  # only the plausibility ceiling refuses a well-formed dose
    if qty is None:
        return
    assert isinstance(qty, int)
    assert 1 <= qty <= dosing.MAX_QUANTITY + dosing.MAX_PACK_SIZE
    if pack:
        assert qty % pack == 0


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("1-0-1", (1, 0, 1)),
        ("1-1-1", (1, 1, 1)),
        ("0-0-1", (0, 0, 1)),
        ("½-0-½", (Fraction(1, 2), 0, Fraction(1, 2))),
        ("1/2-0-1/2", (Fraction(1, 2), 0, Fraction(1, 2))),
        ("0.5 - 0 - 0.5", (Fraction(1, 2), 0, Fraction(1, 2))),
        ("1-0-2", (1, 0, 2)),
        ("1-1-1-1", (1, 1, 1, 1)),
        ("1½-0-1½", (Fraction(3, 2), 0, Fraction(3, 2))),
    ],
)
def test_patterns_are_read(text, slots):
    assert dosing.parse_dose(text).slots == tuple(Fraction(s) for s in slots)


@pytest.mark.parametrize(
    "text",
    ["9-9-9-9", "-1", "1-0", "1-0-1-0-1", "0-0-0", "1--1", "1-0-x", "1/0-0-1", "0.3-0-1", "5 XD", "1" * 10_000, ""],
)
def test_bad_patterns_are_refused_with_a_reason(text):
    with pytest.raises(DoseError) as error:
        dosing.parse_dose(text)
    assert str(error.value)


def test_codes_read_with_or_without_an_amount_and_have_a_legend():
    assert dosing.parse_dose("bd") == Dose(code="BD")
    assert dosing.parse_dose("5 TDS", DoseUnit.ML) == Dose(code="TDS", amount=Fraction(5))
    assert {code: dosing.Dose(code=code).legend() for code in ("OD", "BD", "SOS")} == {
        "OD": "once a day",
        "BD": "twice a day",
        "SOS": "only when needed",
    }
    assert dosing.parse_dose("1-0-1").legend() == "Morning 1 · Afternoon 0 · Night 1"


@pytest.mark.parametrize(
    ("pattern", "unit", "value", "duration_unit", "pack", "expected"),
    [
        ("1-0-1", DoseUnit.TABLET, 5, DurationUnit.DAYS, None, 10),
        ("1-0-1", DoseUnit.TABLET, 5, DurationUnit.DAYS, 15, 15),  # one strip of 15
        ("½-0-0", DoseUnit.TABLET, 5, DurationUnit.DAYS, None, 3),  # 2½ rounded up to whole tablets
        ("1-1-1", DoseUnit.CAPSULE, 2, DurationUnit.WEEKS, 10, 50),
        ("5-5-5", DoseUnit.ML, 5, DurationUnit.DAYS, 60, 120),  # 75 ml: two 60 ml bottles
        ("1 WEEKLY", DoseUnit.TABLET, 1, DurationUnit.MONTHS, None, 5),  # one a started week
        ("STAT", DoseUnit.TABLET, 5, DurationUnit.DAYS, None, 1),
        ("SOS", DoseUnit.TABLET, 5, DurationUnit.DAYS, None, None),
        ("1-0-1", DoseUnit.TABLET, None, DurationUnit.CONTINUE, None, None),
        ("2 BD", DoseUnit.PUFF, 30, DurationUnit.DAYS, None, None),  # puffs: only by the inhaler
        ("2 BD", DoseUnit.PUFF, 30, DurationUnit.DAYS, 200, 200),
    ],
)
def test_quantity_to_dispense(pattern, unit, value, duration_unit, pack, expected):
    dose = dosing.parse_dose(pattern, unit)
    assert dosing.quantity(dose, unit, duration_value=value, duration_unit=duration_unit, pack_size=pack) == expected


def test_an_implausible_total_is_refused():
    with pytest.raises(DoseError, match="in all"):
        dosing.quantity(
            dosing.parse_dose("30-30-30", DoseUnit.ML), DoseUnit.ML, duration_value=12, duration_unit="months"
        )


@pytest.mark.parametrize(
    ("value", "unit"), [(0, "days"), (-1, "days"), (366, "days"), (None, "days"), (3, "continue"), (1, "years")]
)
def test_bad_durations_are_refused(value, unit):
    with pytest.raises(DoseError):
        dosing.duration_days(value, unit)


def test_the_whole_instruction_in_words():
    dose = dosing.parse_dose("1-0-1")
    assert dosing.describe(dose, "after", 5, "days") == "Morning 1 · Afternoon 0 · Night 1 — after food — 5 days"
    assert dosing.format_duration(1, "weeks") == "1 week"


@given(durations)
def test_every_duration_it_formats_it_parses_back(duration):
    assert dosing.parse_duration(dosing.format_duration(*duration)) == duration


@pytest.mark.parametrize("text", ["0 days", "-1 days", "400 days", "5 years", "five days", "x" * 10_000])
def test_bad_duration_texts_are_refused(text):
    with pytest.raises(DoseError):
        dosing.parse_duration(text)


@pytest.mark.parametrize("text", ["½-0-½", "1½-0-1½", "¼-0-¾", "1¾-0-0", "2½ BD"])
def test_glyphs_read_the_same_after_the_text_normalisation_every_input_goes_through(text):
    # NFKC would turn "½" into "1⁄2" and "1½" into "11⁄2" (U+2044): the normaliser keeps the glyphs.
    assert normalise_text(text) == text
    assert dosing.parse_dose(normalise_text(text)).text() == text


def test_a_fraction_slash_is_a_slash():
    assert dosing.parse_dose("2\u20444-0-1").slots == (Fraction(1, 2), 0, 1)
