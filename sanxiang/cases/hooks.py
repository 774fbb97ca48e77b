"""What cases adds to the menu, the workbench (我的案件、待我审批、案件督办) and the party dossier."""

from collections import Counter

from django.urls import reverse

from sanxiang.access.policy import current_roles
from sanxiang.core.hooks import register_home_panel, register_menu_item, signed_in
from sanxiang.orgs.models import Role
from sanxiang.parties.dossier import register_dossier_section

from . import pages
from .models import CaseStatus

PANEL_ROWS = 50


def _has_role(user, *roles) -> bool:
    return signed_in(user) and current_roles(user).filter(role__in=roles).exists()


def reads_cases(user) -> bool:
    return signed_in(user) and (user.is_superuser or current_roles(user).exists())


def my_cases_panel(request):
    """我的案件: the open cases the user handles, their deadlines (yellow/red) and next steps."""
    cases = list(pages.my_cases(request.user)[:PANEL_ROWS])
    if not cases and not _has_role(request.user, Role.OFFICER):
        return None
    rows = pages.case_rows(request.user, cases)
    states = Counter(c.status for c in cases)
    by_state = [{"state": s, "label": CaseStatus(s).label, "count": n} for s, n in sorted(states.items())]
    red = sum(1 for r in rows for d in r["deadlines"] if d["level"] == "red")
    yellow = sum(1 for r in rows for d in r["deadlines"] if d["level"] == "yellow")
    counts = [{"label": "我的案件", "count": len(cases), "level": "todo"}]
    if red or yellow:
        counts += [{"label": "案件时限临期", "count": yellow, "level": "yellow"},
                   {"label": "案件时限逾期", "count": red, "level": "red"}]
    return {"rows": rows, "by_state": by_state, "counts": counts,
            "shortcuts": [{"label": "新建线索", "url": reverse("cases:create")},
                          {"label": "当场处罚", "url": reverse("cases:onsite")},
                          {"label": "登记行政检查", "url": reverse("cases:inspection-create")}]}


def approvals_panel(request):
    """待我审批: cases where a step of a head's (or reviewer's) role is open to the user now."""
    if not _has_role(request.user, Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.REVIEWER):
        return None
    waiting = pages.awaiting_head(request.user, PANEL_ROWS)
    if not waiting:
        return None
    return {"waiting": waiting, "counts": [{"label": "待我审批", "count": len(waiting), "level": "todo"}]}


def escalations_panel(request):
    """案件督办: for agency leaders, overdue case deadlines and cases whose time limit was extended."""
    found = pages.escalations(request.user, PANEL_ROWS)
    if not found or not (found["overdue"] or found["extended"]):
        return None
    return {**found, "counts": [{"label": "案件逾期", "count": len(found["overdue"]), "level": "red"}]}


register_menu_item("案件", "cases:list", order=15, visible=reads_cases)
register_home_panel("my-cases", "cases/_panel_mine.html", context=my_cases_panel, order=5)
register_home_panel("case-approvals", "cases/_panel_approvals.html", context=approvals_panel, order=6)
register_home_panel("case-escalations", "cases/_panel_escalations.html", context=escalations_panel, order=7)
register_dossier_section("cases", "案件", "cases/_dossier.html", context=pages.dossier_cases, order=10)
register_dossier_section("inspections", "行政检查", "cases/_dossier_inspections.html",
                         context=lambda party, user: _inspections_of(party, user), order=11)


def _inspections_of(party, user):
    from .kinds.inspection import dossier_inspections

    return dossier_inspections(party, user)


# ---- 行政检查: 双随机抽查 and 重复检查预警 for heads, leaders, the legal office and supervisors --------------

INSPECTION_OVERSIGHT = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.REVIEWER, Role.SUPERVISOR)


def oversees_inspections(user) -> bool:
    return signed_in(user) and (user.is_superuser or _has_role(user, *INSPECTION_OVERSIGHT))


def inspection_oversight_panel(request):
    """双随机抽查与重复检查预警: the entities whose latest inspection draws a warning, and the way to a draw."""
    from .kinds.inspection import repeated_inspections
    from .views_inspection import draw_agencies

    if not oversees_inspections(request.user):
        return None
    repeated = repeated_inspections(request.user, limit=PANEL_ROWS)
    may_draw = bool(draw_agencies(request.user))
    if not repeated and not may_draw:
        return None
    counts = [{"label": "重复检查预警", "count": len(repeated), "level": "yellow"}] if repeated else []
    return {"repeated": repeated, "may_draw": may_draw, "counts": counts}


register_menu_item("双随机抽查", "cases:draws", order=16, visible=oversees_inspections)


def sees_inspection_plans(user) -> bool:
    return signed_in(user) and (user.is_superuser or _has_role(user, Role.OFFICER, *INSPECTION_OVERSIGHT))


register_menu_item("年度抽查计划", "cases:plans", order=17, visible=sees_inspection_plans)
register_home_panel("inspection-oversight", "cases/_panel_inspections.html", context=inspection_oversight_panel,
                    order=8)
