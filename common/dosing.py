"""Structured dosing (SPEC §10): dose patterns, frequency codes, durations and the quantity to dispense.

Pure: no database, no request. Services call it to validate and to fill an item's fields;
pages and prints call it to say the dose in words (gettext, so in the patient's language).

A dose is either
- a *pattern* of 3 slots (morning-afternoon-night, ``1-0-1``) or 4 slots
  (morning-noon-evening-night, ``1-1-1-1``). Each slot is a multiple of a quarter written
  ``0``, ``½``, ``1``, ``1½``, ``2`` … (``1/2``, ``0.5`` and ``1 1/2`` are read too) and at
  most ``MAX_PER_SLOT[unit]``; at least one slot is not zero. So ``9-9-9-9`` tablets, ``-1``
  and ``0-0-0`` are refused;
- or a *code*, optionally after an amount per dose (``BD``, ``2 BD``, ``5 TDS`` ml): OD, BD,
  TDS, QID, HS (at bedtime), SOS (when needed), STAT (once, now), WEEKLY.

The quantity to dispense (``quantity``): the amount per day × days, rounded up to whole units,
then up to whole packs when the pack size is known. None — the pharmacist decides — for SOS,
for "continue" (no end), and for units that are not counted out (drops, puffs, applications)
unless the pack size is known. STAT is one dose whatever the duration; WEEKLY is one dose per
started week. A total beyond ``MAX_QUANTITY`` is refused as implausible.
"""

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DoseUnit(models.TextChoices):
    TABLET = "tablet", _("tablet")
    CAPSULE = "capsule", _("capsule")
    ML = "ml", _("ml")
    DROPS = "drops", _("drops")
    PUFF = "puff", _("puff")
    SACHET = "sachet", _("sachet")
    APPLICATION = "application", _("application")


class FoodRelation(models.TextChoices):
    BEFORE = "before", _("before food")
    AFTER = "after", _("after food")
    WITH = "with", _("with food")
    EMPTY = "empty", _("on an empty stomach")
    ANY = "any", _("with or without food")


class DurationUnit(models.TextChoices):
    DAYS = "days", _("days")
    WEEKS = "weeks", _("weeks")
    MONTHS = "months", _("months")
    CONTINUE = "continue", _("continue")


class DoseError(ValueError):
    """The text is not a dose, duration or quantity this module accepts; the message says why."""


# Per-slot ceilings: a quarter tablet is the smallest split, 4 tablets at one time the most.
MAX_PER_SLOT: dict[str, Fraction] = {
    DoseUnit.TABLET: Fraction(4),
    DoseUnit.CAPSULE: Fraction(4),
    DoseUnit.SACHET: Fraction(2),
    DoseUnit.PUFF: Fraction(4),
    DoseUnit.APPLICATION: Fraction(2),
    DoseUnit.DROPS: Fraction(10),
    DoseUnit.ML: Fraction(30),
}
# Units the pharmacy counts out one by one (or measures, for ml) without knowing the pack.
COUNTED_UNITS: set[str] = {DoseUnit.TABLET, DoseUnit.CAPSULE, DoseUnit.SACHET, DoseUnit.ML}
MAX_DURATION: dict[str, int] = {DurationUnit.DAYS: 365, DurationUnit.WEEKS: 52, DurationUnit.MONTHS: 12}
DAYS_PER: dict[str, int] = {DurationUnit.DAYS: 1, DurationUnit.WEEKS: 7, DurationUnit.MONTHS: 30}
MAX_QUANTITY = 2000  # units (tablets, ml …) for one item: anything more is a typing slip
MAX_PACK_SIZE = 1000
QUARTER = Fraction(1, 4)

# Code -> doses a day (None: when needed), and its legend (on screen and on the print).
CODES: dict[str, Fraction | None] = {
    "OD": Fraction(1),
    "BD": Fraction(2),
    "TDS": Fraction(3),
    "QID": Fraction(4),
    "HS": Fraction(1),
    "SOS": None,
    "STAT": Fraction(1),
    "WEEKLY": Fraction(1, 7),
}
LEGEND = {
    "OD": _("once a day"),
    "BD": _("twice a day"),
    "TDS": _("three times a day"),
    "QID": _("four times a day"),
    "HS": _("at bedtime"),
    "SOS": _("only when needed"),
    "STAT": _("once, at once"),
    "WEEKLY": _("once a week"),
}
SLOT_NAMES = {
    3: (
        pgettext_lazy("dose slot", "Morning"),
        pgettext_lazy("dose slot", "Afternoon"),
        pgettext_lazy("dose slot", "Night"),
    ),
    4: (
        pgettext_lazy("dose slot", "Morning"),
        pgettext_lazy("dose slot", "Noon"),
        pgettext_lazy("dose slot", "Evening"),
        pgettext_lazy("dose slot", "Night"),
    ),
}
GLYPHS = {Fraction(1, 4): "¼", Fraction(1, 2): "½", Fraction(3, 4): "¾"}
_AMOUNT = re.compile(r"^(?:(\d{1,2})?\s*([¼½¾])|(\d{1,2})(?:\.(\d{1,2}))?|(?:(\d{1,2})\s+)?(\d)/(\d))$")
FRACTION_SLASH = "\u2044"  # "1⁄2": typed (or pasted) for "1/2"


def parse_amount(text: str) -> Fraction:
    """``1``, ``½``, ``1½``, ``1/2``, ``1 1/2``, ``0.5`` -> a Fraction (no sign, no more than 2 digits)."""
    text = text.replace(FRACTION_SLASH, "/")
    match = _AMOUNT.match(text.strip())
    if not match:
        raise DoseError(f"“{text.strip()}” is not an amount (write 1, ½ or 1/2).")
    whole_g, glyph, int_g, dec_g, mixed_g, num, den = match.groups()
    if glyph:
        value = Fraction(int(whole_g or 0)) + {v: k for k, v in GLYPHS.items()}[glyph]
    elif int_g is not None:
        value = Fraction(f"{int_g}.{dec_g}") if dec_g else Fraction(int(int_g))
    else:
        if int(den) == 0:
            raise DoseError("An amount cannot be divided by zero.")
        value = Fraction(int(mixed_g or 0)) + Fraction(int(num), int(den))
    if value % QUARTER:
        raise DoseError(f"“{text.strip()}”: doses are in quarters (¼, ½, ¾).")
    return value


def format_amount(value: Fraction) -> str:
    whole, part = divmod(value, 1)
    if not part:
        return str(int(whole))
    return f"{int(whole) if whole else ''}{GLYPHS[Fraction(part)]}"


@dataclass(frozen=True)
class Dose:
    """A parsed dose: either `slots` (a pattern) or `code` with `amount` per dose."""

    slots: tuple[Fraction, ...] | None = None
    code: str | None = None
    amount: Fraction = Fraction(1)

    @property
    def per_day(self) -> Fraction | None:
        """Units a day (WEEKLY: a seventh of a dose), None when needed (SOS)."""
        if self.slots is not None:
            return sum(self.slots, Fraction(0))
        times = CODES[self.code or ""]
        return None if times is None else times * self.amount

    def text(self) -> str:
        """The canonical form, which `parse_dose` reads back to the same Dose."""
        if self.slots is not None:
            return "-".join(format_amount(slot) for slot in self.slots)
        return self.code if self.amount == 1 else f"{format_amount(self.amount)} {self.code}"  # type: ignore[return-value]

    def legend(self) -> str:
        """The words of a code ("twice a day"), or of a pattern slot by slot ("Morning 1 · Afternoon 0 · Night 1")."""
        if self.slots is not None:
            return " · ".join(
                f"{name} {format_amount(slot)}"
                for name, slot in zip(SLOT_NAMES[len(self.slots)], self.slots, strict=True)
            )
        words = str(LEGEND[self.code or ""])
        return words if self.amount == 1 else f"{format_amount(self.amount)} — {words}"


def parse_dose(text: str, unit: str = DoseUnit.TABLET) -> Dose:
    """Read a pattern or a code for `unit`; raise DoseError saying what is wrong."""
    if unit not in MAX_PER_SLOT:
        raise DoseError(f"Unknown unit “{unit}”.")
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise DoseError("Write a dose pattern such as 1-0-1, or a code such as BD.")
    if len(cleaned) > 30:
        raise DoseError("A dose pattern is at most 30 characters.")
    words = cleaned.upper().split(" ")
    if words[-1] in CODES:
        if len(words) > 3:
            raise DoseError("Write an amount and a code, such as 2 BD.")
        amount = parse_amount(" ".join(words[:-1])) if len(words) > 1 else Fraction(1)
        _check_slot(amount, unit, allow_zero=False)
        return Dose(code=words[-1], amount=amount)
    parts = cleaned.replace(" ", "").split("-")
    if len(parts) not in (3, 4) or any(not part for part in parts):
        raise DoseError(
            "A dose pattern has 3 parts (morning-afternoon-night, 1-0-1) or 4 (1-1-1-1); a code is one of "
            + ", ".join(CODES)
            + "."
        )
    slots = tuple(parse_amount(part) for part in parts)
    for slot in slots:
        _check_slot(slot, unit, allow_zero=True)
    if not any(slots):
        raise DoseError("At least one dose in the pattern must be more than 0.")
    return Dose(slots=slots)


def _check_slot(value: Fraction, unit: str, *, allow_zero: bool) -> None:
    if value < 0 or (value == 0 and not allow_zero):
        raise DoseError("A dose must be more than 0.")
    if value > MAX_PER_SLOT[unit]:
        raise DoseError(f"At most {format_amount(MAX_PER_SLOT[unit])} {unit} at one time.")


def duration_days(value: int | None, unit: str) -> int | None:
    """Days of a duration, None for "continue"; raise DoseError for an empty, zero or too long one."""
    if unit == DurationUnit.CONTINUE:
        if value is not None:
            raise DoseError("“Continue” takes no number.")
        return None
    if unit not in MAX_DURATION:
        raise DoseError("The duration's unit is days, weeks, months or continue.")
    if value is None or value < 1:
        raise DoseError("The duration is at least 1.")
    if value > MAX_DURATION[unit]:
        raise DoseError(f"At most {MAX_DURATION[unit]} {unit}.")
    return value * DAYS_PER[unit]


def format_duration(value: int | None, unit: str) -> str:
    """ "5 days", "1 week", "continue" (English: the item's `duration` text, as written before)."""
    if unit == DurationUnit.CONTINUE:
        return "continue"
    if value is None:
        raise DoseError("The duration is at least 1.")
    word = unit[:-1] if value == 1 else unit
    return f"{value} {word}"


_DURATION = re.compile(r"^(\d{1,3})\s*(d|days?|w|wks?|weeks?|m|months?)$")
_DURATION_UNITS = {"d": DurationUnit.DAYS, "w": DurationUnit.WEEKS, "m": DurationUnit.MONTHS}


def parse_duration(text: str) -> tuple[int | None, str]:
    """ "5 days", "5d", "2 weeks", "1 month", "continue" -> (value, unit), checked by `duration_days`."""
    cleaned = " ".join((text or "").split()).lower()
    if cleaned in ("continue", "ongoing"):
        return None, DurationUnit.CONTINUE
    match = _DURATION.match(cleaned)
    if not match:
        raise DoseError("Write the duration as 5 days, 2 weeks, 1 month or continue.")
    value, unit = int(match.group(1)), _DURATION_UNITS[match.group(2)[0]]
    duration_days(value, unit)
    return value, unit


def duration_words(value: int | None, unit: str) -> str:
    """The duration in the active language ("5 दिन")."""
    if unit == DurationUnit.CONTINUE:
        return str(DurationUnit.CONTINUE.label)
    return f"{value} {DurationUnit(unit).label}"


def quantity(
    dose: Dose, unit: str, *, duration_value: int | None, duration_unit: str, pack_size: int | None = None
) -> int | None:
    """Units to dispense (a multiple of `pack_size` when known), or None when it is the pharmacist's call."""
    days = duration_days(duration_value, duration_unit)
    if pack_size is not None and not 1 <= pack_size <= MAX_PACK_SIZE:
        raise DoseError(f"A pack holds 1 to {MAX_PACK_SIZE} units.")
    per_day = dose.per_day
    if per_day is None:  # SOS
        return None
    if dose.code == "STAT":
        total = dose.amount
    elif days is None:  # continue: no end, so no total
        return None
    elif dose.code == "WEEKLY":
        total = dose.amount * math.ceil(Fraction(days, 7))
    else:
        total = per_day * days
    if total > MAX_QUANTITY:
        raise DoseError(f"That is {math.ceil(total)} {unit} in all: check the dose and the duration.")
    units = math.ceil(total)
    if pack_size:
        return math.ceil(Fraction(units, pack_size)) * pack_size
    return units if unit in COUNTED_UNITS else None


def describe(dose: Dose, food_relation: str, duration_value: int | None, duration_unit: str) -> str:
    """The whole instruction in the active language: "Morning 1 · Afternoon 0 · Night 1 — after food — 5 days"."""
    parts = [dose.legend()]
    if food_relation:
        parts.append(str(FoodRelation(food_relation).label))
    parts.append(duration_words(duration_value, duration_unit))
    return " — ".join(parts)
