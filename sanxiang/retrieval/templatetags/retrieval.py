"""`{% retrieval_section as records %}`: the data of the case page's 记录 section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def retrieval_section(context):
    from sanxiang.access.policy import can
    from sanxiang.retrieval import queries

    request, case = context["request"], context["case"]
    copies = queries.party_copies(request.user, case)
    return {"rows": queries.records_of(request.user, case), "may_read_log": can(request.user, "view_access_log", case),
            "copies": copies, "may_register_copy": can(request.user, "register_party_copy", case),
            "open_copies": sorted((c for c in copies if c.status in ("pending_approval", "to_answer")),
                                  key=lambda c: c.due_on)}
