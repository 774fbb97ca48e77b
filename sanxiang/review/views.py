"""The review pages (issue 9 §6): the reviewer desk (审核工作台), a round's page with its material
viewer and forms, the case page's 法制审核 section, and the statistics. Every write calls a `do_*`
action of the procedure; what a form offers is what the table and the policy allow (`available`,
`can`), so a page never offers what the service would refuse, and a refusal comes back in Chinese
beside its field, with what was typed and nothing written (`PostedForm`). The round's page also holds
协商沟通, 局领导研究决定, 征求意见 and 审核调查 (`flow.py`); a consultation has its own page for the
consulted person's answer. Another agency's round is 404.
"""

from __future__ import annotations

import datetime as dt

from django import forms
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
from .forms import FORM_READY, do_generate_review_form, form_documents, proposal_text
from .models import RoundStatus
from .queries import names_of
from .tracks import CHECKLIST_POINTS, FINDINGS, NOT_APPLICABLE, PROVIDED
from .workflows import assigned_reviewer

# ---- one rule for a refused form --------------------------------------------------------------
#
# Every form of the review pages is a `PostedForm` bound with request.POST. The form itself checks
# nothing (the `do_*` action holds the rules, never repeated here): when the action refuses, its
# Chinese message goes beside the field it names (`SanxiangError.show_on`, as the cases pages do),
# the page is rendered again with what was typed and the refusal's status (400, 403, 409); a
# refusal on a form the page does not offer this user is said on top. Success redirects.

FIELDS = {
    # act: the names of its fields, the action's `field=` names where they are the same
    "assign": ("reviewer", "on"),
    "checklist": ("points",),
    "opinion": ("opinion_kind", "return_grounds", "text", "on"),
    "request-supplement": ("items", "supplement_by", "note", "on"),
    "supplement": ("materials", "on"),
    "extend": ("count", "approver", "reason", "on", "discussion"),
    "withdraw": ("reason", "on"),
    "sign": ("step", "approved", "opinion", "on"),
    "discuss": ("held_on", "attendees", "outcome", "minutes"),
    "form": (),
    "negotiate": ("held_on", "participants", "agreed", "text"),
    "leadership": ("handling_opinion", "review_opinion", "decided_on", "deciders", "outcome", "text"),
    "consult": ("expertise", "name", "organisation", "user", "access_until", "question", "on"),
    "inquiry": ("kind", "held_on", "persons", "content", "record"),
    "answer": ("opinion", "on"),
    "submit": ("materials", "note", "on"),
}


class PostedForm(forms.Form):
    """A review page's form bound with what was posted; errors come from the action."""

    def __init__(self, act: str, data=None):
        super().__init__(data)
        self.act = act
        for name in FIELDS[act]:
            self.fields[name] = forms.CharField(required=False)


def refuse(form: PostedForm, exc: SanxiangError) -> int:
    """Put the action's refusal on the form (beside its field) and give the page's status."""
    exc.show_on(form)
    return exc.status


def alerts_of(bound: dict, offered: set) -> list[str]:
    """The messages of refused forms this page does not show the user (someone else's step, a stale tab)."""
    return [e for act, form in bound.items() if act not in offered for errs in form.errors.values() for e in errs]


def _form_makeable(rnd) -> bool:
    """生成审核表 is offered when the round has no form yet, or its form was issued (a later sign-off makes
    a correction); not while one waits or is generated but not issued (the documents app refuses it)."""
    from sanxiang.documents.models import DocumentStatus

    existing = form_documents(rnd).exclude(status=DocumentStatus.FAILED).first()
    return existing is None or existing.status == DocumentStatus.ISSUED


def _people(agency, role, on=None) -> list[dict]:
    from django.contrib.auth import get_user_model

    from sanxiang.orgs.models import RoleAssignment

    on = on or timezone.localdate()
    ids = (RoleAssignment.objects.filter(agency=agency, role=role, active=True, valid_from__lte=on)
           .exclude(valid_to__lt=on).values_list("user_id", flat=True))
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("id"))
    names = names_of(users)
    return [{"id": u.pk, "name": names[u.pk]} for u in users]


def _reviewers(case) -> list[dict]:
    """The agency's 法制审核人员 in force today who do not handle the case (the action checks the rest)."""
    from sanxiang.cases.pages import reviewers_of

    users = list(reviewers_of(case))
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


def round_view(user, rnd, bound=None) -> dict:
    """What a round's page and the case page show of one round, and the forms this user gets
    (`bound`: a refused form by its act, shown again with what was typed)."""
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
    view = {
        "round": rnd, "case": case, "track": track, "reviewer_name": names.get(rnd.reviewer_id, ""),
        "proposal_text": proposal_text(case, rnd.proposal),
        "submitted_name": names.get(rnd.submitted_by_id) or "",
        "checklist": _checklist_rows(rnd), "supplements": _supplements(rnd), "signoffs": signoffs,
        "assign": options.get("assign"), "reviewers": _reviewers(case) if "assign" in options else [],
        "request_supplement": options.get("request_supplement"), "supplement": options.get("supplement"),
        "withdraw": options.get("withdraw"),
        "may_record_checklist": rnd.status == RoundStatus.IN_REVIEW and is_reviewer and can(user, "record_checklist", rnd),
        "opinion": opinion, "may_extend": may_extend,
        "approvers": _people(case.agency, Role.AGENCY_LEADER) if may_extend else [],
        "extension_discussion": _extension_discussion_form(rnd, track) if may_extend else None,
        "documents": documents,
        "may_make_form": rnd.status in FORM_READY and can(user, "generate_documents", case) and _form_makeable(rnd),
        "findings": FINDINGS, "chain": chain, "sign": sign, "flow_problem": _flow_problem(rnd),
        "discussions": list(rnd.discussions.order_by("held_on", "id")), "discuss": _discussion_form(rnd, user),
        **_disagreement_view(rnd, user), **_consultation_view(rnd, user, is_reviewer),
    }
    offered = {act for act, shown in (
        ("assign", view["assign"] and view["assign"].allowed), ("checklist", view["may_record_checklist"]),
        ("opinion", opinion and opinion["mine"]),
        ("request-supplement", view["request_supplement"] and view["request_supplement"].allowed),
        ("supplement", view["supplement"] and view["supplement"].allowed), ("extend", may_extend),
        ("withdraw", view["withdraw"] and view["withdraw"].allowed), ("sign", sign), ("discuss", view["discuss"]),
        ("form", view["may_make_form"]), ("negotiate", view["negotiate"]), ("leadership", view["leadership"]),
        ("consult", view["consult"]), ("inquiry", view["inquiry"])) if shown}
    bound = bound or {}
    view["bound"] = {act.replace("-", "_"): form for act, form in bound.items() if act in offered}
    view["alerts"] = alerts_of(bound, offered)
    view["offered"] = offered
    return view


def _latest(rnd) -> bool:
    return rnd.review.rounds.order_by("-number").values_list("pk", flat=True).first() == rnd.pk


def _disagreement_view(rnd, user) -> dict:
    """协商沟通 and 局领导研究决定 (乌鲁木齐人社 三（三）4.(3); 协商 also before a "coordination" agency's
    集体讨论): what was recorded, the forms this user may use now, and who acts when he may not.
    Offered by the state the actions ask and the policy; the actions decide (flow.py)."""
    from sanxiang.ledger.registry import action_label

    from .flow import _failed_negotiation, disagreement_procedure
    from .models_flow import Outcome, Position

    review = rnd.review
    negotiations = list(rnd.negotiations.order_by("held_on", "id"))
    decisions = list(rnd.leadership_decisions.order_by("decided_on", "id"))
    out = {"negotiations": negotiations, "leadership_decisions": decisions, "negotiate": None, "leadership": None,
           "flow_waiting": []}
    if rnd.status != RoundStatus.RETURNED or not _latest(rnd):
        return out
    procedure = disagreement_procedure(review, rnd.submitted_on)
    if procedure == "collective_discussion":
        return out  # 株洲: a disagreement goes to 集体讨论 (the discuss form)
    if can(user, "negotiate", rnd):
        out["negotiate"] = {"label": action_label("record_review_negotiation")}
    else:
        out["flow_waiting"].append(f"{action_label('record_review_negotiation')}：由本案承办机构的人员或法制审核人员记录")
    if procedure != "leadership_decision":
        return out
    failed = _failed_negotiation(rnd)
    who = f"由{review.case.agency.name}的法制审核人员或单位领导记录"
    if failed is None:
        out["flow_waiting"].append(f"{action_label('record_leadership_decision')}：须先协商沟通，协商仍达不成一致的，"
                                   f"将双方意见报局领导研究决定（{who}）")
    elif can(user, "record_disagreement", review):
        out["leadership"] = {"label": action_label("record_leadership_decision"), "negotiation": failed,
                             "review_opinion": "：".join(x for x in (rnd.opinion_label, rnd.opinion_text) if x),
                             "leaders": [{**p, "position_name": f"decider-position-{p['id']}"}
                                         for p in _people(review.case.agency, Role.AGENCY_LEADER)],
                             "outcomes": Outcome.choices, "positions": Position.choices}
    else:
        out["flow_waiting"].append(f"{action_label('record_leadership_decision')}：{who}")
    return out


def _consultation_view(rnd, user, is_reviewer: bool) -> dict:
    """征求意见 (公职律师、法律顾问、专家 of the profile, with time-limited access) and 审核调查 (where the
    profile lets the reviewer inquire): what was recorded, and the forms for the round's reviewer."""
    from sanxiang.ledger.registry import action_label

    from .flow import _access_limit, _profile_value
    from .models_flow import InquiryKind

    agency = rnd.review.case.agency
    consultations = list(rnd.consultations.order_by("asked_on", "id"))
    out = {"consultations": consultations, "inquiries": list(rnd.inquiries.order_by("held_on", "id")),
           "consult": None, "inquiry": None, "consult_waiting": []}
    if rnd.status != RoundStatus.IN_REVIEW:
        return out
    if not (is_reviewer and can(user, "consult", rnd)):
        out["consult_waiting"].append(f"{action_label('consult_on_review')}、{action_label('record_review_inquiry')}："
                                      "由本轮的审核人员办理")
        return out
    expertise = _profile_value(agency, "review.outside_expertise") or []
    if expertise:
        out["consult"] = {"label": action_label("consult_on_review"), "expertise": expertise,
                          "limit": _access_limit(rnd)}
    else:
        out["consult_waiting"].append(f"{action_label('consult_on_review')}：{agency.name}的规定未列可征求意见的外部专业人员")
    if _profile_value(agency, "review.reviewer_may_inquire_party"):
        from sanxiang.documents.models import Document

        out["inquiry"] = {"label": action_label("record_review_inquiry"), "kinds": InquiryKind.choices,
                          "records": list(Document.objects.restrict(user).filter(case=rnd.review.case).order_by("id"))}
    else:
        out["consult_waiting"].append(f"{action_label('record_review_inquiry')}：按{agency.name}的规定，"
                                      "审核人员以书面审核为主，不向当事人调查")
    return out


def _discussion_form(rnd, user):
    """集体讨论 (株洲): offered on a round that binds its decision (`flow.discussable_rounds`: of a coercion or
    licence review, each measure's or later decision's own) when the rules or a disagreement send it
    there (`flow.discussion_grounds`) to those who record it; the leaders offered are the agency's."""
    from .flow import disagreement_procedure, discussable_rounds, discussion_grounds
    from .models_flow import Outcome, Position

    review = rnd.review
    if rnd.status not in (RoundStatus.AGREED, RoundStatus.RETURNED) or not can(user, "record_disagreement", review):
        return None
    if rnd.pk not in {r.pk for r in discussable_rounds(review)}:  # the round its decision's gate reads (0075)
        return None
    if disagreement_procedure(review, rnd.submitted_on) == "leadership_decision" and rnd.status == RoundStatus.RETURNED:
        return None  # 人社: negotiate first, then the leaders' decision (not built as a page)
    grounds = discussion_grounds(review, rnd)
    if not grounds:
        return None
    agency = review.case.agency
    leaders = [{**p, "position_name": f"position-{p['id']}"} for p in _people(agency, Role.AGENCY_LEADER)]
    blocked = None
    if len(leaders) < 2:  # the quorum (flow.do_record_collective_discussion) can never be met: say so
        blocked = (f"{agency.name}现有单位领导 {len(leaders)} 名，集体讨论须有不少于 2 名负责人出席，"
                   "目前无法记录集体讨论：请本单位管理员为其他负责人设置“单位领导”角色。")
    return {"grounds": grounds, "leaders": leaders, "blocked": blocked,
            "outcomes": Outcome.choices, "positions": Position.choices}


def _extension_discussion_form(rnd, track):
    """The 负责人集体讨论 an extension after the first needs where the track says so
    (`further_extensions_by_discussion`, decision 0057): the leaders to tick with their positions; None
    when the next extension needs none."""
    from .models_flow import Position

    ob = P._clock(rnd)
    if track is None or not track.further_extensions_by_discussion or ob is None or not ob.extensions.exists():
        return None
    leaders = [{**p, "position_name": f"discussion-position-{p['id']}"}
               for p in _people(rnd.review.case.agency, Role.AGENCY_LEADER)]
    return {"leaders": leaders, "positions": Position.choices}


def _posted_extension_discussion(post) -> dict | None:
    """The extension's discussion as posted (None: none was filled in — the action says when one is needed)."""
    ids = [uid for uid in (_int(v) for v in post.getlist("discussion_attendees")) if uid is not None]
    held_on, minutes = post.get("discussion_held_on", ""), post.get("discussion_minutes", "")
    if not (ids or held_on or minutes.strip()):
        return None
    return {"held_on": held_on or None, "minutes": minutes,
            "attendees": [{"user": uid, "position": post.get(f"discussion-position-{uid}", ""),
                           "text": post.get(f"discussion-text-{uid}", "")} for uid in ids]}


def _said(signoff) -> str:
    """A sign-off as read: its opinion, with the verdict first unless the opinion already says it
    ("同意。", not "同意，同意。")."""
    if signoff is None:
        return ""
    verdict = "同意" if signoff.approved else "不同意"
    opinion = (signoff.opinion or "").strip()
    if opinion.startswith(verdict) and not (signoff.approved and opinion.startswith("不同意")):
        return opinion
    return f"{verdict}，{opinion}" if opinion else verdict


def _chain(rnd, user):
    """The round's sign-off chain (签批) step by step, and the next step when this user is the one
    the chain names for it (flow.signer_problem: the service's own rule)."""
    from .flow import ENDED_BADLY, chain_state, signer_problem

    state = chain_state(rnd)
    if rnd.status in ENDED_BADLY and all(s["signoff"] is None for s in state):
        return [], None  # a round returned before anyone signed: no chain to show
    names = names_of([s["signoff"].signer for s in state if s["signoff"] is not None])
    chain = [{"label": s["label"], "signoff": s["signoff"], "said": _said(s["signoff"]),
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
    return _render_round(request, _round_or_404(request.user, pk))


def _render_round(request, rnd, bound=None, status=200):
    from sanxiang.retrieval.queries import records_of

    view = round_view(request.user, rnd, bound)
    view["records"] = records_of(request.user, rnd.review.case) if can(request.user, "view", rnd.review.case) else []
    view["self_view"] = view
    return render(request, "review/round.html", view, status=status)


def _back(rnd, anchor=""):
    return redirect(reverse("review:round", args=[rnd.pk]) + anchor)


def _split_names(value: str) -> list[str]:
    """参加人员 typed one a line or separated by 、，, (the action checks them)."""
    import re

    return [p.strip() for p in re.split(r"[\n、，,；;]+", value or "") if p.strip()]


def _user_named(username: str):
    """The consulted person's account by its login name (none typed: no account)."""
    from django.contrib.auth import get_user_model

    from sanxiang.core.errors import RuleViolation

    username = (username or "").strip()
    if not username:
        return None
    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        raise RuleViolation(f"没有登录名为“{username}”的账号；没有账号的人员不填。", field="user")
    return found


def _run(act: str, rnd, post, user):
    """The `do_*` action of one act of a round, with what was posted; returns the success message."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if act == "assign":
        reviewer = users.filter(pk=_int(post.get("reviewer"))).first()
        P.do_assign_reviewer(rnd, reviewer=reviewer, actor=user, on=post.get("on"))
        return "已确定审核人员。"
    if act == "checklist":
        points = {code: {"finding": post.get(f"finding-{code}", ""), "note": post.get(f"note-{code}", "")}
                  for code, _ in CHECKLIST_POINTS if post.get(f"finding-{code}")}
        P.do_record_checklist(rnd, points=points, actor=user)
        return "审核要点已记录。"
    if act == "opinion":
        P.do_record_opinion(rnd, kind=post.get("opinion_kind", ""), text=post.get("text", ""),
                            return_grounds=post.getlist("return_grounds"), actor=user, on=post.get("on"))
        return "审核意见已提出。"
    if act == "request-supplement":
        P.do_request_supplement(rnd, items=post.getlist("items"), supplement_by=post.get("supplement_by", ""),
                                note=post.get("note", ""), actor=user, on=post.get("on"))
        return "已退回承办机构补充材料，审核期限暂停计算。"
    if act == "supplement":
        P.do_supplement_materials(rnd, materials=_materials(post), actor=user, on=post.get("on"))
        return "材料已补交，审核期限恢复计算。"
    if act == "extend":
        approver = users.filter(pk=_int(post.get("approver"))).first()
        P.do_extend_review(rnd, count=_int(post.get("count")), approver=approver, reason=post.get("reason", ""),
                           actor=user, on=post.get("on"), discussion=_posted_extension_discussion(post))
        return "审核期限已延长。"
    if act == "withdraw":
        P.do_withdraw_review(rnd, reason=post.get("reason", ""), actor=user, on=post.get("on"))
        return "已撤回送审。"
    from . import flow as F

    if act == "sign":
        F.do_sign_off(rnd, post.get("step", ""), approved={"yes": True, "no": False}.get(post.get("approved")),
                      opinion=post.get("opinion", ""), on=post.get("on") or None, actor=user)
        return "已签批。"
    if act == "discuss":
        attendees = [{"user": uid, "position": post.get(f"position-{uid}", ""), "text": post.get(f"text-{uid}", "")}
                     for uid in (_int(v) for v in post.getlist("attendees")) if uid is not None]
        F.do_record_collective_discussion(rnd.review, held_on=post.get("held_on") or None, attendees=attendees,
                                          outcome=post.get("outcome", ""), minutes=post.get("minutes", ""), actor=user,
                                          round=rnd.number)
        return "集体讨论已记录。"
    if act == "negotiate":
        F.do_record_negotiation(rnd, held_on=post.get("held_on") or None,
                                participants=_split_names(post.get("participants", "")),
                                agreed={"yes": True, "no": False}.get(post.get("agreed")),
                                text=post.get("text", ""), actor=user)
        return "协商沟通已记录。"
    if act == "leadership":
        F.do_record_leadership_decision(
            rnd.review, handling_opinion=post.get("handling_opinion", ""), review_opinion=post.get("review_opinion", ""),
            decided_on=post.get("decided_on") or None,
            deciders=[{"user": uid, "position": post.get(f"decider-position-{uid}", ""),
                       "text": post.get(f"decider-text-{uid}", "")}
                      for uid in (_int(v) for v in post.getlist("deciders")) if uid is not None],
            outcome=post.get("outcome", ""), text=post.get("text", ""), actor=user, round=rnd.number)
        return "局领导研究决定已记录。"
    if act == "consult":
        F.do_consult(rnd, expertise=post.get("expertise", ""), name=post.get("name", ""),
                     question=post.get("question", ""), organisation=post.get("organisation", ""),
                     user=_user_named(post.get("user")), access_until=post.get("access_until") or None,
                     on=post.get("on") or None, actor=user)
        return "已征求意见。"
    if act == "inquiry":
        record = None
        if post.get("record"):
            from sanxiang.documents.models import Document

            record = Document.objects.restrict(user).filter(pk=_int(post.get("record"))).first()
        F.do_record_inquiry(rnd, kind=post.get("kind", ""), held_on=post.get("held_on") or None,
                            persons=post.get("persons", ""), content=post.get("content", ""), record=record,
                            actor=user)
        return "审核调查已记录。"
    if act == "form":
        do_generate_review_form(rnd, actor=user)
        return "审核表已生成，PDF 正在后台生成。"
    raise Http404("没有这项操作。")


@login_required
def round_act(request, pk, act):
    """One POST per act of a round; each calls one `do_*` action. A refusal renders the page again
    with what was typed and the message beside its field (`PostedForm`)."""
    rnd = _round_or_404(request.user, pk)
    if act not in FIELDS or act in ("answer", "submit"):
        raise Http404("没有这项操作。")
    if request.method != "POST":
        return _back(rnd)
    form = PostedForm(act, request.POST)
    form.is_valid()
    try:
        done = _run(act, rnd, request.POST, request.user)
    except SanxiangError as exc:
        status = refuse(form, exc)
        return _render_round(request, _round_or_404(request.user, pk), {act: form}, status)
    messages.success(request, done)
    return _back(rnd)


# ---- a consultation: the consulted person's answer -------------------------------------------------

@login_required
def consultation_page(request, pk):
    """征求意见: the question, who asked, the access granted, and the answer form for the consulted
    account or the round's reviewer (`do_record_consultation_opinion`). Others who may read it see it."""
    from sanxiang.access.policy import restrict

    from .flow import OPEN
    from .models_flow import Consultation

    found = restrict(Consultation.objects.select_related("round__review__case__agency"), request.user).filter(
        pk=_int(pk) or 0).first()
    if found is None:
        raise Http404("没有找到该征求意见。")
    rnd = found.round
    own = found.user_id is not None and found.user_id == request.user.pk
    may_answer = found.opinion_on is None and rnd.status in OPEN and (own or rnd.reviewer_id == request.user.pk)
    form, status = None, 200
    if request.method == "POST":
        from .flow import do_record_consultation_opinion

        form = PostedForm("answer", request.POST)
        form.is_valid()
        try:
            do_record_consultation_opinion(found, opinion=request.POST.get("opinion", ""),
                                           on=request.POST.get("on") or None, actor=request.user)
        except SanxiangError as exc:
            status = refuse(form, exc)
        else:
            messages.success(request, "意见已记录。")
            return redirect(reverse("review:consultation", args=[found.pk]))
    names = names_of([found.asked_by])
    return render(request, "review/consultation.html", {
        "c": found, "round": rnd, "case": rnd.review.case, "asked_by_name": names.get(found.asked_by_id, ""),
        "may_answer": may_answer, "may_read_round": queries.round_for(request.user, rnd.pk) is not None,
        "b": form, "alerts": [] if may_answer or form is None else [e for errs in form.errors.values() for e in errs]},
        status=status)


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
    the submission form for those who may submit (`request.review_submit`: a refused one, as typed)."""
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
    bound = getattr(request, "review_submit", None)
    if submit is not None:
        submit["b"] = bound
    later = later_submissions(user, case, reviews)
    return {"alerts": [e for errs in bound.errors.values() for e in errs] if bound is not None and submit is None else [],
            "requirement": queries.requirement(case), "reviews": reviews, "submit": submit, "later": later,
            "show": bool(reviews or submit or later or case.kind in ("penalty", "labour_inspection", "licence"))}


def later_submissions(user, case, reviews) -> list[dict]:
    """The later decisions (变更、延续、撤销、注销许可; 查封扣押财物的处理决定) the case can make now and the
    catalogue requires a review of, each with its track — offered while the kind's review has no open round."""
    from sanxiang.cases.review_gate import DECISION_KINDS, proposal_of, review_required

    from .conditions import VALUE_LABELS

    if not can(user, "submit_review", case):
        return []
    found = []
    for decision, kind in DECISION_KINDS.items():
        if P.decision_state_problem(case, decision) is not None:
            continue
        if any(r["review"].decision_kind == kind and r["latest"] and r["latest"]["round"].status in P.OPEN_ROUND
               for r in reviews):
            continue
        try:
            required, _ = review_required(case, proposal_of(case, decision=decision))
            track = P.track_of_case(case, kind)
        except SanxiangError:
            continue
        if required:
            found.append({"decision": decision, "label": VALUE_LABELS["decision"][decision], "track": track})
    return found


@login_required
def submit(request, pk):
    """提交法制审核 / 重新提交 from the case page."""
    from sanxiang.cases import pages as case_pages

    case = case_pages.case_for(request.user, pk)
    url = reverse("cases:detail", args=[case.pk]) + "#case-review"
    if request.method != "POST":
        return redirect(url)
    form = PostedForm("submit", request.POST)
    form.is_valid()
    try:
        rnd = P.do_submit_review(case, materials=_materials(request.POST), note=request.POST.get("note", ""),
                                 decision=request.POST.get("decision") or None, actor=request.user,
                                 on=request.POST.get("on"))
    except SanxiangError as exc:
        from sanxiang.cases.views import render_case

        status = refuse(form, exc)
        request.review_submit = form  # the case page's 法制审核 section shows it again, as typed
        case.refresh_from_db()
        return render_case(request, case, status=status)
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
    # 法制审核人员比例 (issue 9 §3 "the reviewer ratio (≥ 5 %) shows per agency"): the user's own agencies
    from sanxiang.access.policy import current_roles
    from sanxiang.orgs.indicators import reviewer_ratio
    from sanxiang.orgs.models import Agency

    agencies = Agency.objects.filter(pk__in=current_roles(request.user).values("agency_id")).order_by("name")
    ratios = [{"agency": a.name, "ratio": reviewer_ratio(a)} for a in agencies]
    return render(request, "review/statistics.html", {"rows": rows, "start": start, "end": end, "problem": problem,
                                                      "ratios": ratios})
