"""Pages of case handling (案件办理): the list, the clue and on-site forms, the case page and its acts.

Every write calls an action of `actions.py` (the law and permissions are there); a page offers the
moves `available(case, user)` allows and shows a refusal (`RuleViolation`, `Conflict`,
`NotPermitted`) as a Chinese message on the form it came from, with what was typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sanxiang.core.errors import SanxiangError

from . import actions as C
from . import forms as F
from . import pages
from .models import CaseStatus, OnSiteActKind, Procedure

PAGE_SIZE = 50
# The states in which the action still accepts parties (do_add_case_party refuses the others);
# the page only uses it not to offer a form the action would refuse.
PARTY_STATES = (CaseStatus.CLUE, CaseStatus.VERIFYING, CaseStatus.FILED, CaseStatus.INVESTIGATING,
                CaseStatus.APPLIED, CaseStatus.SUPPLEMENT_REQUESTED, CaseStatus.ACCEPTED, CaseStatus.REVIEWING)
ENDED = (CaseStatus.CLOSED, CaseStatus.NOT_FILED, CaseStatus.NOT_ACCEPTED, CaseStatus.DEREGISTERED,
         CaseStatus.CANCELLED)
# Kinds whose periods pause through their own moves (行政许可法第四十五条), not the 办案期限 pause form.
OWN_PAUSES = ("licence", "confirmation", "adjudication")


# ---- the list and the new-case forms ----------------------------------------------------------

@login_required
def case_list(request):
    state = request.GET.get("state", "")
    procedure = request.GET.get("procedure", "")
    overdue, mine = request.GET.get("overdue") == "1", request.GET.get("mine") == "1"
    found = pages.cases_for(request.user, state=state if state in CaseStatus.values else "",
                            procedure=procedure if procedure in Procedure.values else "", overdue=overdue,
                            mine=mine)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    units = pages.units_to_open_in(request.user)
    return render(request, "cases/list.html", {
        "page": page, "rows": pages.case_rows(request.user, page.object_list), "state": state,
        "procedure": procedure, "overdue": overdue, "mine": mine, "states": CaseStatus.choices, "procedures": Procedure.choices,
        "may_open": bool(units),
    })


def _opening_units(request):
    units = pages.units_to_open_in(request.user)
    if not units:
        raise PermissionDenied("只有执法人员或科室负责人可以登记线索。")
    return units


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    """登记线索."""
    units = _opening_units(request)
    form = F.ClueForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            unit = form.units[data["unit"]]
            try:
                case = C.do_create_case(unit.agency, unit=unit, kind=data["kind"] or "penalty", source=data["source"],
                                        cause=data["cause"], category=data["category"], clue_on=data["clue_on"],
                                        on_the_spot=data["on_the_spot"], actor=request.user)
            except SanxiangError as exc:
                exc.show_on(form)
                status = exc.status
            else:
                what = "申请" if data["source"] == "application" else "线索"
                messages.success(request, f"已登记{what}。请列明当事人，由负责人指定承办人。")
                return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"title": "登记线索", "form": form, "submit": "登记"}, status=status)


def _opening_choices(request) -> dict:
    """The units the user may open a case in, and those agencies' parties and people to pick from."""
    from sanxiang.parties.queries import parties_for

    units = _opening_units(request)
    agency_ids = {u.agency_id for u in units}
    return {"units": units, "parties": list(parties_for(request.user).filter(agency_id__in=agency_ids)[:500]),
            "people": list(pages.enforcement_staff(agency_ids))}


@login_required
@require_http_methods(["GET", "POST"])
def case_onsite(request):
    """当场处罚 (简易程序)."""
    form = F.OnSiteCaseForm(request.POST or None, **_opening_choices(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            unit = form.units[data["unit"]]
            try:
                case = C.do_create_onsite_case(
                    unit.agency, unit=unit, cause=data["cause"], category=data["category"],
                    party=form.parties[data["party"]], handlers=[form.people[h] for h in data["handlers"]],
                    penalties=data["penalties"], fine=str(data["fine"]) if data["fine"] is not None else None,
                    on=data["on"], actor=request.user)
            except SanxiangError as exc:
                exc.show_on(form)
                status = exc.status
            else:
                messages.success(request, f"已当场立案：{case.number}。")
                return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"title": "当场处罚（简易程序）", "form": form, "submit": "立案"},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request):
    """登记行政检查."""
    from .kinds.inspection import do_create_inspection

    form = F.InspectionForm(request.POST or None, **_opening_choices(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            unit = form.units[data["unit"]]
            try:
                case = do_create_inspection(
                    unit.agency, unit=unit, source=data["source"], cause=data["cause"],
                    party=form.parties[data["party"]], handlers=[form.people[h] for h in data["handlers"]],
                    planned_on=data["planned_on"], actor=request.user)
            except SanxiangError as exc:
                exc.show_on(form)
                status = exc.status
            else:
                messages.success(request, f"已登记行政检查：{case.number}。")
                for warning in case.inspection_warnings:
                    messages.warning(request, warning)
                return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"title": "登记行政检查", "form": form, "submit": "登记"},
                  status=status)


# ---- the case page ----------------------------------------------------------------------------

def _forms(request, case, data, bound):
    """The forms of the case page for this user: the bound one (after a refusal) or fresh ones."""
    user = request.user
    out = {"moves": [], "refused": [], "others": []}
    roles = pages.roles_by_agency(user).get(case.agency_id, set())
    for option in data["options"]:
        if option.allowed:
            form = bound.get(option.action) or F.TransitionForm(option.transition, case=case)
            out["moves"].append({"option": option, "form": form})
        elif not (user.is_superuser or roles & set(option.transition.roles)):
            out["others"].append(option)  # someone else's step: named, not offered
        else:
            out["refused"].append(option)
    open_case = case.status not in ENDED
    may_change = C.may_act(user, "change", case)
    if may_change and case.status in PARTY_STATES:
        out["party"] = bound.get("party") or F.PartyPickForm(parties=pages.party_candidates(user, case)[:200])
    if open_case and C.may_act(user, "assign", case):
        out["handler"] = bound.get("handler") or F.HandlerForm(people=pages.handler_candidates(case))
    if may_change and open_case:
        out["participant"] = bound.get("participant") or F.ParticipantForm()
        out["edit"] = bound.get("edit") or F.CaseEditForm(initial={"cause": case.cause, "facts": case.facts,
                                                                  "discretion": case.discretion})
        if data["active_handlers"]:
            out["onsite"] = bound.get("onsite") or F.OnSiteActForm(handlers=data["active_handlers"],
                                                                       acts=C.onsite_act_choices(case))
            out["recusal"] = bound.get("recusal") or F.RecusalRequestForm(handlers=data["active_handlers"])
    pending_recusals = [r for r in data["recusals"] if r.decision == r.PENDING]
    if pending_recusals and C.may_act(user, "assign", case) and not any(
            h.person.user_id == user.pk for h in data["handlers"]):
        out["decide_recusal"] = {"recusal": pending_recusals[0],
                                 "form": bound.get("decide_recusal") or F.RecusalDecisionForm()}
    handles = any(h.person.user_id == user.pk for h in data["active_handlers"])
    # 提交法制审核 and the opinion are the review section's (review/_case_review.html, the round's page)
    if handles and _revisable(case):  # 修改拟处罚内容 (the API's POST /proposal; decision 0079)
        from .review_gate import proposal_change_problem

        problem = proposal_change_problem(case)
        out["proposal"] = {"problem": problem,
                           "form": None if problem else bound.get("proposal") or F.ProposalForm(case=case)}
    if may_change and (case.decided_on or case.measures.filter(status__in=C.TAKEN_MEASURES).exists()):
        pending_appeal = next((a for a in data["appeals"] if a.pending), None)
        if pending_appeal:
            out["appeal_outcome"] = {"appeal": pending_appeal,
                                     "form": bound.get("appeal_outcome") or F.AppealOutcomeForm()}
        else:
            out["appeal"] = bound.get("appeal") or F.AppealForm(case=case)
        if C.remaking_due(case) and C.may_act(user, "open_case", case.agency):
            out["remake"] = bound.get("remake") or F.RemakeForm()
    if handles and open_case and case.kind not in OWN_PAUSES:
        if any(p.end is None and p.reason in C.PAUSE_REASONS for d in data["deadlines"] for p in d["ob"].pauses.all()):
            out["resume"] = bound.get("resume") or F.ResumeForm()
        else:
            out["pause"] = bound.get("pause") or F.PauseForm()
    return out


def _revisable(case) -> bool:
    """The proposal may be revised now (do_revise_case_proposal's states): 普通程序, 调查终结 or 已告知."""
    return (case.kind in ("penalty", "labour_inspection") and case.procedure == Procedure.GENERAL
            and case.status in (CaseStatus.CONCLUDED, CaseStatus.NOTIFIED))


def _render_case(request, case, bound=None, status=200):
    data = pages.case_page(request.user, case)
    bound = bound or {}
    data["forms"] = _forms(request, case, data, bound)
    for key, form in data["forms"].items():  # several forms on one page: ids kept apart
        form = form.get("form") if isinstance(form, dict) else form
        if hasattr(form, "auto_id"):
            form.auto_id = f"{key}_%s"
    shown = {m["option"].action for m in data["forms"]["moves"]} | set(data["forms"])
    # A refusal on a form this user is not offered (someone else's step, a stale page): said on top.
    data["alerts"] = [e for key, form in bound.items() if key not in shown
                      for errors in form.errors.values() for e in errors]
    return render(request, "cases/detail.html", data, status=status)


render_case = _render_case  # the case page again with a refused form (the review section's submission too)


@login_required
def case_detail(request, pk):
    return _render_case(request, pages.case_for(request.user, pk))


def _seen(request, case):
    """The state and version the form was filled against, so a stale tab gets the Conflict."""
    state = request.POST.get("state")
    if state:
        case.status = state
    version = request.POST.get("version")
    return int(version) if version and version.isascii() and version.isdigit() and len(version) < 10 else None


def _done(request, case, text):
    messages.success(request, text)
    return redirect("cases:detail", pk=case.pk)


@login_required
def case_move(request, pk, action):
    """One move of the case's table, with the inputs of its form."""
    case = pages.case_for(request.user, pk)
    if request.method != "POST":  # after the read: a stranger learns nothing; a reader goes to the case
        return redirect("cases:detail", pk=case.pk)
    options = {o.action: o for o in pages.available(case, request.user)}
    option = options.get(action)
    if option is None:
        transitions = [t for t in pages.table_for(case).transitions if t.action == action]
        if not transitions:
            raise pages.CaseNotFound("该案件没有这一操作。")
        transition = transitions[0]
    else:
        transition = option.transition
    form = F.TransitionForm(transition, request.POST)
    version = _seen(request, case)
    if form.is_valid():
        try:
            C.move_case(case, action, actor=request.user, version=version, **form.params())
        except SanxiangError as exc:
            exc.show_on(form)
            status = exc.status
        else:
            return _done(request, case, f"已{transition.label}。")
    else:
        status = 400
    case.refresh_from_db()
    return _render_case(request, case, {action: form}, status)


def _act(request, pk, key, make_form, perform, done):
    """A non-table act of the case page: validate the form, call the action, show a refusal."""
    case = pages.case_for(request.user, pk)
    if request.method != "POST":
        return redirect("cases:detail", pk=case.pk)
    form = make_form(case)
    version = _seen(request, case)
    if form.is_valid():
        try:
            perform(case, form, version)
        except SanxiangError as exc:
            exc.show_on(form)
            status = exc.status
        else:
            return _done(request, case, done)
    else:
        status = 400
    case.refresh_from_db()
    return _render_case(request, case, {key: form}, status)


@login_required
def case_add_party(request, pk):
    def make(case):
        return F.PartyPickForm(request.POST, parties=pages.party_candidates(request.user, case))

    def perform(case, form, version):
        d = form.cleaned_data
        C.do_add_case_party(case, form.parties[d["party"]], electronic_address=d["electronic_address"],
                            address_consent_on=d["address_consent_on"], actor=request.user)

    return _act(request, pk, "party", make, perform, "已列明当事人。")


@login_required
def case_assign_handler(request, pk):
    def make(case):
        return F.HandlerForm(request.POST, people=pages.handler_candidates(case))

    def perform(case, form, version):
        d = form.cleaned_data
        C.do_assign_case_handler(case, form.people[d["person"]], lead=d["lead"], on=d["on"], actor=request.user)

    return _act(request, pk, "handler", make, perform, "已指定承办人。")


@login_required
def case_add_participant(request, pk):
    def perform(case, form, version):
        C.do_add_case_participant(case, **form.cleaned_data, actor=request.user)

    return _act(request, pk, "participant", lambda case: F.ParticipantForm(request.POST), perform,
                "已登记案件参与人。")


@login_required
def case_record_onsite(request, pk):
    def make(case):
        return F.OnSiteActForm(request.POST, handlers=case.handlers.filter(until__isnull=True)
                               .select_related("person", "certificate"), acts=C.onsite_act_choices(case))

    def perform(case, form, version):
        d = form.cleaned_data
        C.do_record_onsite_act(case, place=d["place"], certificate_numbers=d["certificate_numbers"],
                               told_reason_basis_rights=d["told_reason_basis_rights"],
                               video_recorded=d["video_recorded"], date=d["date"], note=d["note"],
                               act=d["act"] or OnSiteActKind.INSPECTION, actor=request.user)

    return _act(request, pk, "onsite", make, perform, "已记录现场执法。")


@login_required
def case_revise_proposal(request, pk):
    def perform(case, form, version):
        C.do_revise_case_proposal(case, version=version, actor=request.user, **form.params())

    return _act(request, pk, "proposal", lambda case: F.ProposalForm(request.POST, case=case), perform,
                "已修改拟处罚内容。")


@login_required
def case_edit(request, pk):
    def perform(case, form, version):
        C.do_update_case(case, version=version, actor=request.user, **form.cleaned_data)

    return _act(request, pk, "edit", lambda case: F.CaseEditForm(request.POST), perform, "已保存案件信息。")


@login_required
def case_request_recusal(request, pk):
    def make(case):
        return F.RecusalRequestForm(request.POST, handlers=case.handlers.filter(until__isnull=True)
                                    .select_related("person"))

    def perform(case, form, version):
        d = form.cleaned_data
        C.do_request_recusal(case, form.handlers[d["handler"]], requested_by=d["requested_by"], reason=d["reason"],
                             on=d["on"], actor=request.user)

    return _act(request, pk, "recusal", make, perform, "已登记回避申请。")


@login_required
def case_decide_recusal(request, pk):
    def perform(case, form, version):
        from sanxiang.core.errors import Conflict

        from .models import Recusal

        recusal = case.recusals.filter(decision=Recusal.PENDING).order_by("id").first()
        if recusal is None:
            raise Conflict("该回避申请已作出决定，请刷新后查看。")
        d = form.cleaned_data
        C.do_decide_recusal(recusal, granted=d["granted"] == "yes", reason=d["reason"], on=d["on"], actor=request.user)

    return _act(request, pk, "decide_recusal", lambda case: F.RecusalDecisionForm(request.POST), perform,
                "已作出回避决定。")


@login_required
def case_record_appeal(request, pk):
    def perform(case, form, version):
        C.do_record_case_appeal(case, **form.cleaned_data, actor=request.user)

    return _act(request, pk, "appeal", lambda case: F.AppealForm(request.POST, case=case), perform,
                "已登记行政复议或行政诉讼。")


@login_required
def case_decide_appeal(request, pk):
    def perform(case, form, version):
        from sanxiang.core.errors import Conflict

        appeal = case.appeals.filter(outcome="").order_by("-id").first()
        if appeal is None:
            raise Conflict("该行政复议或行政诉讼已登记结果，请刷新后查看。")
        C.do_decide_case_appeal(appeal, **form.cleaned_data, actor=request.user)

    return _act(request, pk, "appeal_outcome", lambda case: F.AppealOutcomeForm(request.POST), perform,
                "已登记复议决定或裁判结果。")


@login_required
def case_remake(request, pk):
    made = []

    def perform(case, form, version):
        made.append(C.do_create_remade_case(case, **form.cleaned_data, actor=request.user))

    response = _act(request, pk, "remake", lambda case: F.RemakeForm(request.POST), perform, "已登记重新作出的案件。")
    return redirect("cases:detail", pk=made[0].pk) if made else response


@login_required
def case_pause(request, pk):
    def perform(case, form, version):
        C.do_pause_case_time_limit(case, **form.cleaned_data, actor=request.user)

    return _act(request, pk, "pause", lambda case: F.PauseForm(request.POST), perform, "期限已中止计算。")


@login_required
def case_resume(request, pk):
    def perform(case, form, version):
        C.do_resume_case_time_limit(case, on=form.cleaned_data["on"], actor=request.user)

    return _act(request, pk, "resume", lambda case: F.ResumeForm(request.POST), perform, "期限已恢复计算。")
