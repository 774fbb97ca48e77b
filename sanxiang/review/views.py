"""The review pages (issue 9 §6): the reviewer desk (审核工作台), a round's page with its material
viewer and forms, the case page's 法制审核 section, and the statistics. Every write calls a `do_*`
action of the procedure; what a form offers is what the table and the policy allow (`available`,
`can`), so a page never offers what the service would refuse, and a refusal comes back in Chinese
with nothing written. Another agency's round is 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sanxiang.access.policy import can, current_roles
from sanxiang.core.errors import SanxiangError
from sanxiang.orgs.models import Role

from . import procedure as P
from . import queries
from .forms import FORM_READY, do_generate_review_form, form_documents
from .models import RoundStatus
from .queries import names_of
from .tracks import CHECKLIST_POINTS, FINDINGS, NOT_APPLICABLE, PROVIDED
from .workflows import assigned_reviewer


def _people(agency, role, on=None) -> list[dict]:
    from django.contrib.auth import get_user_model

    from sanxiang.orgs.models import RoleAssignment

    on = on or timezone.localdate()
    ids = (RoleAssignment.objects.filter(agency=agency, role=role, active=True, valid_from__lte=on)
           .exclude(valid_to__lt=on).values_list("user_id", flat=True))
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("id"))
    names = names_of(users)
    return [{"id": u.pk, "name": names[u.pk]} for u in users]


def _round_or_404(user, pk):
    found = queries.round_for(user, pk)
    if found is None:
        raise Http404("没有找到该法制审核。")
    return found


def _track(rnd):
    try:
        return P.track_of_round(rnd)
    except SanxiangError:
        return None


def _options(rnd, user) -> dict:
    from sanxiang.workflow import available

    return {o.action: o for o in available(rnd, user) if can(user, o.action, rnd)}


def _supplements(rnd) -> list:
    """The round's supplement requests, each with the items asked for by their labels."""
    labels = {m["code"]: m["label"] for m in rnd.materials}
    found = list(rnd.supplements.all())
    for s in found:
        s.items_label = "、".join(labels.get(code, code) for code in s.items)
    return found


def _checklist_rows(rnd) -> list[dict]:
    findings = dict(FINDINGS)
    return [{"code": code, "label": label, "finding": (rnd.checklist.get(code) or {}).get("finding", ""),
             "finding_label": findings.get((rnd.checklist.get(code) or {}).get("finding"), "未记录"),
             "note": (rnd.checklist.get(code) or {}).get("note", "")} for code, label in CHECKLIST_POINTS]


def round_view(user, rnd) -> dict:
    """What a round's page and the case page show of one round, and the forms this user gets."""
    case = rnd.review.case
    track = _track(rnd)
    options = _options(rnd, user)
    is_reviewer = assigned_reviewer(rnd, user) is None
    signoffs = []
    from .forms import signoffs_of

    signoffs = signoffs_of(rnd)
    opinion = None
    if "agree" in options or "send_back" in options:
        move = options.get("agree") or options.get("send_back")
        opinion = {"allowed": any(o.allowed for a, o in options.items() if a in ("agree", "send_back")),
                   "mine": is_reviewer,
                   "reason": move.reason, "kinds": track.opinion_kinds if track else [],
                   "grounds": track.return_grounds if track else []}
    may_extend = (rnd.status in P.OPEN_ROUND and rnd.due is not None and can(user, "extend", rnd)
                  and track is not None and bool(track.extension_approver))
    documents = list(form_documents(rnd)) if can(user, "view", case) else []
    names = names_of([rnd.reviewer, rnd.submitted_by])
    chain, sign = _chain(rnd, user)
    return {
        "round": rnd, "case": case, "track": track, "reviewer_name": names.get(rnd.reviewer_id, ""),
        "submitted_name": names.get(rnd.submitted_by_id) or "",
        "checklist": _checklist_rows(rnd), "supplements": _supplements(rnd), "signoffs": signoffs,
        "assign": options.get("assign"), "reviewers": _people(case.agency, Role.REVIEWER) if "assign" in options else [],
        "request_supplement": options.get("request_supplement"), "supplement": options.get("supplement"),
        "withdraw": options.get("withdraw"),
        "may_record_checklist": rnd.status == RoundStatus.IN_REVIEW and is_reviewer and can(user, "record_checklist", rnd),
        "opinion": opinion, "may_extend": may_extend,
        "approvers": _people(case.agency, Role.AGENCY_LEADER) if may_extend else [],
        "documents": documents,
        "may_make_form": rnd.status in FORM_READY and can(user, "generate_documents", case),
        "findings": FINDINGS, "chain": chain, "sign": sign, "flow_problem": _flow_problem(rnd),
        "discussions": list(rnd.discussions.order_by("held_on", "id")), "discuss": _discussion_form(rnd, user),
    }


def _discussion_form(rnd, user):
    """集体讨论 (株洲): offered on the review's latest round when the rules or a disagreement send it
    there (`flow.discussion_grounds`) to those who record it; the leaders offered are the agency's."""
    from .flow import disagreement_procedure, discussion_grounds
    from .models_flow import Outcome, Position

    review = rnd.review
    if rnd.status not in (RoundStatus.AGREED, RoundStatus.RETURNED) or not can(user, "record_disagreement", review):
        return None
    if review.rounds.order_by("-number").values_list("pk", flat=True).first() != rnd.pk:
        return None
    if disagreement_procedure(review, rnd.submitted_on) == "leadership_decision" and rnd.status == RoundStatus.RETURNED:
        return None  # 人社: negotiate first, then the leaders' decision (not built as a page)
    grounds = discussion_grounds(review, rnd)
    if not grounds:
        return None
    return {"grounds": grounds, "leaders": _people(review.case.agency, Role.AGENCY_LEADER),
            "outcomes": Outcome.choices, "positions": Position.choices}


def _chain(rnd, user):
    """The round's sign-off chain (签批) step by step, and the next step when this user is the one
    the chain names for it (flow.signer_problem: the service's own rule)."""
    from .flow import ENDED_BADLY, chain_state, signer_problem

    state = chain_state(rnd)
    if rnd.status in ENDED_BADLY and all(s["signoff"] is None for s in state):
        return [], None  # a round returned before anyone signed: no chain to show
    names = names_of([s["signoff"].signer for s in state if s["signoff"] is not None])
    chain = [{"label": s["label"], "signoff": s["signoff"],
              "name": names.get(s["signoff"].signer_id, "") if s["signoff"] is not None else ""} for s in state]
    nxt = next((s for s in state if s["signoff"] is None), None)
    if nxt is None or rnd.status in ENDED_BADLY or signer_problem(nxt, rnd, user, timezone.localdate()):
        return chain, None
    if nxt.get("review") and rnd.status != RoundStatus.AGREED:
        return chain, None  # the reviewer signs after an agreeing opinion; a disagreeing one returns the round
    return chain, {"code": nxt["code"], "label": nxt["label"], "review": bool(nxt.get("review"))}


def _flow_problem(rnd) -> str:
    from .flow import flow_problem

    if rnd.status != RoundStatus.AGREED:
        return ""
    return flow_problem(rnd) or ""


# ---- the desk -----------------------------------------------------------------------------------

@login_required
def desk(request):
    """审核工作台: the open rounds by due date, yellow and red."""
    if not current_roles(request.user).filter(role__in=(Role.REVIEWER, Role.AGENCY_LEADER, Role.UNIT_HEAD)).exists() \
            and not request.user.is_superuser:
        raise PermissionDenied("审核工作台供法制审核人员、单位领导和科室负责人使用。")
    rows = queries.desk_queue(request.user)
    signing = queries.awaiting_signoff(request.user)
    return render(request, "review/desk.html", {"rows": rows, "signing": signing,
                                                "returned": queries.returned_to_unit(request.user)})


@login_required
def round_page(request, pk):
    rnd = _round_or_404(request.user, pk)
    from sanxiang.retrieval.queries import records_of

    view = round_view(request.user, rnd)
    view["records"] = records_of(request.user, rnd.review.case) if can(request.user, "view", rnd.review.case) else []
    view["self_view"] = view
    return render(request, "review/round.html", view)


def _back(rnd, anchor=""):
    return redirect(reverse("review:round", args=[rnd.pk]) + anchor)


def _act(request, rnd, run, done: str):
    try:
        run()
    except SanxiangError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


@login_required
def round_act(request, pk, act):
    """One POST per act of a round; each calls the procedure's action."""
    rnd = _round_or_404(request.user, pk)
    if request.method != "POST":
        return _back(rnd)
    post, user = request.POST, request.user
    if act == "assign":
        from django.contrib.auth import get_user_model

        reviewer = get_user_model().objects.filter(pk=_int(post.get("reviewer"))).first()
        _act(request, rnd, lambda: P.do_assign_reviewer(rnd, reviewer=reviewer, actor=user, on=post.get("on")),
             "已确定审核人员。")
    elif act == "checklist":
        points = {code: {"finding": post.get(f"finding-{code}", ""), "note": post.get(f"note-{code}", "")}
                  for code, _ in CHECKLIST_POINTS if post.get(f"finding-{code}")}
        _act(request, rnd, lambda: P.do_record_checklist(rnd, points=points, actor=user), "审核要点已记录。")
    elif act == "opinion":
        _act(request, rnd, lambda: P.do_record_opinion(rnd, kind=post.get("opinion_kind", ""), text=post.get("text", ""),
                                                      return_grounds=post.getlist("return_grounds"), actor=user,
                                                      on=post.get("on")), "审核意见已提出。")
    elif act == "request-supplement":
        _act(request, rnd, lambda: P.do_request_supplement(rnd, items=post.getlist("items"),
                                                          supplement_by=post.get("supplement_by", ""),
                                                          note=post.get("note", ""), actor=user, on=post.get("on")),
             "已退回承办机构补充材料，审核期限暂停计算。")
    elif act == "supplement":
        _act(request, rnd, lambda: P.do_supplement_materials(rnd, materials=_materials(post), actor=user,
                                                            on=post.get("on")), "材料已补交，审核期限恢复计算。")
    elif act == "extend":
        from django.contrib.auth import get_user_model

        approver = get_user_model().objects.filter(pk=_int(post.get("approver"))).first()
        _act(request, rnd, lambda: P.do_extend_review(rnd, count=_int(post.get("count")), approver=approver,
                                                     reason=post.get("reason", ""), actor=user, on=post.get("on")),
             "审核期限已延长。")
    elif act == "withdraw":
        _act(request, rnd, lambda: P.do_withdraw_review(rnd, reason=post.get("reason", ""), actor=user,
                                                       on=post.get("on")), "已撤回送审。")
    elif act == "sign":
        from .flow import do_sign_off

        approved = post.get("approved")
        _act(request, rnd, lambda: do_sign_off(rnd, post.get("step", ""), approved={"yes": True, "no": False}.get(approved),
                                               opinion=post.get("opinion", ""), on=post.get("on") or None, actor=user),
             "已签批。")
    elif act == "discuss":
        from .flow import do_record_collective_discussion

        attendees = [{"user": uid, "position": post.get(f"position-{uid}", ""), "text": post.get(f"text-{uid}", "")}
                     for uid in (_int(v) for v in post.getlist("attendees")) if uid is not None]
        _act(request, rnd, lambda: do_record_collective_discussion(
            rnd.review, held_on=post.get("held_on") or None, attendees=attendees, outcome=post.get("outcome", ""),
            minutes=post.get("minutes", ""), actor=user), "集体讨论已记录。")
    elif act == "form":
        _act(request, rnd, lambda: do_generate_review_form(rnd, actor=user), "审核表已生成，PDF 正在后台生成。")
    else:
        raise Http404("没有这项操作。")
    return _back(rnd)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _materials(post) -> dict:
    """The materials form: each item's state (提交 / 不适用); an unticked item is left out (missing)."""
    found = {}
    for key, value in post.items():
        if key.startswith("material-") and value in (PROVIDED, NOT_APPLICABLE):
            found[key.removeprefix("material-")] = value
    return found


# ---- the case page -------------------------------------------------------------------------------

def case_section(request, case) -> dict:
    """The case page's 法制审核 section: whether review is required and why, every review and round,
    the submission form for those who may submit."""
    user = request.user
    reviews = queries.case_reviews(user, case)
    for item in reviews:
        item["rounds"] = [round_view(user, r) for r in item["rounds"]]
        item["latest"] = item["rounds"][-1] if item["rounds"] else None
    submit = None
    if can(user, "submit_review", case) and P.submission_state_problem(case, case.kind) is None:
        open_ = any(r["latest"] and r["latest"]["round"].status in P.OPEN_ROUND for r in reviews)
        try:
            track = P.track_of_case(case, case.kind)
        except SanxiangError:
            track = None
        if track is not None and not open_:
            submit = {"track": track, "again": bool(reviews)}
    return {"requirement": queries.requirement(case), "reviews": reviews, "submit": submit,
            "show": bool(reviews or submit or case.kind in ("penalty", "labour_inspection", "licence"))}


@login_required
def submit(request, pk):
    """提交法制审核 / 重新提交 from the case page."""
    from sanxiang.cases import pages as case_pages

    case = case_pages.case_for(request.user, pk)
    url = reverse("cases:detail", args=[case.pk]) + "#case-review"
    if request.method != "POST":
        return redirect(url)
    try:
        rnd = P.do_submit_review(case, materials=_materials(request.POST), note=request.POST.get("note", ""),
                                 actor=request.user, on=request.POST.get("on"))
    except SanxiangError as exc:
        messages.error(request, f"未能提交法制审核：{exc.message}")
    else:
        messages.success(request, f"已提交法制审核（第{rnd.number}轮）。")
    return redirect(url)


# ---- statistics -----------------------------------------------------------------------------------

def _period(request):
    def day(name):
        value = request.GET.get(name) or ""
        try:
            return dt.date.fromisoformat(value) if value else None
        except ValueError:
            return "bad"
    return day("from"), day("to")


@login_required
def statistics(request):
    if not queries.may_see_statistics(request.user) and not request.user.is_superuser:
        raise PermissionDenied("法制审核统计供科室负责人、单位领导、法制审核人员和执法监督人员查看。")
    start, end = _period(request)
    problem = ""
    if "bad" in (start, end):
        problem, start, end = "日期格式应为 YYYY-MM-DD，已显示全部时间的统计。", None, None
    rows = queries.statistics(request.user, start=start, end=end)
    return render(request, "review/statistics.html", {"rows": rows, "start": start, "end": end, "problem": problem})
