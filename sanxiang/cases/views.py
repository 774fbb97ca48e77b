"""Pages of cases: the list (我的案件 / 本科室), the case page with its forms, and the form posts.

Every form posts to `case_act`, which calls the same `move_case` as the API; the page offers only
what `available()` allows, with the reason for the rest.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sanxiang.core.errors import SanxiangError
from sanxiang.deadlines.queries import Levels
from sanxiang.workflow import available

from . import actions as C
from . import queries
from .models import CaseStatus, PenaltyType, ReviewFlag, ServiceMethod
from .workflows import table_of

LIST_INPUTS = ("penalties", "flags")


@login_required
def case_list(request):
    """案件列表: the cases the user may read; `?mine=1` only those assigned to them."""
    mine = request.GET.get("mine") == "1"
    status = request.GET.get("status") or None
    if status and status not in CaseStatus.values:
        status = None
    cases = list(queries.cases_for(request.user, status=status, mine=mine)[:200])
    return render(request, "cases/list.html", {"cases": cases, "mine": mine, "status": status,
                                               "statuses": CaseStatus.choices})


def _page(request, case, *, error=None, status=200):
    levels = Levels(timezone.localdate())
    obligations = [{"ob": ob, "level": levels(ob)} for ob in queries.obligations_of(case)]
    options = available(case, request.user, table=table_of(case))
    return render(request, "cases/detail.html", {
        "case": case, "table": table_of(case), "options": options, "error": error,
        "parties": case.case_parties.select_related("party"),
        "handlers": case.handlers.select_related("person", "certificate"),
        "obligations": obligations, "timeline": queries.timeline(case),
        "penalty_types": PenaltyType.choices, "review_flags": ReviewFlag.choices,
        "service_methods": ServiceMethod.choices, "today": timezone.localdate(),
    }, status=status)


def _case(request, pk):
    case = queries.case_for(request.user, pk)
    if case is None:
        raise Http404("未找到该案件，或您无权查看。")
    return case


@login_required
def case_detail(request, pk):
    return _page(request, _case(request, pk))


@login_required
def case_act(request, pk, action):
    """One move from the case page's form; a refusal re-renders the page with the reason."""
    case = _case(request, pk)  # someone who may not read the case learns nothing, whatever the method
    if request.method != "POST":
        return redirect(reverse("case-detail", args=[case.pk]))
    table = table_of(case)
    transition = next((t for t in table.transitions if t.action == action), None)
    if transition is None:
        raise Http404("没有该操作。")
    params = {}
    for name in transition.params:
        if name in LIST_INPUTS:
            params[name] = request.POST.getlist(name)
        elif request.POST.get(name, "") != "":
            params[name] = request.POST[name]
    version = request.POST.get("version") or None
    try:
        C.move_case(case, action, actor=request.user, version=int(version) if version else None, **params)
    except (SanxiangError, ValueError) as exc:
        message = getattr(exc, "message", None) or "输入有误，未作任何更改。"
        case.refresh_from_db()
        return _page(request, case, error=f"“{transition.label}”未办理：{message}",
                     status=getattr(exc, "status", 400))
    messages.success(request, f"已办理“{transition.label}”，案件现为“{case.status_label}”。")
    return redirect(reverse("case-detail", args=[case.pk]))
