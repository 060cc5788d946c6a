"""``{% case_documents_section case %}``: the documents section of the case page."""

from django import template

from civicloop.documents.views import documents_context

register = template.Library()


@register.inclusion_tag("documents/_case_documents.html", takes_context=True)
def case_documents_section(context, case):

    return {
        **documents_context(context["request"], case),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
