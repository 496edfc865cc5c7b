from django import template

from apps.billing.money import display_rupees

register = template.Library()


@register.filter
def rupees(paise) -> str:
    """Paise as people read them: 30000 → ₹300.00; None → empty."""
    return "" if paise is None else display_rupees(paise)
