"""Each field rule once (issue 13 §4, issue 14 §12): bounds, lengths, patterns, the normaliser and the message.

The model's validators and check constraints, the web forms' fields, the API's serializer fields
(and so the OpenAPI schema's minimum/maximum/maxLength and help text) and the services all take a
field's rule from here, so a bound is changed in one line and every way in gives the same answer:
the same value is accepted or refused, with the same message, by the form, the API and the service
(`common/tests/test_field_rules.py` feeds every bound through all three).

A rule's `clean(value)` is the one parser: it refuses what a person cannot have meant (a JSON
`true` for a weight, text with nothing visible in it) and returns the stored form. It is
idempotent, so a service may run it again on what a form or serializer already cleaned.

Text is normalised once, here (`normalise_text`): NFKC (but for ¼ ½ ¾), format characters (Unicode category Cf:
zero-width spaces, BOM, bidi controls…) and other control characters removed, white space
collapsed. So invisible characters never make two medicines differ, and a name that is only
invisible characters is refused naming the field. Zero-width (non-)joiners are kept between two
letters of a script that needs them (Devanagari, Malayalam…), where they change how a name reads.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from rest_framework import serializers

from common.exceptions import Invalid

NOTHING_VISIBLE = "{label} has no visible characters."
NOT_A_NUMBER = "Enter a number."
NOT_WHOLE = "Enter a whole number."
NOT_TEXT = "Enter text."

# Characters no font draws that are not in category Cf (Hangul fillers, braille blank, Mongolian vowel
# separator in old Unicode): a name made of them looks empty too.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Kept as typed: NFKC spells "½" as "1⁄2" and "1½" as "11⁄2" (eleven halves to a reader), and doses are
# written with them (SPEC §10: ½-0-½), on screen and on the print.
_FRACTIONS = frozenset("¼½¾")
_FRACTION_SPLIT = re.compile("([¼½¾])")
_JOINERS = frozenset("\u200c\u200d")


def _invisible(char: str) -> bool:
    return char in _BLANK_LOOKING or (unicodedata.category(char) in ("Cf", "Cc", "Co", "Cs") and not char.isspace())


def _letter(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char)[0] in "LM"


def normalise_text(value: str, *, multiline: bool = False) -> str:
    """NFKC but for ¼ ½ ¾, invisible characters removed (joiners kept between two non-Latin letters), white space
    collapsed to single spaces (or, `multiline`, each line's trimmed, empty lines dropped) and trimmed."""
    text = "".join(
        part if part in _FRACTIONS else unicodedata.normalize("NFKC", part) for part in _FRACTION_SPLIT.split(value)
    )
    kept = []
    for index, char in enumerate(text):
        if char in _JOINERS:
            before, after = text[index - 1 : index], text[index + 1 : index + 2]
            if before and after and _letter(before) and _letter(after):
                kept.append(char)
            continue
        if not _invisible(char):
            kept.append(char)
    text = "".join(kept)
    if multiline:
        lines = (" ".join(line.split()) for line in text.splitlines())
        return "\n".join(line for line in lines if line)
    return " ".join(text.split())


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


class _RuleFormField(forms.CharField):
    """A form field whose value is the rule's: text in, the rule's answer out (input kept on error)."""

    def __init__(self, *, rule: "Rule", **kwargs):
        self.rule = rule
        kwargs.setdefault("required", rule.required)
        kwargs.setdefault("label", rule.label)
        kwargs.setdefault("help_text", rule.form_help)
        kwargs.setdefault("max_length", rule.input_length)
        super().__init__(**kwargs)  # max_length: the widget's maxlength; the length itself is the rule's check
        self.validators = []
        self.error_messages["required"] = rule.required_message

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values and not self.required and self.rule.required:
            return None  # optional here (e.g. "empty: the hospital's default"), though the rule needs a value
        try:
            return self.rule.clean(text)
        except Invalid as error:
            raise forms.ValidationError(error.message) from None


def _serializer_clean(rule: "Rule", data):
    try:
        return rule.clean(data)
    except Invalid as error:
        raise serializers.ValidationError(error.message) from None


class _NumberInput(serializers.FloatField):
    """A number in an API body, parsed by its rule (the schema shows its minimum and maximum)."""

    def __init__(self, *, rule: "NumberRule", **kwargs):
        self.rule = rule
        super().__init__(min_value=float(rule.low), max_value=float(rule.high), **kwargs)
        self.validators = []  # the rule checks the bounds, with its own message

    def to_internal_value(self, data):
        return _serializer_clean(self.rule, data)


class _IntegerInput(serializers.IntegerField):
    def __init__(self, *, rule: "NumberRule", **kwargs):
        self.rule = rule
        super().__init__(min_value=int(rule.low), max_value=int(rule.high), **kwargs)
        self.validators = []

    def to_internal_value(self, data):
        return _serializer_clean(self.rule, data)


class _TextInput(serializers.CharField):
    def __init__(self, *, rule: "Rule", **kwargs):
        self.rule = rule
        kwargs.setdefault("max_length", rule.max_length)
        kwargs.setdefault("allow_blank", not rule.required)
        kwargs.setdefault("trim_whitespace", False)  # the rule's normaliser does it
        super().__init__(**kwargs)
        self.validators = []
        self.error_messages["required"] = self.error_messages["blank"] = rule.required_message

    def run_validation(self, data=serializers.empty):
        if data == "" and not self.rule.required:
            return ""
        if data == "" or (isinstance(data, str) and not data.strip() and self.rule.required):
            self.fail("blank")  # the rule's "Enter the …" message
        return super().run_validation(data)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            raise serializers.ValidationError(NOT_TEXT)
        return _serializer_clean(self.rule, str(data))


@dataclass(frozen=True)
class Rule:
    label: str
    required: bool = True
    help: str = ""
    required_text: str = ""

    @property
    def required_message(self) -> str:
        return self.required_text or f"Enter the {self.label.lower()}."

    @property
    def form_help(self) -> str:
        return self.help

    @property
    def input_length(self) -> int | None:
        return None

    @property
    def max_length(self) -> int | None:
        return None

    def clean(self, value: Any) -> Any:  # pragma: no cover - each rule has its own
        raise NotImplementedError

    def __deepcopy__(self, memo: dict) -> "Rule":
        # Immutable (frozen, of texts, numbers and other rules): a copy is the rule itself. DRF deep-copies
        # a serializer's declared fields with their arguments on every request; copying the rule with them
        # was a third of the API item input's field set-up (ItemInput's fields: 0.61 → 0.37 ms a request).
        return self

    def clean_field(self, field: str, value: Any) -> Any:
        """`clean`, with the refusal as an Invalid on `field` (what services raise)."""
        try:
            return self.clean(value)
        except Invalid as error:
            raise Invalid.on_field(field, error.message) from None

    def form_field(self, **kwargs) -> forms.Field:
        return _RuleFormField(rule=self, **kwargs)


@dataclass(frozen=True)
class NumberRule(Rule):
    """A number from `low` to `high` (both included), whole or to `places` decimals; optional unless required."""

    low: Decimal | int = 0
    high: Decimal | int = 0
    unit: str = ""
    places: int = 0  # 0: a whole number

    @property
    def message(self) -> str:
        return f"Enter a value from {self.low} to {self.high} {self.unit}.".replace(" .", ".")

    @property
    def form_help(self) -> str:
        return self.help or self.range_text

    @property
    def range_text(self) -> str:
        return f"{self.low}–{self.high} {self.unit}".strip()

    @property
    def input_length(self) -> int:
        return 20

    def parse(self, value: Any) -> Decimal | int | None:
        """The number in `value` (a number, or text a person typed), None when empty; never a boolean."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            raise Invalid(NOT_A_NUMBER)
        text = value.strip() if isinstance(value, str) else str(value)
        if len(text) > 40:
            raise Invalid(NOT_A_NUMBER)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise Invalid(NOT_A_NUMBER) from None
        if not number.is_finite() or number.adjusted() > 10:  # e.g. "1e400": far too many digits to be a measurement
            raise Invalid(NOT_A_NUMBER)
        if not self.places:
            if number != number.to_integral_value():
                raise Invalid(NOT_WHOLE)
            return int(number)
        return number.quantize(Decimal(1).scaleb(-self.places))

    def clean(self, value: Any) -> Decimal | int | None:
        number = self.parse(value)
        if number is None:
            if self.required:
                raise Invalid(self.required_message)
            return None
        if not self.low <= number <= self.high:
            raise Invalid(self.message)
        return number

    # Where the rule lives besides: the model, the database, the API.
    def validators(self) -> list:
        """The model field's validators. A lower bound of 0 is the positive column's own, as in `check`."""
        return ([MinValueValidator(self.low)] if self.low else []) + [MaxValueValidator(self.high)]

    def check(self, field: str, *, nullable: bool = False) -> models.Q:
        """The check constraint. A lower bound of 0 is the positive column's own (its type's check)."""
        bounds = {f"{field}__lte": self.high} | ({f"{field}__gte": self.low} if self.low else {})
        if nullable:
            return models.Q(**{f"{field}__isnull": True}) | models.Q(**bounds)
        return models.Q(**bounds)

    def serializer_field(self, **kwargs) -> serializers.Field:
        kwargs.setdefault("required", self.required)
        if not self.required:
            kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", self.form_help)
        cls = _NumberInput if self.places else _IntegerInput
        return cls(rule=self, **kwargs)


@dataclass(frozen=True)
class TextRule(Rule):
    """Text of at most `max_chars` characters after normalising; `required` means at least one visible one."""

    max_chars: int = 0
    multiline: bool = False

    @property
    def max_length(self) -> int:
        return self.max_chars

    @property
    def input_length(self) -> int:
        return self.max_chars

    def clean(self, value: Any) -> str:
        if value is not None and (isinstance(value, bool) or not isinstance(value, str)):
            raise Invalid(NOT_TEXT)
        raw = _as_text(value)
        text = normalise_text(raw, multiline=self.multiline)
        if not text:
            if raw.strip():  # something was typed, but nothing that shows
                raise Invalid(NOTHING_VISIBLE.format(label=self.label))
            if self.required:
                raise Invalid(self.required_message)
            return ""
        if len(text) > self.max_chars:
            raise Invalid(f"Enter at most {self.max_chars} characters (it has {len(text)}).")
        return text

    def validators(self) -> list:
        return []

    def serializer_field(self, **kwargs) -> serializers.Field:
        kwargs.setdefault("required", self.required)
        kwargs.setdefault("help_text", self.help or None)
        if kwargs["help_text"] is None:
            del kwargs["help_text"]
        return _TextInput(rule=self, **kwargs)


@dataclass(frozen=True)
class PhoneRule(TextRule):
    """A 10-digit Indian mobile number, stored without +91, 0, spaces or dashes."""

    pattern: str = r"[6-9]\d{9}"
    message: str = ""
    typed_length: int = 20

    @property
    def input_length(self) -> int:
        return self.typed_length

    @property
    def max_length(self) -> int:
        return self.typed_length

    def clean(self, value: Any) -> str:
        if value is not None and (isinstance(value, bool) or not isinstance(value, str)):
            raise Invalid(NOT_TEXT)
        digits = re.sub(r"[\s\-()]", "", normalise_text(_as_text(value)))
        if not digits:
            if self.required:
                raise Invalid(self.required_message)
            return ""
        digits = re.sub(rf"^(?:\+?91|0)(?={self.pattern}$)", "", digits)
        if not re.fullmatch(self.pattern, digits):
            raise Invalid(self.message)
        return digits

    def validators(self) -> list:
        return [RegexValidator(f"^{self.pattern}$", self.message)]


@dataclass(frozen=True)
class BloodPressureRule(Rule):
    """ "SYS/DIA" with each half in its range and diastolic below systolic; "" for none."""

    systolic: NumberRule = NumberRule("Systolic pressure")
    diastolic: NumberRule = NumberRule("Diastolic pressure")
    format_message: str = "Enter blood pressure as SYS/DIA, e.g. 120/80."

    @property
    def form_help(self) -> str:
        return "SYS/DIA"

    @property
    def input_length(self) -> int:
        return 20

    @property
    def max_length(self) -> int:
        return 20

    def parse(self, value: Any) -> tuple[int, int] | None:
        if value is not None and not isinstance(value, str):
            raise Invalid(self.format_message)
        text = normalise_text(_as_text(value))
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,3})\s*/\s*(\d{1,3})", text)
        if not match:
            raise Invalid(self.format_message)
        systolic, diastolic = int(match.group(1)), int(match.group(2))
        for half, number in ((self.systolic, systolic), (self.diastolic, diastolic)):
            if not half.low <= number <= half.high:
                raise Invalid(f"{half.label} must be from {half.low} to {half.high} {half.unit}.")
        if diastolic >= systolic:
            raise Invalid("Diastolic pressure must be lower than systolic.")
        return systolic, diastolic

    def clean(self, value: Any) -> str:
        pressure = self.parse(value)
        return f"{pressure[0]}/{pressure[1]}" if pressure else ""

    def check(self, systolic: str, diastolic: str) -> models.Q:
        """Both halves or neither, and diastolic below systolic."""
        return models.Q(**{f"{systolic}__isnull": True, f"{diastolic}__isnull": True}) | models.Q(
            **{f"{systolic}__isnull": False, f"{diastolic}__lt": models.F(systolic)}
        )

    def serializer_field(self, **kwargs) -> serializers.Field:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", '"SYS/DIA", e.g. "120/80"')
        return _TextInput(rule=self, **kwargs)


# The rules (SPEC §2) --------------------------------------------------------------------------------

# Vitals: every one optional.
HEIGHT_CM = NumberRule("Height", required=False, low=Decimal("30"), high=Decimal("250"), unit="cm", places=1)
WEIGHT_KG = NumberRule("Weight", required=False, low=Decimal("0.5"), high=Decimal("350"), unit="kg", places=1)
SYSTOLIC = NumberRule("Systolic pressure", required=False, low=50, high=300, unit="mmHg")
DIASTOLIC = NumberRule("Diastolic pressure", required=False, low=20, high=200, unit="mmHg")
PULSE = NumberRule("Pulse", required=False, low=20, high=250, unit="beats per minute")
TEMPERATURE_C = NumberRule(
    "Temperature", required=False, low=Decimal("30.0"), high=Decimal("45.0"), unit="°C", places=1
)
BLOOD_PRESSURE = BloodPressureRule("Blood pressure", required=False, systolic=SYSTOLIC, diastolic=DIASTOLIC)

VISIT_VALIDITY_DAYS = NumberRule("Validity", low=1, high=365, unit="days")

# Patients.
FULL_NAME = TextRule("Full name", max_chars=120, required_text="Enter the patient's name.")
AGE = NumberRule("Age", low=0, high=130, unit="years")
PHONE = PhoneRule(
    "Mobile number",
    required=False,
    max_chars=10,
    message="Enter a 10-digit Indian mobile number (optionally with +91).",
    help="10-digit Indian mobile, optionally +91.",
)
ADDRESS = TextRule("Address", required=False, max_chars=500, multiline=True)

# Staff (first and last names are optional; if given, something must show).
FIRST_NAME = TextRule("First name", required=False, max_chars=150)
LAST_NAME = TextRule("Last name", required=False, max_chars=150)

# Prescription items.
MEDICINE_NAME = TextRule("Medicine", max_chars=200, required_text="Enter the medicine's name.")
# Named as the doctor's form and the tables name them (the API's fields keep `dosage` and `frequency`):
# "Enter the dosage." under a field labelled Strength sent the doctor looking for a field that is not there.
DOSAGE = TextRule("Strength", max_chars=100, help='e.g. "500 mg"')
FREQUENCY = TextRule("Dose", max_chars=50, help='e.g. "1-0-1", "BD"')
DURATION = TextRule("Duration", max_chars=50, help='e.g. "5 days"')
INSTRUCTIONS = TextRule("Instructions", required=False, max_chars=300, help="e.g. after food")
