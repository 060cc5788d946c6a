from django import template

register = template.Library()


@register.filter
def has_key(mapping, key) -> bool:
    return key in (mapping or {})
