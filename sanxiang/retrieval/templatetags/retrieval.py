"""`{% retrieval_section as records %}`: the data of the case page's 记录 section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def retrieval_section(context):
    from sanxiang.access.policy import can
    from sanxiang.retrieval import queries

    request, case = context["request"], context["case"]
    return {"rows": queries.records_of(request.user, case), "may_read_log": can(request.user, "view_access_log", case)}
