"""What the deadlines app adds to the menu and the workbench (工作台)."""

from django.urls import reverse
from django.utils import timezone

from sanxiang.core.hooks import register_home_panel, register_menu_item, signed_in

from . import queries


def _counts(rows):
    return {"red": sum(1 for r in rows if r["level"] == queries.RED),
            "yellow": sum(1 for r in rows if r["level"] == queries.YELLOW)}


def _name_cases(user, rows) -> None:
    """Each row whose obligation runs on a case (案卷归档期限, 办案期限 …) names the case and links it,
    when `user` may open it: a deadline without its case says nothing to act on."""
    from sanxiang.access.policy import restrict
    from sanxiang.cases.models import Case

    rows = list(rows)
    ids = {int(r["ob"].object_id) for r in rows
           if r["ob"].object_type == Case.ledger_type() and str(r["ob"].object_id).isdigit()}
    if not ids:
        return
    cases = {c.pk: c for c in restrict(Case.objects.filter(pk__in=ids), user, "view")}
    for row in rows:
        ob = row["ob"]
        if ob.object_type == Case.ledger_type() and str(ob.object_id).isdigit():
            case = cases.get(int(ob.object_id))
            if case is not None:
                row["case_label"] = case.number or case.cause
                row["case_url"] = reverse("cases:detail", args=[case.pk])


def obligations_panel(request):
    """时限待办与预警: the unit's queue, the agency's warnings, the supervised agencies' warnings."""
    found = queries.workbench_obligations(request.user, timezone.localdate())
    scope = found["scope"]
    if not (scope["units"] or scope["overseen"] or scope["supervised"] or scope["everything"]):
        return None
    seen = {}
    for key in ("queue", "overdue", "due_soon", "supervised"):
        for row in found[key]:
            seen[row["ob"].pk] = row
    _name_cases(request.user, seen.values())
    levels = _counts(seen.values())
    counts = []
    if scope["units"]:
        counts.append({"label": "时限待办", "count": len(found["queue"]), "level": "todo", "anchor": "unit-queue"})
    counts += [{"label": "临期", "count": levels["yellow"], "level": "yellow", "anchor": "obligations"},
               {"label": "逾期", "count": levels["red"], "level": "red", "anchor": "obligations"}]
    return {
        **found,
        "show_queue": bool(scope["units"]),
        "show_agency": bool(scope["overseen"] or scope["everything"]),
        "show_supervised": bool(scope["supervised"]),
        "show_agency_names": scope["everything"] or len(set(scope["overseen"])) > 1,
        "counts": counts,
        "shortcuts": [{"label": "时限计算", "url": reverse("deadline-calculator")}],
    }


def _oversees(user):
    scope = queries.oversight_scope(user)
    return scope["everything"] or bool(scope["overseen"])


def calendar_panel(request):
    warnings = queries.calendar_warnings(timezone.localdate(), audience=queries.calendar_audience(request.user))
    if not warnings:
        return None
    context = {"warnings": warnings}
    if request.user.is_superuser:
        context["shortcuts"] = [{"label": "录入节假日安排", "url": reverse("deadline-calendar")}]
    return context


register_menu_item("节假日日历", "deadline-calendar", order=40, visible=signed_in)
register_menu_item("时限计算", "deadline-calculator", order=50)
register_home_panel("obligations", "deadlines/_panel_obligations.html", context=obligations_panel, order=20)
register_home_panel("calendar", "deadlines/_panel_calendar.html", context=calendar_panel, order=60,
                    visible=_oversees)
