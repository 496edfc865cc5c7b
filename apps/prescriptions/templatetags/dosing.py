"""{% dose_legend %}: the frequency codes in words, wherever a prescription is shown or printed."""

from django import template

from common.dosing import LEGEND

register = template.Library()


@register.inclusion_tag("includes/dose_legend.html")
def dose_legend() -> dict:
    return {"dose_legend": [(code, str(words)) for code, words in LEGEND.items()]}
