"""``{% submission_token %}``: the hidden one-time key of a form whose view is wrapped in
``core.idempotency.once_per_submission`` (a double click or a browser's retry shows the first
result instead of making a second record)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from civicloop.core.idempotency import FORM_FIELD, InvalidKey, new_submission_token, parse_key

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context) -> str:
    """A new token for a new form; the sent one when the form comes back with its errors (that
    sending stored nothing, so the corrected one may use it)."""
    request = context.get("request")
    token = None
    if request is not None and request.method == "POST":
        try:
            token = parse_key(request.POST.get(FORM_FIELD))
        except InvalidKey:
            token = None
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FORM_FIELD, token or new_submission_token()
    )
