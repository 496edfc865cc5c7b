"""{% dose_legend %}: the frequency codes in words, wherever a prescription is shown or printed."""

from django import template
from django.utils import translation

from common.dosing import LEGEND

register = template.Library()


@register.inclusion_tag("includes/dose_legend.html")
def dose_legend() -> dict:
    return {"dose_legend": [(code, str(words)) for code, words in LEGEND.items()]}


@register.simple_tag
def dose_words(item, language: str = "en") -> str:
    """{% dose_words item patient.preferred_language %}: "सुबह 1 · दोपहर 0 · रात 1 — खाने के बाद — 5 दिन"."""
    with translation.override(language or "en"):
        return item.dose_words
