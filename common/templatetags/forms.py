from django import template
from django.utils.html import format_html

from common import submissions

register = template.Library()


@register.simple_tag
def submission_token() -> str:
    """The hidden field that lets the server run this form's write once (common.submissions)."""
    return format_html('<input type="hidden" name="{}" value="{}">', submissions.FIELD, submissions.new_token())
