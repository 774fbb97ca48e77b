"""`{% coercion_section as coercion %}`: the data of the case page's 行政强制 section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def coercion_section(context):
    from sanxiang.cases.views_coercion import section

    return section(context["request"], context["case"])
