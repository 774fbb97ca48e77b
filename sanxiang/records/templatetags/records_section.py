"""`{% records_section as records %}`: the data of the case page's 证据与音像记录 section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def records_section(context):
    from sanxiang.records.views import section

    return section(context["request"], context["case"])
