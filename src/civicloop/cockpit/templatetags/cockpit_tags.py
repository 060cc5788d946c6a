from django import template

from civicloop.cockpit.access import may_read

register = template.Library()


@register.inclusion_tag("cockpit/_nav_link.html", takes_context=True)
def cockpit_nav_link(context):
    """The navigation entry, for those who read the figures (leaders, the county centre, the
    town command rooms)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"show": user is not None and may_read(user)}
