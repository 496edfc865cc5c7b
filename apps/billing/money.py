"""Money is integer paise everywhere (SPEC §12): parsed once at the edge, formatted once for people.

No arithmetic on money ever rounds: amounts are entered in whole paise (at most two decimals of a
rupee; a third decimal is refused, never rounded), discounts are amounts (not percentages), and
totals are sums of integers. Floats never touch money: a float given to `parse_rupees` is refused.
"""

import re
from decimal import Decimal, InvalidOperation

from common.exceptions import Invalid

# The largest amount one entry may carry: ₹1 crore (a clinic's OPD bill never comes near it); keeps
# every sum far inside 64 bits.
MAX_PAISE = 100_000_00 * 100
_RUPEES = re.compile(r"[0-9]{1,9}(\.[0-9]{1,2})?")


def parse_rupees(value, *, field: str = "amount", allow_zero: bool = False) -> int:
    """ "250", "250.5", "250.50" or an int of rupees → paise (25050). Refuses negatives, a third decimal,
    exponents, floats, blanks and amounts above MAX_PAISE with Invalid on `field`."""
    if isinstance(value, bool | float) or value is None:
        raise Invalid.on_field(field, 'Enter an amount in rupees, e.g. "250.00".')
    text = str(value).strip()
    if text.startswith("-"):
        raise Invalid.on_field(field, "An amount cannot be negative.")
    if not _RUPEES.fullmatch(text):
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
            raise Invalid.on_field(field, "Enter at most two decimals (paise).")
        raise Invalid.on_field(field, 'Enter an amount in rupees, e.g. "250.00".')
    try:
        paise = int(Decimal(text) * 100)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise Invalid.on_field(field, 'Enter an amount in rupees, e.g. "250.00".') from None
    if paise == 0 and not allow_zero:
        raise Invalid.on_field(field, "Enter an amount above zero.")
    if paise > MAX_PAISE:
        raise Invalid.on_field(field, f"Enter at most {format_rupees(MAX_PAISE)}.")
    return paise


def format_rupees(paise: int) -> str:
    """25050 → "250.50" (no symbol, no grouping: for APIs and CSV); negative amounts keep their sign."""
    sign = "-" if paise < 0 else ""
    whole, part = divmod(abs(int(paise)), 100)
    return f"{sign}{whole}.{part:02d}"


def display_rupees(paise: int) -> str:
    """25050 → "₹250.50", 1234500 → "₹12,345.00" (Indian grouping: 1,23,45,678)."""
    text = format_rupees(abs(paise))
    whole, part = text.split(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups: list[str] = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        whole = ",".join([*groups, tail])
    return f"{'-' if paise < 0 else ''}₹{whole}.{part}"
