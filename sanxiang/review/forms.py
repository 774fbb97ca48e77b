"""The 审核表 of a review round (issue 9 §6): the documents app's kinds 案件审核表, 法制审核表 (SAMR 文书
范本 36 案件审核/法制审核表) and 株洲's 重大行政执法决定法制审核表, filled from the round — the case, the
proposal, the materials, the seven points, the opinion, every sign-off — numbered, rendered to PDF by
the job runner and filed in the case's 副卷 (the archive places them by title) like every document.

Which form: the track's `form` (`review.tracks`), else the agency's `review.form`, when it names one
of these; else the SAMR form by the review's ground — 法制审核表 when a statutory rule (行政处罚法
第五十八条, `review.statutory_rules`) required the review, 案件审核表 otherwise (市场监督管理行政处罚程序
规定 第四十九条、第五十条).
"""

from __future__ import annotations

from django.db import transaction

from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.documents.kinds import chinese_date
from sanxiang.documents.models import Document, DocumentKind, DocumentStatus

from .models import ReviewRound, RoundStatus
from .queries import names_of, shown_code
from .tracks import CHECKLIST_POINTS, FINDINGS

# The titles a track's or profile's form name may begin with, longest first.
FORM_KINDS = (("重大行政执法决定法制审核表", DocumentKind.MAJOR_REVIEW_FORM),
              ("行政处罚案件有关事项审批表", DocumentKind.INTERNAL_APPROVAL_FORM),
              ("法制审核表", DocumentKind.LEGAL_REVIEW_FORM),
              ("案件审核表", DocumentKind.CASE_REVIEW_FORM))
REVIEW_FORM_KINDS = tuple(kind for _, kind in FORM_KINDS)
FINDING_LABELS = dict(FINDINGS)
# Rounds that ended with an opinion: their form can be made (the opinion is what it records).
FORM_READY = (RoundStatus.AGREED, RoundStatus.RETURNED)


def _kind_of_name(name: str | None) -> str | None:
    return next((kind for title, kind in FORM_KINDS if name and name.startswith(title)), None)


def form_kind(rnd: ReviewRound) -> str:
    """The document kind the round is recorded in (module docstring)."""
    from .procedure import _profile_value, track_of_round

    review = rnd.review
    kind = _kind_of_name(track_of_round(rnd).form) or _kind_of_name(
        _profile_value(review.case.agency, "review.form", rnd.submitted_on))
    if kind is not None:
        return kind
    statutory = {rule.get("key") for rule in _profile_value(review.case.agency, "review.statutory_rules",
                                                           rnd.submitted_on) or []}
    if any(rule.get("key") in statutory for rule in review.rules or []):
        return DocumentKind.LEGAL_REVIEW_FORM
    return DocumentKind.CASE_REVIEW_FORM


def signoffs_of(rnd: ReviewRound) -> list[dict]:
    """The round's sign-offs (签批, the sign-off chain's module), in order; none before it exists."""
    manager = getattr(rnd, "signoffs", None)
    if manager is None:
        return []
    rows = list(manager.select_related("signer").order_by("position"))
    names = names_of([s.signer for s in rows])
    return [{"step": s.step_label, "code": s.step, "name": names.get(s.signer_id) or s.signer_name,
             "opinion": s.opinion or ("同意" if s.approved else "不同意"), "approved": s.approved,
             "date": chinese_date(s.signed_on)} for s in rows]


DECISION_LABELS = {"change": "变更行政许可", "extension": "延续行政许可", "revocation": "撤销行政许可",
                   "deregistration": "注销行政许可", "disposal": "查封、扣押财物的处理决定"}


def proposal_text(case, proposal: dict) -> str:
    """The proposed decision a round reviews (ReviewRound.proposal), as the reviewer, the signers and the
    form read it: the penalties and amounts; a 行政强制 decision's measure and items; a later decision."""
    if proposal.get("decision"):
        return DECISION_LABELS.get(proposal["decision"], proposal["decision"])
    measure = proposal.get("measure")
    if measure:
        from sanxiang.cases.models import MeasureKind

        kind = dict(MeasureKind.choices).get(measure.get("kind"), measure.get("kind") or "行政强制措施")
        items = "、".join(f"{name}{f'（{spec}）' if spec else ''}{_number(quantity)}{unit}"
                         for name, spec, quantity, unit in measure.get("items") or [])
        return f"{kind}：{items}" if items else kind
    if proposal.get("no_penalty_ground"):
        from sanxiang.cases.models import NoPenaltyGround

        ground = dict(NoPenaltyGround.choices).get(proposal["no_penalty_ground"], proposal["no_penalty_ground"])
        return f"不予行政处罚：{ground}"
    return _proposal_text(case, proposal)


def _number(quantity) -> str:
    from decimal import Decimal, InvalidOperation

    try:  # rounds stored before decision 0067 wrote 40 as "4E+1"
        return format(Decimal(str(quantity)).normalize(), "f")
    except InvalidOperation:
        return str(quantity)


def _proposal_text(case, proposal: dict) -> str:
    from decimal import Decimal

    from sanxiang.documents.kinds import _penalties

    fine = proposal.get("fine")
    confiscation = proposal.get("confiscation_value")
    text = _penalties(proposal.get("penalties") or [], Decimal(fine) if fine else None,
                      Decimal(confiscation) if confiscation else None)
    plan = _plan(case) if not text else None
    if plan is not None and plan.items:
        return _plan_text(plan)
    return text or case.decision_content or "（见送审材料）"


def _plan(case):
    from sanxiang.cases.models import InspectionPlan

    return InspectionPlan.objects.filter(case=case).first() if case.kind == "inspection_plan" else None


def _plan_text(plan) -> str:
    """年度抽查计划 as the form's 拟处建议: its year and each item's 抽查对象、内容、比例 (the plan holds them)."""
    items = "；".join(f"{i}. {row.get('objects', '')}：{row.get('content', '')}（{row.get('ratio', '')}，"
                     f"{row.get('method', '')}，{row.get('frequency', '')}）" for i, row in enumerate(plan.items, 1))
    return f"{plan.year}年度“双随机、一公开”抽查计划，共 {len(plan.items)} 项：{items}"


def _basis(case) -> str:
    """The legal basis as the handlers wrote it: in the 行政处罚告知书, else the 调查终结报告's opinion; a
    年度抽查计划's is each item's 抽查依据 (tester9 #8)."""
    plan = _plan(case)
    if plan is not None and plan.items:
        return "；".join(dict.fromkeys(row.get("basis", "") for row in plan.items if row.get("basis")))
    for kind, name in ((DocumentKind.PENALTY_NOTICE, "basis"), (DocumentKind.INVESTIGATION_REPORT, "opinion")):
        found = (Document.objects.filter(case=case, kind=kind).exclude(status=DocumentStatus.FAILED)
                 .order_by("-id").first())
        if found is not None and (found.fields.get("inputs") or {}).get(name):
            return found.fields["inputs"][name]
    return "（见送审材料）"


def resolutions_of(rnd: ReviewRound) -> str:
    """集体讨论 and 局领导研究决定 of the round, in order, as the form prints them ("无" when none): what
    let a decision through after a negative opinion (or the discussion 第五十七条 requires)."""
    from .models_flow import Outcome, Position

    said = dict(Position.choices)
    rows = []
    for d in rnd.discussions.order_by("held_on", "id"):
        people = "、".join(f"{a['name']}{said.get(a['position'], '')}" for a in d.attendees)
        grounds = "；".join(g.get("label", "") for g in d.grounds)
        rows.append((d.held_on, f"{chinese_date(d.held_on)}负责人集体讨论（{grounds}；出席：{people}）："
                                f"{Outcome(d.outcome).label}；纪要：{d.minutes}"))
    for d in rnd.leadership_decisions.order_by("decided_on", "id"):
        deciders = "、".join(f"{x['name']}{said.get(x.get('position') or '', '')}" for x in d.deciders)
        rows.append((d.decided_on, f"{chinese_date(d.decided_on)}局领导研究决定（{deciders}）：{Outcome(d.outcome).label}；"
                                   f"{d.text}"))
    return "；".join(text for _, text in sorted(rows, key=lambda r: r[0])) or "无"


def _extensions(rnd: ReviewRound) -> list:
    """Every extension of the round's clock, in order (the round keeps only the last one's fields)."""
    from .procedure import _clock

    ob = _clock(rnd)
    return list(ob.extensions.select_related("approver").order_by("date", "id")) if ob is not None else []


def form_values(case, rnd: ReviewRound) -> dict:
    """The 审核表's own names (docs/review.md "Documents"), from the round."""
    from .procedure import track_of_round

    track = track_of_round(rnd)
    materials = [{"code": shown_code(m["code"]), "label": m["label"], "note": m.get("note", ""),
                  "provided": "已提交" if m.get("provided") else ("不适用" if m.get("not_applicable") else "未提交")}
                 for m in rnd.materials]
    checklist = [{"point": label, "finding": FINDING_LABELS.get((rnd.checklist.get(code) or {}).get("finding"), "未记录"),
                  "note": (rnd.checklist.get(code) or {}).get("note", "")} for code, label in CHECKLIST_POINTS]
    labels = {m["code"]: m["label"] for m in rnd.materials}
    supplements = "；".join(
        f"{chinese_date(s.requested_on)}退回补充（{'、'.join(labels.get(c, c) for c in s.items)}），"
        f"限{chinese_date(s.supplement_by)}前补交"
        + (f"，{chinese_date(s.supplied_on)}补交" if s.supplied_on else "，尚未补交")
        for s in rnd.supplements.order_by("requested_on", "id"))
    extensions = _extensions(rnd)
    names = names_of([rnd.reviewer, *(e.approver for e in extensions)])
    unit = {"workdays": "个工作日", "days": "日"}
    extension = "；".join(
        f"{chinese_date(e.date)}经{names.get(e.approver_id) or track.extension_approver}批准延长"
        f"{e.count}{unit.get(e.unit, '日')}（{e.reason}）" for e in extensions)
    signoffs = signoffs_of(rnd)
    reviewer = names.get(rnd.reviewer_id, "")
    decided = _decided(case, rnd)
    return {
        "track": track.label, "reviewing_body": track.body, "round_number": str(rnd.number),
        "submitted_on": chinese_date(rnd.submitted_on), "proposal": proposal_text(case, rnd.proposal),
        "basis": _basis(case), "discretion": case.discretion or "（未记载裁量理由）",
        "rules": [{"label": r.get("label", ""), "citation": r.get("citation", "")} for r in rnd.review.rules]
        or [{"label": "无", "citation": "法制审核目录清单未规定须审核，承办机构主动送审"}],
        "materials": materials, "complete_on": chinese_date(rnd.materials_complete_on),
        "due_on": chinese_date(rnd.due) or "", "extension": extension, "supplements": supplements or "无",
        "checklist": checklist, "opinion_kind": rnd.opinion_label or "（尚未提出审核意见）",
        "opinion_text": rnd.opinion_text, "opinion_on": chinese_date(rnd.opinion_on), "reviewer_name": reviewer,
        "signoffs": signoffs, "resolution": resolutions_of(rnd),
        "signed": {s["code"]: f"{s['opinion']}　{s['name']}　{s['date']}" for s in signoffs},
        "decided": decided,
    }


def _decided(case, rnd: ReviewRound) -> str:
    """The decision the case made on this round's proposal, as its 审批意见 where the agency has no 签批
    chain (乌鲁木齐市场监管's 行政处罚案件有关事项审批表): who decided, when, what ("" before it)."""
    from sanxiang.cases.review_gate import passed_review, proposal_of

    if case.decided_on is None or rnd.review.decision_kind != case.kind:
        return ""
    if getattr(passed_review(case, proposal_of(case)), "pk", None) != rnd.pk:
        return ""
    who = names_of([case.decided_by]).get(case.decided_by_id, "") if case.decided_by_id else ""
    return f"同意，作出决定：{proposal_text(case, rnd.proposal)}。　{who}　{chinese_date(case.decided_on)}".replace("　　", "　")


def form_documents(rnd: ReviewRound):
    """The round's 审核表 documents (newest first), corrections included."""
    return (Document.objects.filter(case_id=rnd.review.case_id, kind__in=REVIEW_FORM_KINDS,
                                    fields__subject=f"{rnd._meta.label_lower}:{rnd.pk}").order_by("-id"))


@transaction.atomic
def do_generate_review_form(rnd: ReviewRound, *, actor) -> Document:
    """生成审核表 — the round's form, once it has its opinion; again (a correction naming the issued
    one) after a later sign-off. Made by those who make the case's documents (the handling unit
    fills in and files the form, 株洲 审核程序 1)); the documents app numbers, stores and queues the
    PDF, and refuses what it refuses for every kind."""
    from sanxiang.access.policy import can
    from sanxiang.documents.actions import do_generate_document

    rnd = ReviewRound.objects.select_related("review", "review__case").get(pk=rnd.pk)
    case = rnd.review.case
    if not can(actor, "generate_documents", case):
        raise NotPermitted(f"只有本案的承办人员或承办机构负责人可以生成审核表（案件{case.title}）。")
    if rnd.status not in FORM_READY:
        raise RuleViolation(f"第{rnd.number}轮审核尚未提出审核意见（{rnd.get_status_display()}），审核表须在提出审核意见后生成。",
                            field="round")
    existing = form_documents(rnd).exclude(status=DocumentStatus.FAILED).first()
    replaces = existing if existing is not None and existing.status == DocumentStatus.ISSUED else None
    return do_generate_document(case, form_kind(rnd), actor=actor, subject=rnd, replaces=replaces,
                                correction_reason=(f"第{rnd.number}轮审核意见已签发的审核表按当前审核记录重新生成"
                                                   if replaces is not None else ""))
