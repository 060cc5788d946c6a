"""The enforcement matter an event was judged under, on the event's detail page."""

from __future__ import annotations

from django import template

from ..routing import event_date

register = template.Library()


@register.inclusion_tag("matters/_event_matter.html")
def event_matter_basis(event):
    """The event's enforcement matter with the wording in force on the event's date
    (an event judged before a change keeps showing the old wording)."""
    if not event.matter_id:
        return {"matter": None}
    matter = event.matter
    return {"matter": matter, "version": matter.current_version(event_date(event))}
