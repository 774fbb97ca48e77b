"""The legal-review procedure (法制审核程序, issue 9 §2–§4): submission, assignment, supplement, the
seven-point checklist, the opinion, extension and withdrawal — each a `do_*` action with its ledger
entry in the same transaction. The rules that decide (track, materials, time limit, opinion kinds)
come from the agency's profile (`review.tracks`, `tracks.py`); the states from `workflows.py`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sanxiang.access.actors import is_system_actor
from sanxiang.access.policy import can, current_roles
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.workflow import apply

from .models import LegalReview, ReviewRound, ReviewStatus, ReviewSupplement, RoundStatus
from .tracks import CHECKLIST_POINTS, FINDINGS, NOT_APPLICABLE, PROVIDED, Track, track_for
from .workflows import CLOCK, REVIEW_ROUND, SUPPLEMENT_CLOCK

register_actions({
    "submit_review": "提交法制审核",
    "assign_reviewround": "确定审核人员",
    "request_supplement_reviewround": "退回补充材料",
    "supplement_reviewround": "补交材料",
    "agree_reviewround": "审核同意",
    "send_back_reviewround": "提出审核意见并退回承办机构",
    "withdraw_reviewround": "撤回送审",
    "record_review_checklist": "记录审核要点",
    "extend_review": "延长审核期限",
    "sync_review_due": "法制审核期限随日历调整",
})

OPEN_ROUND = (RoundStatus.SUBMITTED, RoundStatus.IN_REVIEW, RoundStatus.SUPPLEMENTING)
ROUND_TO_REVIEW = {RoundStatus.SUBMITTED: ReviewStatus.OPEN, RoundStatus.IN_REVIEW: ReviewStatus.OPEN,
                   RoundStatus.SUPPLEMENTING: ReviewStatus.OPEN, RoundStatus.AGREED: ReviewStatus.AGREED,
                   RoundStatus.RETURNED: ReviewStatus.RETURNED, RoundStatus.WITHDRAWN: ReviewStatus.WITHDRAWN}
POINT_LABELS = dict(CHECKLIST_POINTS)
FINDING_LABELS = dict(FINDINGS)


# ---- reading the profile -------------------------------------------------------------------------

def _profile_key(agency) -> str:
    from sanxiang.deadlines.queries import profile_key_of

    return profile_key_of(agency)


def track_of_case(case, kind: str, on: dt.date | None = None) -> Track:
    """The agency's track for decisions of `kind`; refused when its profile names none."""
    track = track_for(_profile_key(case.agency), kind, on)
    if track is None:
        raise RuleViolation(f"“{case.agency.name}”的规则配置没有适用于该类决定的法制审核程序。", field="kind")
    return track


def track_of_round(rnd: ReviewRound) -> Track:
    """The track the round's review follows, as the profile gave it on the day it was submitted."""
    review = rnd.review
    track = next((t for t in _tracks(review.case.agency, rnd.submitted_on) if t.key == review.track), None)
    return track or track_of_case(review.case, review.decision_kind, rnd.submitted_on)


def _tracks(agency, on):
    from .tracks import tracks_of

    return tracks_of(_profile_key(agency), on)


def _profile_value(agency, name, on=None):
    from sanxiang.profiles.registry import get_profile

    return get_profile(_profile_key(agency)).value(name, on=on)


# ---- small helpers -------------------------------------------------------------------------------

def _day(value, field="on") -> dt.date:
    from sanxiang.cases.rules import as_date

    return as_date(value, field)


_user = acting_user


def _name(user) -> str:
    return (getattr(user, "name", "") or user.get_username()) if user is not None else ""


def _not_before_submission(rnd, day, what):
    if day < rnd.submitted_on:
        raise RuleViolation(f"{what} {day:%Y-%m-%d} 早于提交审核之日 {rnd.submitted_on:%Y-%m-%d}。", field="on")
    if rnd.assigned_on and day < rnd.assigned_on:
        raise RuleViolation(f"{what} {day:%Y-%m-%d} 早于确定审核人员之日 {rnd.assigned_on:%Y-%m-%d}。", field="on")


def _lock_round(rnd) -> ReviewRound:
    return ReviewRound.objects.select_related("review", "review__case", "review__case__agency").select_for_update(
        of=("self",)).get(pk=rnd.pk)


def _clock(rnd):
    from sanxiang.deadlines.models import Obligation

    return Obligation.objects.filter(object_type=rnd.ledger_type(), object_id=str(rnd.pk), kind=CLOCK).first()


def _sync_due(rnd) -> None:
    ob = _clock(rnd)
    rnd.due = ob.due if ob is not None else None


def _follow(review: LegalReview, rnd: ReviewRound) -> None:
    """The review's status follows its latest round (derived: not part of its ledgered state)."""
    status = ROUND_TO_REVIEW[rnd.status]
    if review.status != status:
        LegalReview.objects.filter(pk=review.pk).update(status=status)
        review.status = status


def _materials(track: Track, given, *, field="materials") -> list[dict]:
    """The track's checklist filled from `given` ({code: "provided" | "not_applicable"}; a list of
    codes means provided). Refused, naming every missing item, unless each is provided or — when
    optional — not applicable."""
    if isinstance(given, (list, tuple, set)):
        given = {code: PROVIDED for code in given}
    if not isinstance(given, dict):
        raise RuleViolation("送审材料应为各项材料及其提交情况。", field=field)
    known = {m.code: m for m in track.materials}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise RuleViolation(f"“{track.label}”的送审材料中没有：{'、'.join(unknown)}。", field=field)
    rows, missing = [], []
    for m in track.materials:
        state = given.get(m.code, NOT_APPLICABLE if m.optional else None)  # optional: not applicable unless given
        if state == NOT_APPLICABLE and not m.optional:
            raise RuleViolation(f"“{m.label}”是必须提交的材料，不能标为不适用。", field=field)
        if state not in (PROVIDED, NOT_APPLICABLE):
            missing.append(m)
        rows.append({"code": m.code, "label": m.label, "provided": state == PROVIDED,
                     "not_applicable": state == NOT_APPLICABLE})
    if missing:
        from .queries import shown_code  # 株洲's lettered items keep their letter; a platform key is not shown

        reasons = [f"缺少送审材料：{shown_code(m.code)}. {m.label}" if shown_code(m.code) else f"缺少送审材料：{m.label}"
                   for m in missing]
        raise RuleViolation(f"送审材料不齐全，不能提交法制审核：{'；'.join(m.label for m in missing)}。",
                            field=field, reasons=reasons, code="materials_incomplete")
    return rows


def reviewable_states(case) -> set[str]:
    """The case states after the investigation ended and before the decision: 调查终结、已告知 and the
    states from which the case's table makes a decision the gate guards."""
    from sanxiang.cases.guards import review_passed
    from sanxiang.cases.models import CaseStatus
    from sanxiang.cases.workflows import table_of

    states = {CaseStatus.CONCLUDED.value, CaseStatus.NOTIFIED.value}
    for t in table_of(case).transitions:
        if review_passed in t.guards:
            states.update(t.source)
    return states


def coercion_measure(case, measure=None, measure_kind: str | None = None):
    """The measure a coercion review is about: the one given — a measure awaiting approval, or a
    先行登记保存 in force to be 查封/扣押 (`measure_kind` seal or seize) — else the case's one measure
    awaiting approval. Refused when none or several could be meant: a review names its measure."""
    from sanxiang.cases.models import CoerciveMeasure, MeasureKind, MeasureStatus

    if measure is not None and not isinstance(measure, CoerciveMeasure):
        measure = CoerciveMeasure.objects.filter(case=case, pk=measure).first()
        if measure is None:
            raise RuleViolation("本案没有该行政强制措施。", field="measure")
    if measure is None:
        proposed = list(case.measures.filter(status=MeasureStatus.PROPOSED))
        if not proposed:
            raise RuleViolation("本案没有待批准的行政强制措施，无需提交行政强制决定的法制审核。", field="status")
        if len(proposed) > 1:
            raise RuleViolation("本案有多项待批准的行政强制措施，请指明提请审核的措施。", field="measure")
        measure = proposed[0]
    if measure.case_id != case.pk:
        raise RuleViolation("本案没有该行政强制措施。", field="measure")
    if measure.status == MeasureStatus.PROPOSED:
        if measure_kind not in (None, "", measure.kind):
            raise RuleViolation("待批准的措施按其提请的种类审核。", field="measure_kind")
        return measure, None
    if measure.kind == MeasureKind.PRESERVATION and measure.status == MeasureStatus.IN_FORCE:
        if measure_kind not in (MeasureKind.SEAL, MeasureKind.SEIZE):
            raise RuleViolation("决定查封、扣押先行登记保存的财物的，须写明查封或者扣押。", field="measure_kind")
        return measure, measure_kind
    raise RuleViolation(f"该{measure.get_kind_display()}措施当前为“{measure.get_status_display()}”，"
                        "没有待作出的行政强制决定。", field="measure")


# 决定事项 (PROPOSAL.json `decision`) and the states of the case or its measures where each is made.
DECISION_STATES = {"change": ("licensed",), "revocation": ("licensed",), "deregistration": ("licensed", "revoked"),
                   "extension": ("extending",)}


def decision_state_problem(case, decision: str) -> str | None:
    """Why a later decision of the case cannot be submitted now (None: it can): a licence 变更、撤销、注销
    while it is in force (注销 also after 撤销), 延续 while an extension is applied for; the 处理决定 while
    a seizure (or preservation) is in force."""
    from sanxiang.cases.review_gate import DECISION_KINDS

    if decision not in DECISION_KINDS:
        raise RuleViolation(f"未知的决定事项“{decision}”。", field="decision")
    label = _decision_label(decision)
    if decision == "disposal":
        from sanxiang.cases.models import MeasureStatus

        if not case.measures.filter(status__in=(MeasureStatus.IN_FORCE, MeasureStatus.TESTING)).exists():
            return "本案没有在执行中的查封、扣押或先行登记保存措施，无需提交财物处理决定的法制审核。"
        return None
    if case.kind != "licence":
        return f"本案不是行政许可案件，不作出“{label}”决定。"
    if case.status not in DECISION_STATES[decision]:
        return f"案件{case.title}当前为“{case.status_label}”，不能提交“{label}”决定的法制审核。"
    return None


def _decision_label(decision: str) -> str:
    from .conditions import VALUE_LABELS

    return VALUE_LABELS["decision"].get(decision, decision)


def submission_state_problem(case, kind: str, decision: str | None = None) -> str | None:
    """Why the case cannot be submitted now (None: it can): its own decision after the investigation
    ended; a 行政强制 decision while a measure awaits it (`coercion_measure`); a later decision
    (`decision`) where `decision_state_problem` allows it."""
    if decision is not None:
        return decision_state_problem(case, decision)
    if kind == "coercion":
        return None
    if kind == case.kind:
        if case.status not in reviewable_states(case):
            return f"案件{case.title}当前为“{case.status_label}”，调查终结后、作出决定前方可提交法制审核。"
        return None
    return f"本案不作出该类决定（{kind}）。"


# ---- 提交法制审核 --------------------------------------------------------------------------------

@transaction.atomic
def do_submit_review(case, *, materials, kind: str | None = None, decision: str | None = None, note: str = "",
                     actor, on=None, measure=None, measure_kind: str | None = None) -> ReviewRound:
    """提交法制审核 — a new round of the case decision's review with the proposal as it stands and
    the track's materials, all of them present; the clock (if the track has a time limit) runs
    from today. A resubmission after a non-agree opinion, or of a changed proposal, is a new round.
    `kind`: a decision of another kind within the case (行政强制 while a measure awaits approval);
    a coercion review names its `measure` (and `measure_kind` when a 先行登记保存 is to be 查封/扣押).
    `decision`: a later decision of the kind (变更、延续、撤销、注销许可; 查封扣押财物的处理决定), reviewed
    within the kind's review as a round of its own proposal."""
    from sanxiang.cases.actions import _lock
    from sanxiang.cases.review_gate import DECISION_KINDS, proposal_of, review_required

    case = _lock(case)
    if not can(actor, "submit_review", case):
        raise NotPermitted("只有本科室的执法人员或本案承办人可以提交法制审核。")
    day = _day(on)
    if decision in ("", None):
        decision = None
    elif decision not in DECISION_KINDS:
        raise RuleViolation(f"未知的决定事项“{decision}”。", field="decision")
    if decision is None and kind == "coercion" and kind != case.kind:
        measure, measure_kind = coercion_measure(case, measure, measure_kind)
        proposal = proposal_of(case, kind, measure=measure, measure_kind=measure_kind)
    else:
        proposal = proposal_of(case, kind, decision)
    kind = proposal["kind"]
    problem = submission_state_problem(case, kind, decision)
    if problem:
        raise RuleViolation(problem, field="status")
    track = track_of_case(case, kind, day)
    rows = _materials(track, materials)
    note = (note or "").strip()
    if len(note) > 1000:
        raise RuleViolation("送审说明过长（最多 1000 字）。", field="note")
    _, rules = review_required(case, proposal, on=day)
    review = LegalReview.objects.select_for_update().filter(case=case, decision_kind=kind).first()
    if review is not None:
        latest = latest_round_of(case, kind, measure=(proposal.get("measure") or {}).get("id"))
        if latest is not None and latest.status in OPEN_ROUND:
            raise Conflict(f"本案已有尚未完成的法制审核（第{latest.number}轮，{latest.get_status_display()}）。",
                           field="status", code="review_open")
        if latest is not None and latest.status == RoundStatus.AGREED and latest.proposal == proposal:
            raise Conflict("拟作出的决定已经审核同意，无需重新提交。", field="status", code="review_agreed")
    else:
        review = LegalReview.objects.create(case=case, decision_kind=kind, track=track.key, track_label=track.label,
                                            rules=rules, opened_at=timezone.now())
        append_entry(action="submit_review", actor=actor, obj=review,
                     payload={"case": case.number, "track": track.key, "rules": [r["key"] for r in rules]})
    number = (review.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    rnd = ReviewRound.objects.create(
        review=review, number=number, proposal=proposal, submitted_by=_user(actor),
        submitted_by_name=_name(_user(actor)) or getattr(actor, "get_username", lambda: "")(),
        submitted_on=day, note=note, materials=rows, materials_complete_on=day)
    if track.time_limit is not None:
        from sanxiang.deadlines.actions import do_open_obligation

        ob = do_open_obligation(object_type=rnd.ledger_type(), object_id=rnd.pk, agency=case.agency, kind=CLOCK,
                                start=day, count=track.time_limit.count, unit=track.time_limit.unit,
                                unit_name=track.body, actor=actor)  # the reviewing body owes it
        rnd.due = ob.due
        rnd.save(update_fields=["due"])
    append_entry(action="submit_review", actor=actor, obj=rnd,
                 payload={"case": case.number, "round": number, "proposal": proposal,
                          "materials": [m["code"] for m in rows if m["provided"]],
                          "due": rnd.due.isoformat() if rnd.due else None})
    _follow(review, rnd)
    return rnd


def do_resubmit_review(case, *, materials, kind: str | None = None, decision: str | None = None, note: str = "",
                       actor, on=None) -> ReviewRound:
    """重新提交法制审核 — the same act as a first submission: a new round (the earlier ones stay)."""
    return do_submit_review(case, materials=materials, kind=kind, decision=decision, note=note, actor=actor, on=on)


# ---- 确定审核人员 --------------------------------------------------------------------------------

def reviewer_problem(case, reviewer, *, on: dt.date) -> str | None:
    """Why `reviewer` may not review this case (None: may): a 法制审核人员 of the agency (of a unit
    where the profile allows business units their own reviewers), who has not handled the case, and —
    reviewing for the first time — holds the 法律职业资格 where the profile requires it."""
    from sanxiang.orgs.models import LegalQualification, Role

    # Unit-scoped reviewer roles exist only where `review.unit_reviewers_allowed` (orgs refuses them elsewhere).
    who = getattr(reviewer, "name", "") or "该人员"  # a name, never a login
    if not current_roles(reviewer, on).filter(agency=case.agency, role=Role.REVIEWER).exists():
        return f"{who}不是{case.agency.name}的法制审核人员。"
    if case.handlers.filter(person__user=reviewer).exists():
        return "审核人员不能审核自己承办的案件。"
    if _profile_value(case.agency, "review.first_time_reviewer_qualification", on):
        reviewed_before = ReviewRound.objects.filter(reviewer=reviewer).exclude(opinion_kind="").exists()
        if not reviewed_before:
            from sanxiang.cases.models import CaseReview

            reviewed_before = CaseReview.objects.filter(reviewer=reviewer).exclude(opinion=CaseReview.PENDING).exists()
        if not reviewed_before and not LegalQualification.objects.filter(
                person__user=reviewer, obtained_on__lte=on).exists():
            return (f"{who}初次从事法制审核，须取得法律职业资格（行政处罚法第五十八条第二款），"
                    "未登记其法律职业资格。")
    return None


@transaction.atomic
def do_assign_reviewer(rnd, *, reviewer, actor, on=None) -> ReviewRound:
    """确定审核人员 — the legal office names the round's reviewer, who from then on sees every record
    of the case (案件知悉人员, each access ledgered by the records app)."""
    locked = _lock_round(rnd)
    if not can(actor, "assign", locked):
        raise NotPermitted(f"只有“{locked.review.case.agency.name}”的法制审核人员或单位领导可以确定审核人员。")
    return _assign(locked, reviewer, actor, _day(on))


def _assign(locked, reviewer, actor, day, *, consequence=False) -> ReviewRound:
    from sanxiang.cases.models import CaseAccess

    case = locked.review.case
    if reviewer is None or getattr(reviewer, "pk", None) is None:
        raise RuleViolation("请选择审核人员。", field="reviewer")
    if day < locked.submitted_on:
        raise RuleViolation(f"日期 {day:%Y-%m-%d} 早于提交审核之日 {locked.submitted_on:%Y-%m-%d}。", field="on")
    problem = reviewer_problem(case, reviewer, on=day)
    if problem:
        raise RuleViolation(problem, field="reviewer")

    def effect(obj, actor_, **params):
        obj.reviewer, obj.assigned_on, obj.assigned_by_name = reviewer, day, _name(_user(actor_))
        return {"reviewer": reviewer.get_username()}

    locked = _apply(locked, "assign", actor, effect, consequence=consequence, on=day, reviewer=reviewer)
    CaseAccess.objects.get_or_create(case=case, user=reviewer, reason=CaseAccess.REVIEWER)
    return locked



def _apply(locked, action, actor, effect, *, consequence=False, **params):
    """A move of the round table with this call's effect (the table's own effect is none)."""
    from dataclasses import replace

    from sanxiang.workflow import apply_consequence

    t = REVIEW_ROUND.find(locked.status, action)
    table = REVIEW_ROUND
    if t is not None and effect is not None:
        moves = tuple(replace(x, effect=effect) if x is t else x for x in REVIEW_ROUND.transitions)
        table = replace(REVIEW_ROUND, transitions=moves)
    move = apply_consequence if consequence else apply
    row = move(locked, action, actor=actor, table=table, locked=locked, **params)
    _follow(row.review, row)
    return row


# ---- 退回补充材料 / 补交材料 -------------------------------------------------------------------------

@transaction.atomic
def do_request_supplement(rnd, *, items, supplement_by, note: str = "", actor, on=None) -> ReviewSupplement:
    """退回补充材料 — the reviewer asks for materials within a time; the clock pauses until they come."""
    from sanxiang.deadlines.actions import do_pause_obligation

    locked = _lock_round(rnd)
    day = _day(on)
    track = track_of_round(locked)
    codes = list(items or [])
    known = {m.code: m.label for m in track.materials}
    if not codes:
        raise RuleViolation("请选择需要补充的材料。", field="items")
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise RuleViolation(f"“{track.label}”的送审材料中没有：{'、'.join(map(str, unknown))}。", field="items")
    supplement_by = inputs.day(supplement_by, field="supplement_by", label="补交期限", empty=None)
    if supplement_by is None or supplement_by <= day:
        raise RuleViolation("请指定晚于今日的补交期限。", field="supplement_by")
    note = (note or "").strip()
    _not_before_submission(locked, day, "退回补充材料的日期")

    def effect(obj, actor_, **params):
        obj.materials = [{**m, "provided": False, "not_applicable": False} if m["code"] in codes else m
                         for m in obj.materials]
        return {"items": codes, "supplement_by": supplement_by.isoformat()}

    locked = _apply(locked, "request_supplement", actor, effect, on=day, items=codes, supplement_by=supplement_by,
                    note=note)
    ob = _clock(locked)
    if ob is not None:
        # The day asked is not counted (working days count after the start); a pause starts after it.
        do_pause_obligation(ob, start=max(day, ob.start + dt.timedelta(days=1)), reason="other",
                            note=f"法制审核退回补充材料：{'、'.join(known[c] for c in codes)}", actor=actor)
    row = ReviewSupplement.objects.create(round=locked, items=codes, note=note[:1000], requested_by=_user(actor),
                                          requested_by_name=_name(_user(actor)), requested_on=day,
                                          supplement_by=supplement_by)
    append_entry(action="request_supplement_reviewround", actor=actor, obj=row,
                 payload={"case": locked.review.case.number, "round": locked.number, "items": codes,
                          "supplement_by": supplement_by.isoformat()})
    _open_supplement_deadline(row, locked, day, supplement_by, actor)
    return row


def _open_supplement_deadline(row, locked, day, supplement_by, actor):
    """补交期限 as a deadline of the handling unit (its unit responsible, yellow/red warnings by the
    job `review_supplement_warnings`): calendar days to the date given; a last day that is not a
    working day moves to the next working day, as every period in days does."""
    from sanxiang.deadlines.actions import do_open_obligation

    case = locked.review.case
    do_open_obligation(object_type=row.ledger_type(), object_id=row.pk, agency=case.agency, kind=SUPPLEMENT_CLOCK,
                       start=day, count=(supplement_by - day).days, unit="days",
                       units=[case.unit] if case.unit_id else (),
                       note=f"{case.number} 法制审核第{locked.number}轮退回补充材料", actor=actor)


def supplement_deadline(row):
    """The deadline 法制审核补充材料期限 of a supplement request (None for requests made before it existed)."""
    from sanxiang.deadlines.models import Obligation

    return Obligation.objects.filter(object_type=row.ledger_type(), object_id=str(row.pk), kind=SUPPLEMENT_CLOCK).first()


def _close_supplement_deadline(locked, actor, *, met: bool, reason: str = ""):
    """The open 补交期限 of the round ends: met when the materials come, waived when the round ends
    without them (withdrawn, or a refused sign-off returns it) — a consequence of that act."""
    from sanxiang.deadlines.workflows import OBLIGATION
    from sanxiang.workflow import apply_consequence

    for row in locked.supplements.all():
        ob = supplement_deadline(row)
        if ob is None or ob.status not in ("open", "overdue"):
            continue
        if met:
            apply_consequence(ob, "meet", actor=actor, table=OBLIGATION, locked=ob, met_at=timezone.now())
        else:
            apply_consequence(ob, "waive", actor=actor, table=OBLIGATION, locked=ob, reason=reason[:300])


@transaction.atomic
def do_supplement_materials(rnd, *, materials, actor, on=None) -> ReviewRound:
    """补交材料 — the handling unit supplies what was asked; the materials are complete again and
    the clock resumes from today (the paused days do not count)."""
    from sanxiang.deadlines.actions import do_resume_obligation

    locked = _lock_round(rnd)
    day = _day(on)
    track = track_of_round(locked)
    request = locked.supplements.filter(supplied_on__isnull=True).order_by("-id").first()
    if request is None or locked.status != RoundStatus.SUPPLEMENTING:
        # The table's own refusal names the state.
        return _apply(locked, "supplement", actor, None, on=day, materials=materials)
    if day < request.requested_on:
        raise RuleViolation(f"日期 {day:%Y-%m-%d} 早于退回补充材料之日 {request.requested_on:%Y-%m-%d}。", field="on")
    current = {m["code"]: (PROVIDED if m["provided"] else NOT_APPLICABLE if m["not_applicable"] else None)
               for m in locked.materials}
    given = {code: PROVIDED for code in materials} if isinstance(materials, (list, tuple, set)) else dict(materials or {})
    rows = _materials(track, {**{k: v for k, v in current.items() if v}, **given})

    ob = _clock(locked)
    if ob is not None and ob.paused:
        pause = ob.pauses.filter(end__isnull=True).first()
        do_resume_obligation(ob, end=max(day, pause.start), actor=actor)
        _sync_due(locked)

    def effect(obj, actor_, **params):
        obj.materials = rows
        return {"materials": [m["code"] for m in rows if m["provided"]], "due": obj.due.isoformat() if obj.due else None}

    locked = _apply(locked, "supplement", actor, effect, on=day, materials=sorted(given))
    request.supplied_on = day
    request.save(update_fields=["supplied_on"])
    _close_supplement_deadline(locked, actor, met=True)
    append_entry(action="supplement_reviewround", actor=actor, obj=request,
                 payload={"case": locked.review.case.number, "round": locked.number, "supplied_on": day.isoformat()})
    return locked


# ---- 审核要点 / 审核意见 ------------------------------------------------------------------------

@transaction.atomic
def do_record_checklist(rnd, *, points: dict, actor) -> ReviewRound:
    """记录审核要点 — the reviewer's finding and note on some or all of the seven points; a point
    found 存在问题 needs a note saying what."""
    locked = _lock_round(rnd)
    if not can(actor, "record_checklist", locked):
        raise NotPermitted("只有法制审核人员可以记录审核要点。")
    if not is_system_actor(actor) and getattr(actor, "pk", None) != locked.reviewer_id:
        raise NotPermitted("只有被指定的审核人员可以记录审核要点。")
    if locked.status != RoundStatus.IN_REVIEW:
        raise RuleViolation(f"本轮审核当前为“{locked.get_status_display()}”，不能记录审核要点。", field="status")
    if not isinstance(points, dict) or not points:
        raise RuleViolation("请填写审核要点。", field="points")
    checklist = dict(locked.checklist)
    for code, value in points.items():
        if code not in POINT_LABELS:
            raise RuleViolation(f"没有“{code}”这一审核要点。", field="points")
        value = value if isinstance(value, dict) else {}
        finding, point_note = value.get("finding"), (value.get("note") or "").strip()
        if finding not in FINDING_LABELS:
            raise RuleViolation(f"请为“{POINT_LABELS[code]}”选择审核结论（{'、'.join(FINDING_LABELS.values())}）。",
                                field="points")
        if finding == "problem" and not point_note:
            raise RuleViolation(f"“{POINT_LABELS[code]}”存在问题的，须写明具体问题。", field="points")
        if len(point_note) > 1000:
            raise RuleViolation(f"“{POINT_LABELS[code]}”的说明过长（最多 1000 字）。", field="points")
        checklist[code] = {"finding": finding, "note": point_note}
    locked.checklist = checklist
    locked.save(update_fields=["checklist"])
    append_entry(action="record_review_checklist", actor=actor, obj=locked,
                 payload={"case": locked.review.case.number, "round": locked.number,
                          "points": {c: checklist[c] for c in points}})
    return locked


@transaction.atomic
def do_record_opinion(rnd, *, kind: str, text: str, return_grounds=(), actor, on=None) -> ReviewRound:
    """审核意见 — a kind the track allows, with its text: the track's "agree" passes the round (审核
    同意); any other kind returns the case to the handling unit (退回承办机构), which may resubmit."""
    from sanxiang.cases.guards import platform_admin_problem

    locked = _lock_round(rnd)
    day = _day(on)
    if not is_system_actor(actor) and (getattr(actor, "pk", None) != locked.reviewer_id
                                       or platform_admin_problem(locked.review.case.agency, actor)):
        raise NotPermitted("只有被指定的法制审核人员可以提出审核意见。")
    track = track_of_round(locked)
    label = track.opinion_label(kind or "")
    if label is None:
        allowed = "、".join(o.label for o in track.opinion_kinds)
        raise RuleViolation(f"“{track.label}”的审核意见只能是：{allowed}。", field="opinion_kind")
    grounds = list(return_grounds or [])
    unknown = [g for g in grounds if g not in track.return_grounds]
    if unknown:
        raise RuleViolation(f"退回情形“{'、'.join(map(str, unknown))}”不在规则配置所列情形中。", field="return_grounds")
    agree = kind == track.agree
    if agree and grounds:
        raise RuleViolation("审核同意的意见不列退回情形。", field="return_grounds")
    if not agree and track.return_grounds and not grounds:
        raise RuleViolation(f"请选择提出审核建议或退回的情形（{'、'.join(track.return_grounds)}）。",
                            field="return_grounds")
    _not_before_submission(locked, day, "审核日期")

    def effect(obj, actor_, **params):
        obj.opinion_kind, obj.opinion_label, obj.opinion_on, obj.return_grounds = kind, label, day, grounds
        obj.opinion_text = params.get("text", "")
        return {"opinion_label": label}

    params = {"on": day, "opinion_kind": kind, "text": text}
    if not agree:
        params["return_grounds"] = grounds
    return _apply(locked, "agree" if agree else "send_back", actor, effect, **params)


@transaction.atomic
def do_record_pass_or_return(rnd, *, opinion: str, note: str = "", return_grounds=(), actor, on=None) -> ReviewRound:
    """The case page's 同意 / 退回 (`cases.actions.do_record_case_review`): the track's agree kind, or
    its first other kind with the reason as the opinion's text."""
    track = track_of_round(rnd)
    if opinion not in ("pass", "return"):
        raise RuleViolation("审核意见须为“同意”或“退回”。", field="opinion")
    note = (note or "").strip()
    if opinion == "return" and not note:
        raise RuleViolation("退回须写明理由：需补正、补充调查或修改的事项。", field="note")
    if opinion == "pass":
        return do_record_opinion(rnd, kind=track.agree, text=note or track.opinion_label(track.agree), actor=actor,
                                 on=on)
    other = next(o.code for o in track.opinion_kinds if o.code != track.agree)
    return do_record_opinion(rnd, kind=other, text=note, return_grounds=return_grounds, actor=actor, on=on)


# ---- 延期 / 撤回 ----------------------------------------------------------------------------------

@transaction.atomic
def do_extend_review(rnd, *, count: int, approver, reason: str, actor, on=None, discussion=None) -> ReviewRound:
    """延长审核期限 — approved by the leader the track names (a 单位领导 of the agency), never beyond
    the track's maximum (株洲: 20 个工作日 in all). Where the track says
    `further_extensions_by_discussion`, an extension after the first needs `discussion`
    `{held_on, attendees: [{user, position, text}], minutes}`: 负责人集体讨论 with its quorum and a
    majority agreeing (review/flow.py's rules), recorded in the ledger entry."""
    from sanxiang.deadlines.actions import do_extend_obligation
    from sanxiang.orgs.models import Role

    locked = _lock_round(rnd)
    case = locked.review.case
    day = _day(on)
    if not can(actor, "extend", locked):
        raise NotPermitted(f"只有“{case.agency.name}”的法制审核人员或单位领导可以登记延长审核期限。")
    if locked.status not in OPEN_ROUND:
        raise RuleViolation(f"本轮审核当前为“{locked.get_status_display()}”，不能延长审核期限。", field="status")
    track = track_of_round(locked)
    ob = _clock(locked)
    if ob is None or track.time_limit is None:
        raise RuleViolation(f"“{track.label}”未规定审核时限，无需延期。", field="count")
    if not track.extension_approver:
        raise RuleViolation(f"“{track.label}”不得延长审核期限。", field="count")
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        raise RuleViolation("延长的期限应为正整数。", field="count")
    if approver is None or not current_roles(approver, day).filter(agency=case.agency,
                                                                  role=Role.AGENCY_LEADER).exists():
        raise RuleViolation(f"延长审核期限须经{track.extension_approver}批准：请选择“{case.agency.name}”的单位领导。",
                            field="approver")
    if not (reason or "").strip():
        raise RuleViolation("请写明延长审核期限的理由。", field="reason")
    discussed = _extension_discussion(locked, track, ob, discussion, day)
    if track.time_limit_max is not None:
        total = ob.count + sum(e.count for e in ob.extensions.all()) + count
        if total > track.time_limit_max.count:
            unit = "个工作日" if track.time_limit_max.unit == "workdays" else "日"
            raise RuleViolation(f"延期后审核期限共 {total}{unit}，超过规则配置的上限 {track.time_limit_max.count}{unit}"
                                f"（{track.label}）。", field="count", code="extension_beyond_maximum")
    reason = reason.strip()
    if discussed:
        reason = f"{reason}（经{discussed['held_on']:%Y-%m-%d}负责人集体讨论决定）"[:300]
    do_extend_obligation(ob, count=count, unit=track.time_limit.unit, approver=approver, reason=reason,
                         date=day, actor=actor)
    _sync_due(locked)
    locked.extension_approver, locked.extension_reason, locked.extended_on = approver, reason.strip()[:300], day
    locked.save(update_fields=["due", "extension_approver", "extension_reason", "extended_on"])
    append_entry(action="extend_review", actor=actor, obj=locked,
                 payload={"case": case.number, "round": locked.number, "count": count,
                          "approver": approver.get_username(), "due": locked.due.isoformat(),
                          **({"discussion": discussed} if discussed else {})})
    return locked


def _extension_discussion(rnd, track, ob, discussion, day) -> dict | None:
    """The collective discussion an extension after the first needs (None when none is needed)."""
    from .flow import _attendees, _date, _leaders_on, _profile_value, _text
    from .models_flow import Position

    if not track.further_extensions_by_discussion or not ob.extensions.exists():
        if discussion:
            raise RuleViolation("第一次延长审核期限由负责人批准，无需集体讨论。", field="discussion")
        return None
    if not isinstance(discussion, dict) or not discussion:
        raise RuleViolation(f"“{track.label}”第一次以后的延期须经负责人集体讨论决定：请记录讨论日期、出席负责人及其意见和纪要。",
                            field="discussion", code="extension_needs_discussion")
    unknown = set(discussion) - {"held_on", "attendees", "minutes"}
    if unknown:
        raise RuleViolation(f"集体讨论含有未知字段：{'、'.join(sorted(unknown))}。", field="discussion")
    held_on = _date(discussion.get("held_on"), "讨论日期", "discussion")
    if held_on > day:
        raise RuleViolation("讨论日期不能晚于延期日期。", field="discussion")
    agency = rnd.review.case.agency
    people = _attendees(agency, discussion.get("attendees"), held_on)
    leaders = _leaders_on(agency, held_on)
    share = _profile_value(agency, "review.collective_discussion_quorum", held_on) or 0.5
    if len(people) <= share * len(leaders) or len(people) < 2:
        raise RuleViolation(f"出席的负责人不足法定人数：{agency.name}有负责人 {len(leaders)} 名，出席须超过"
                            f"{share:.0%}且不少于 2 名，本次 {len(people)} 名。", field="discussion")
    majority = _profile_value(agency, "review.collective_discussion_majority", held_on) or 0.5
    agreeing = sum(1 for p in people if p["position"] == Position.AGREE)
    if agreeing <= majority * len(people):
        raise RuleViolation(f"集体讨论未同意延期：出席 {len(people)} 名，同意的 {agreeing} 名，未超过{majority:.0%}。",
                            field="discussion")
    minutes = _text(discussion.get("minutes"), "讨论记录（纪要）", "discussion", 4000)
    return {"held_on": held_on, "attendees": people, "minutes": minutes}


@transaction.atomic
def do_withdraw_review(rnd, *, reason: str, actor, on=None) -> ReviewRound:
    """撤回送审 — the handling unit takes back a round still under review (its clock is waived)."""
    from sanxiang.deadlines.workflows import OBLIGATION
    from sanxiang.workflow import apply_consequence

    locked = _lock_round(rnd)
    locked = _apply(locked, "withdraw", actor, None, on=_day(on), reason=reason)
    ob = _clock(locked)
    if ob is not None and ob.status in ("open", "overdue"):
        if ob.paused:
            from sanxiang.deadlines.actions import do_resume_obligation

            do_resume_obligation(ob, end=max(_day(on), ob.pauses.filter(end__isnull=True).first().start), actor=actor)
        # The clock ends with the round the handling unit withdrew (a consequence, not the leader's waiver).
        apply_consequence(ob, "waive", actor=actor, table=OBLIGATION, reason=f"撤回送审：{reason}"[:300])
    _close_supplement_deadline(locked, actor, met=False, reason=f"撤回送审：{reason}")
    return locked


# ---- the gate's reading ---------------------------------------------------------------------------

def round_decided_by_disagreement(rnd: ReviewRound) -> bool:
    """Hook for the disagreement procedure (集体讨论 / 报局领导研究决定, issue 9 §4; filled by its
    module): True when that procedure, held on this returned round, decided its proposal may be made.
    The round is the one of the decision asked about: a discussion of one measure (or of a 延续) is
    not one of another (decision 0067)."""
    from .flow import round_decided_by_disagreement as decided

    return decided(rnd)


ANY_DECISION = object()


def latest_round_of(case, kind: str, *, measure: int | None = None, decision=ANY_DECISION,
                    binding: bool = False) -> ReviewRound | None:
    """The latest round of the case's review of `kind`; of a coercion decision, the latest round
    about that measure (`proposal.measure.id`); given `decision` (None: the kind's own decision, else
    a later one, PROPOSAL.json `decision`), the latest round about that decision — an agreed 变更许可
    neither opens nor binds the 延续. `binding`: the latest round not withdrawn — a withdrawal takes
    back only its own round, so a round withdrawn after a returned (or agreed) one leaves that one
    binding (decision 0067)."""
    rounds = ReviewRound.objects.filter(review__case=case, review__decision_kind=kind)
    if binding:
        rounds = rounds.exclude(status=RoundStatus.WITHDRAWN)
    if measure is not None:
        rounds = rounds.filter(proposal__measure__id=measure)
    rounds = rounds.select_related("review").order_by("-number")
    if decision is ANY_DECISION:
        return rounds.first()
    return next((r for r in rounds if r.proposal.get("decision") == decision), None)


def open_rounds(agency):
    return ReviewRound.objects.filter(review__case__agency=agency, status__in=OPEN_ROUND)

