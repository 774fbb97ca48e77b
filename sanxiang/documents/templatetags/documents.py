"""`{% documents_section as documents %}`: the data of the case page's 文书 section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def documents_section(context):
    from sanxiang.documents.views import section

    return section(context["request"], context["case"])
