"""What cases add to the menu and the workbench: 案件 and the panel 我的案件."""

from django.urls import reverse

from sanxiang.core.hooks import register_home_panel, register_menu_item, signed_in

from . import queries


def my_cases_panel(request):
    """我的案件: the cases assigned to the user by state, and the head's 待办 (next step theirs)."""
    mine = list(queries.cases_for(request.user, mine=True).exclude(status__in=("closed", "not_filed"))[:20])
    waiting = list(queries.waiting_for_head(request.user)[:20]) if _is_head(request.user) else []
    if not mine and not waiting:
        return None
    return {"mine": mine, "waiting": waiting,
            "counts": [{"label": "待审批", "count": len(waiting), "level": "todo", "anchor": "my-cases"}]
            if waiting else [],
            "shortcuts": [{"label": "案件", "url": reverse("case-list")}]}


def _is_head(user):
    from sanxiang.access.policy import current_roles

    return current_roles(user).filter(role__in=("unit_head", "agency_leader")).exists()


register_menu_item("案件", "case-list", order=35, visible=signed_in)
register_home_panel("my-cases", "cases/_panel_my_cases.html", context=my_cases_panel, order=15)
