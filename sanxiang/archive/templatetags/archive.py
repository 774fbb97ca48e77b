"""`{% case_file_section as casefile %}`: the data of the case page's 案卷 section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_file_section(context):
    from sanxiang.archive.views import section

    return section(context["request"], context["case"])
