"""What the review pages add to the menu and the workbench: the reviewer desk's queue (审核工作台,
yellow and red by the review clock) and, for handling units, the cases the review returned."""

from django.urls import reverse

from sanxiang.access.policy import current_roles
from sanxiang.core.hooks import register_home_panel, register_menu_item, signed_in
from sanxiang.orgs.models import Role

from . import queries

DESK_ROLES = (Role.REVIEWER, Role.AGENCY_LEADER, Role.UNIT_HEAD)
PANEL_ROWS = 20


def works_the_desk(user) -> bool:
    return signed_in(user) and current_roles(user).filter(role__in=DESK_ROLES).exists()


def _levels(rows) -> list[dict]:
    red = sum(1 for r in rows if r["level"] == "red")
    yellow = sum(1 for r in rows if r["level"] == "yellow")
    counts = []
    if yellow:
        counts.append({"label": "法制审核临期", "count": yellow, "level": "yellow", "anchor": "review-desk-panel"})
    if red:
        counts.append({"label": "法制审核逾期", "count": red, "level": "red", "anchor": "review-desk-panel"})
    return counts


def desk_panel(request):
    """法制审核 (reviewers, leaders, heads): the open rounds by due date, and the sign-offs waiting for the user."""
    if not current_roles(request.user).filter(role__in=DESK_ROLES).exists():
        return None
    rows = queries.desk_queue(request.user)
    signing = queries.awaiting_signoff(request.user, limit=PANEL_ROWS)
    if not rows and not signing:
        return None
    counts = [{"label": "待法制审核", "count": len(rows), "level": "todo", "anchor": "review-desk-panel"}] if rows else []
    if signing:
        counts.append({"label": "待我签批", "count": len(signing), "level": "todo", "anchor": "review-desk-panel"})
    return {"rows": rows[:PANEL_ROWS], "signing": signing, "agency_names": False, "counts": counts + _levels(rows),
            "shortcuts": [{"label": "审核工作台", "url": reverse("review:desk")}]}


def returned_panel(request):
    """法制审核退回的案件 (the handling unit): rounds returned with an opinion or for supplement. The count
    法制审核退回 is of those awaiting the unit's own move (`awaiting`): a round the leaders decided as
    proposed, or one before the leaders after a failed 协商, is listed but not counted."""
    rows = queries.returned_to_unit(request.user)
    if not rows:
        return None
    awaiting = sum(1 for r in rows if r["awaiting"])
    counts = ([{"label": "法制审核退回", "count": awaiting, "level": "todo", "anchor": "review-returned-panel"}]
              if awaiting else [])
    asked = [s for s in (r["round"].supplements.last() for r in rows if r["round"].status == "supplementing") if s]
    for level, label in (("yellow", "补交材料临期"), ("red", "补交材料逾期")):  # the job review_supplement_warnings
        count = sum(1 for s in asked if s.warning == level)
        if count:
            counts.append({"label": label, "count": count, "level": level, "anchor": "review-returned-panel"})
    return {"rows": rows[:PANEL_ROWS], "counts": counts}


register_menu_item("法制审核", "review:desk", order=17, visible=works_the_desk)
register_menu_item("审核目录", "review-catalogue:index", order=57, visible=signed_in)
register_home_panel("review-desk-panel", "review/_panel_desk.html", context=desk_panel, order=8, visible=works_the_desk)
register_home_panel("review-returned-panel", "review/_panel_returned.html", context=returned_panel, order=9,
                    visible=lambda user: signed_in(user) and current_roles(user).filter(
                        role__in=(Role.OFFICER, Role.UNIT_HEAD)).exists())
