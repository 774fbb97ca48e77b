"""Sign-off chain, disagreement, consultation and inquiries of a legal review (issue 9 §2–§4).

- 签批 (`do_sign_off`): the profile's `review.signoff_chain` for the decision's kind, step by step
  in order, each by a person entitled to it (role, unit, not a handler where the step says so),
  with an opinion; the 法制审核 step is the round's reviewer's, after his agreeing opinion. A refused
  step returns the round to the handling unit.
- 分歧 (`review.disagreement`): 集体讨论 (`do_record_collective_discussion`), or 协商 then 局领导研究决定
  (`do_record_negotiation`, `do_record_leadership_decision`); the "coordination mechanism" of the
  other plans is read as 协商, then 集体讨论 when it fails. Cases the rules send to collective
  discussion (`review.collective_discussion_rules`, 行政处罚法 第五十七条) need one whatever the opinion.
- 征求意见 (`do_consult`): 公职律师、法律顾问、行业专家 of `review.outside_expertise`, with a time-limited
  法律顾问 role on the case's records when their account could not read it.
- 审核调查 (`do_record_inquiry`) where `review.reviewer_may_inquire_party`.

The gate asks `round_decided_by_disagreement(round)` and `flow_problem(round)`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sanxiang.access.policy import can, current_roles
from sanxiang.core import inputs
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.core.inputs import acting_user
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.orgs.models import Role

from .models import LegalReview, ReviewRound, RoundStatus
from .models_flow import (
    CollectiveDiscussion,
    Consultation,
    InquiryKind,
    LeadershipDecision,
    Negotiation,
    Outcome,
    Position,
    ReviewInquiry,
    SignOff,
)

register_actions({
    "sign_off_review": "法制审核签批",
    "record_collective_discussion": "记录集体讨论",
    "record_review_negotiation": "记录审核意见协商沟通",
    "record_leadership_decision": "记录局领导研究决定",
    "consult_on_review": "法制审核征求意见",
    "record_consultation_opinion": "记录征求意见的回复",
    "end_consultation_access": "征求意见查阅授权到期",
    "record_review_inquiry": "记录审核调查",
    "refuse_signoff_reviewround": "签批不同意并退回承办机构",
})

OPEN = (RoundStatus.SUBMITTED, RoundStatus.IN_REVIEW, RoundStatus.SUPPLEMENTING)
ENDED_BADLY = (RoundStatus.RETURNED, RoundStatus.WITHDRAWN)


# ---- reading the profile ---------------------------------------------------------------------

def _profile_value(agency, name: str, on: dt.date | None = None):
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    return get_profile(profile_key_of(agency)).value(name, on=on)


def chain_of(review: LegalReview, on: dt.date | None = None) -> dict:
    """The sign-off chain of the review's decision kind (the first naming it, else "*")."""
    chains = _profile_value(review.case.agency, "review.signoff_chain", on) or []
    for chain in chains:
        if review.decision_kind in chain["kinds"]:
            return chain
    return next((c for c in chains if "*" in c["kinds"]), {"kinds": ["*"], "steps": [], "before_decision": False})


def chain_for(review: LegalReview, on: dt.date | None = None) -> list[dict]:
    """The sign-off steps of the review's decision kind, in order."""
    return chain_of(review, on)["steps"]


def chain_state(rnd: ReviewRound) -> list[dict]:
    """Each step of the round's chain with its sign-off (None while unsigned), in order."""
    signed = {s.step: s for s in rnd.signoffs.all()}
    return [{**step, "position": n, "signoff": signed.get(step["code"])}
            for n, step in enumerate(chain_for(rnd.review, rnd.submitted_on), start=1)]


def next_step(rnd: ReviewRound) -> dict | None:
    return next((s for s in chain_state(rnd) if s["signoff"] is None), None)


def chain_complete(rnd: ReviewRound) -> bool:
    return all(s["signoff"] is not None and s["signoff"].approved for s in chain_state(rnd))


def collective_discussion_grounds(review: LegalReview, proposal: dict, on: dt.date | None = None) -> list[dict]:
    """The rules of `review.collective_discussion_rules` the proposal matches ([] when none)."""
    from .catalogue import answer, simplified_ceiling
    from .conditions import ShapeError, parse_proposal, parse_rules
    from .determination import party_kind_of

    rules = _profile_value(review.case.agency, "review.collective_discussion_rules", on) or []
    if not rules:
        return []
    from sanxiang.deadlines.queries import profile_key_of

    data = dict(proposal)
    if data.get("party_kind") is None:
        data["party_kind"] = party_kind_of(review.case)
    try:
        parsed = parse_proposal(data)
    except ShapeError as exc:
        raise RuleViolation(exc.message, field=exc.field) from None
    return answer(parse_rules(rules), parsed, simplified_ceiling(profile_key_of(review.case.agency), on))[1]


# ---- who may sign ----------------------------------------------------------------------------

def _roles_in(agency, user, on):
    return list(current_roles(user, on).filter(agency=agency).select_related("unit"))


def _unit_and_above(unit) -> set[int]:
    ids = set()
    while unit is not None:
        ids.add(unit.pk)
        unit = unit.parent
    return ids


def _review_body_units(rnd: ReviewRound, on) -> set[int]:
    from sanxiang.orgs.actions import duty_unit_names

    agency = rnd.review.case.agency
    ids = set()
    if rnd.reviewer_id:
        ids |= {ra.unit_id for ra in _roles_in(agency, rnd.reviewer, on) if ra.role == Role.REVIEWER and ra.unit_id}
    duty = _profile_value(agency, "duties.legal_review", on) or {}
    names = duty_unit_names(duty.get("unit", "") if isinstance(duty, dict) else "")
    ids |= set(agency.units.filter(name__in=names).values_list("pk", flat=True))
    return ids


def _overseer_problem(step: dict, rnd: ReviewRound, unit: str, actor, on) -> str | None:
    """A 分管领导 step (a leader's step with `unit`): only the leader recorded as overseeing the case's
    unit (or the nearest unit above it with one), or the legal office (`review_body`), may sign it."""
    from sanxiang.orgs.models import Unit

    case = rnd.review.case
    if unit == "handling":
        candidates, current = [], case.unit
        while current is not None:
            candidates.append(current)
            current = current.parent
        where = case.unit.name if case.unit_id else "承办机构"
    else:
        candidates = list(Unit.objects.filter(pk__in=_review_body_units(rnd, on)).order_by("id"))
        where = "、".join(u.name for u in candidates) or "法制审核机构"
    overseen = next((u for u in candidates if u.overseen_by_id), None)
    if overseen is None:
        return (f"“{step['label']}”须由分管{where}的局领导签署，而{case.agency.name}尚未登记{where}的分管领导："
                f"请本单位管理员在“科室”页面设置分管领导。")
    if overseen.overseen_by.user_id != getattr(actor, "pk", None):
        return f"“{step['label']}”须由分管{overseen.name}的局领导（{overseen.overseen_by.name}）签署。"
    return None


def signer_problem(step: dict, rnd: ReviewRound, actor, on: dt.date) -> str | None:
    """Why `actor` may not sign `step` of the round (None: entitled)."""
    from sanxiang.cases.guards import actor_not_handler

    case = rnd.review.case
    if step.get("review"):
        if getattr(actor, "pk", None) != rnd.reviewer_id:
            return f"“{step['label']}”由本轮的审核人员签署。"
    else:
        held = [ra for ra in _roles_in(case.agency, actor, on) if ra.role in step["roles"]]
        unit = step.get("unit", "any")
        if unit == "handling" and case.unit_id:
            above = _unit_and_above(case.unit)
            held = [ra for ra in held if ra.role != Role.UNIT_HEAD or ra.unit_id in above]
        elif unit == "review_body":
            body = _review_body_units(rnd, on)
            held = [ra for ra in held if ra.role != Role.UNIT_HEAD or ra.unit_id in body]
        if held and unit in ("handling", "review_body") and all(ra.role == Role.AGENCY_LEADER for ra in held):
            problem = _overseer_problem(step, rnd, unit, actor, on)
            if problem:
                return problem
        if not held:
            who = "、".join(Role(r).label for r in step["roles"])
            where = {"handling": "（承办机构）", "review_body": "（法制审核机构）"}.get(unit, "")
            return f"“{step['label']}”须由{case.agency.name}的{who}{where}签署。"
    if step.get("not_handler"):
        problem = actor_not_handler(case, actor)
        if problem:
            return f"“{step['label']}”不能由本案承办人签署。"
    return None


def _overseer_step(step: dict) -> bool:
    """A 分管领导 step: a leader's step bound to the handling unit or the legal office."""
    return step.get("unit") in ("handling", "review_body") and Role.AGENCY_LEADER in step["roles"]


def repeated_signer_problem(rnd: ReviewRound, state: list[dict], actor, step: dict | None = None) -> str | None:
    """One person signs at most one step of a chain (unless the chain's `distinct_signers` is false):
    a form of several opinions is several people's. The law is silent where one 局领导 is recorded as
    分管 both the handling unit and the legal office: the 分管领导 steps name an office, and the one
    holder signs both (`overseer_signs_both`, default true; decision 0067) — never 局长审批 as well."""
    chain = chain_of(rnd.review, rnd.submitted_on)
    if not chain.get("distinct_signers", True):
        return None
    earlier = [s for s in state if s["signoff"] is not None and s["signoff"].signer_id is not None
               and s["signoff"].signer_id == getattr(actor, "pk", None)]
    if step is not None and chain.get("overseer_signs_both", True) and _overseer_step(step):
        earlier = [s for s in earlier if not _overseer_step(s)]
    if not earlier:
        return None
    return (f"同一人不能在签批流程中签署两个环节：您已签署“{earlier[0]['label']}”，"
            "本环节须由另一名有权签署的人员签署。")


def _text(value, label: str, field: str, max_length: int) -> str:
    return inputs.text(value, label=label, field=field, max_length=max_length)


def _date(value, label: str, field: str) -> dt.date:
    return inputs.day(value, label=label, field=field, not_after_today=True)


def _locked_round(rnd: ReviewRound) -> ReviewRound:
    # of=self: the case's unit is a nullable join, which PostgreSQL does not lock
    return (ReviewRound.objects.select_for_update(of=("self",))
            .select_related("review__case__agency", "review__case__unit").get(pk=rnd.pk))


# ---- 签批 -------------------------------------------------------------------------------------

@transaction.atomic
def do_sign_off(rnd: ReviewRound, step: str, *, approved: bool, opinion: str, on=None, actor) -> SignOff:
    """签批: sign the next step of the round's chain; a refusal returns the round."""
    rnd = _locked_round(rnd)
    # who signs is the chain's (a legal office head may not otherwise read the unit's cases)
    if not current_roles(actor).filter(agency=rnd.review.case.agency).exists():
        raise NotPermitted("您无权签批该审核。")
    if rnd.status in ENDED_BADLY:
        raise RuleViolation(f"本轮审核已{rnd.get_status_display()}，不能再签批。", field="step")
    if not isinstance(approved, bool):
        raise RuleViolation("请选择同意或不同意。", field="approved")
    opinion = _text(opinion, "签批意见", "opinion", 2000)
    on = _date(on, "签批日期", "on")
    state = chain_state(rnd)
    current = next((s for s in state if s["signoff"] is None), None)
    named = next((s for s in state if s["code"] == step), None)
    if named is None:
        codes = "、".join(s["label"] for s in state)
        raise RuleViolation(f"签批流程中没有该环节（本案的签批环节：{codes}）。", field="step")
    if current is None or named["code"] != current["code"]:
        if named["signoff"] is not None:
            raise RuleViolation(f"“{named['label']}”已经签署。", field="step")
        raise RuleViolation(f"须按顺序签批：下一环节是“{current['label']}”。", field="step")
    if named.get("review"):
        if rnd.status != RoundStatus.AGREED:
            raise RuleViolation("审核人员出具同意的审核意见后方可签署“法制审核意见”；不同意的，应出具退回的审核意见。",
                                field="step")
        if not approved:
            raise RuleViolation("审核人员不同意的，应出具退回承办机构的审核意见，而不是在签批中拒绝。", field="approved")
    problem = signer_problem(named, rnd, actor, on) or repeated_signer_problem(rnd, state, actor, named)
    if problem:
        raise NotPermitted(problem)
    earliest = max([rnd.submitted_on, *(s["signoff"].signed_on for s in state if s["signoff"])]
                   + ([rnd.opinion_on] if named.get("review") and rnd.opinion_on else []))
    if on < earliest:
        raise RuleViolation(f"签批日期不能早于 {earliest:%Y-%m-%d}（送审、审核意见或上一环节签批之日）。", field="on")
    row = SignOff.objects.create(round=rnd, position=named["position"], step=named["code"],
                                 step_label=named["label"], approved=approved, opinion=opinion, signer=actor,
                                 signer_name=_name(actor), signed_on=on, signed_at=timezone.now())
    append_entry(action="sign_off_review", actor=actor, obj=row, payload={
        "case": rnd.review.case.number, "round": rnd.number, "step": row.step, "label": row.step_label,
        "approved": approved, "opinion": opinion, "on": on})
    if not approved:
        return_round_after_refusal(rnd, row, actor=actor)
    return row


def return_round_after_refusal(rnd: ReviewRound, signoff: SignOff, *, actor) -> None:
    """A refused sign-off sends the round back to the handling unit (the round's table; a clock
    still running ends with it, as when the reviewer sends a round back)."""
    from .procedure import _apply, _close_supplement_deadline

    _apply(rnd, "refuse_signoff", actor, None, on=signoff.signed_on,
           reason=f"{signoff.step_label}：{signoff.opinion}")
    _close_supplement_deadline(rnd, actor, met=False, reason=f"签批不同意并退回承办机构：{signoff.step_label}")


def _name(user) -> str:
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return full or (user.get_username() if hasattr(user, "get_username") else getattr(user, "username", ""))


_user = acting_user


# ---- 分歧：集体讨论、协商、局领导研究决定 ------------------------------------------------------

def _leaders_on(agency, on: dt.date) -> dict[int, str]:
    from sanxiang.orgs.models import RoleAssignment

    rows = (RoleAssignment.objects.filter(agency=agency, role=Role.AGENCY_LEADER, active=True, valid_from__lte=on)
            .exclude(valid_to__lt=on).select_related("user"))
    return {ra.user_id: _name(ra.user) for ra in rows}


def disagreement_procedure(review: LegalReview, on=None) -> str:
    return _profile_value(review.case.agency, "review.disagreement", on) or "coordination"


def _failed_negotiation(rnd: ReviewRound):
    return rnd.negotiations.filter(agreed=False).order_by("-held_on", "-id").first()


def discussion_grounds(review: LegalReview, rnd: ReviewRound) -> list[dict]:
    """Why this round may go to collective discussion ([]: it may not): the rules (Art.57) the
    proposal matches, and a disagreement the profile sends there."""
    grounds = collective_discussion_grounds(review, rnd.proposal, rnd.submitted_on)
    if rnd.status == RoundStatus.RETURNED:
        procedure = disagreement_procedure(review, rnd.submitted_on)
        if procedure == "collective_discussion" or (procedure == "coordination" and _failed_negotiation(rnd)):
            grounds = [*grounds, {"key": "disagreement", "label": "法制审核部门和案件承办部门存在重大分歧，无法达成一致",
                                  "citation": _citation(review, "review.disagreement", rnd.submitted_on)}]
    return grounds


def _citation(review, name, on) -> str:
    from sanxiang.deadlines.queries import profile_key_of
    from sanxiang.profiles.registry import get_profile

    profile = get_profile(profile_key_of(review.case.agency))
    return profile.cite(profile.entry(name, on=on))


def _attendees(agency, raw, on, *, field="attendees", who="出席人员") -> list[dict]:
    """The leaders present with each one's position and words, as `[{user, name, position, text}]`: every
    one a leader of the agency on `on`, none twice, each with a position (同意、不同意、弃权)."""
    leaders = _leaders_on(agency, on)
    if not isinstance(raw, list) or not raw:
        raise RuleViolation(f"请列出{'出席的机关负责人' if field == 'attendees' else '参加研究决定的局领导'}及各自的意见。",
                            field=field)
    found, seen = [], set()
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or set(item) - {"user", "position", "text"}:
            raise RuleViolation(f"第 {n} 位{who}的格式不正确（user、position、text）。", field=field)
        user = item.get("user")
        user_id = getattr(user, "pk", user)
        if not isinstance(user_id, int) or user_id not in leaders:
            raise RuleViolation(f"第 {n} 位{who}不是{agency.name}在{'讨论' if field == 'attendees' else '决定'}之日的负责人（单位领导）。",
                                field=field)
        if user_id in seen:
            raise RuleViolation(f"{who}重复：{leaders[user_id]}。", field=field)
        seen.add(user_id)
        position = item.get("position")
        if position not in Position.values:
            raise RuleViolation(f"请记录{leaders[user_id]}的意见（同意、不同意或弃权）。", field=field)
        text = item.get("text") or ""
        if not isinstance(text, str) or len(text) > 1000:
            raise RuleViolation(f"{leaders[user_id]}的发言过长（最多 1000 字）。", field=field)
        found.append({"user": user_id, "name": leaders[user_id], "position": position, "text": text.strip()})
    return found


def outcome_problem(agency, people: list[dict], outcome: str, on: dt.date, *, what: str = "讨论结果",
                    present: str = "出席") -> str | None:
    """Why the outcome contradicts the positions of the leaders present (None: it follows them) — of a
    集体讨论, or of a 局领导研究决定 (`what` 研究决定, `present` 参加研究的).

    `review.collective_discussion_majority` (platform default 0.5, 民主集中制): the decision is made
    as proposed only when those agreeing are more than that share of the leaders present; when they
    are, the outcome may not be anything else."""
    share = _profile_value(agency, "review.collective_discussion_majority", on) or 0.5
    agreeing = sum(1 for p in people if p["position"] == Position.AGREE)
    carried = agreeing > share * len(people)
    said = f"{what}与{present}负责人的意见不一致：{present} {len(people)} 名，同意拟作出的决定的 {agreeing} 名，"
    if outcome == Outcome.AS_PROPOSED and not carried:
        return f"{said}未超过{share:.0%}，不能按拟作出的决定作出。"
    if outcome != Outcome.AS_PROPOSED and carried:
        return f"{said}已超过{share:.0%}，{what}应为“{Outcome.AS_PROPOSED.label}”。"
    return None


def _decision_key(rnd: ReviewRound) -> tuple:
    """Which decision of the review a round is about: its measure (行政强制) and its later decision."""
    return (rnd.proposal.get("measure") or {}).get("id"), rnd.proposal.get("decision")


def discussable_rounds(review: LegalReview) -> list[ReviewRound]:
    """The rounds a 集体讨论 or 局领导研究决定 may be about, latest first: of each decision the review holds
    (a measure, a later licence decision, or the case's own), the round that binds it (the latest not
    withdrawn, decision 0067), once it has an opinion (同意 or 退回)."""
    seen, found = set(), []
    for rnd in review.rounds.exclude(status=RoundStatus.WITHDRAWN).order_by("-number"):
        key = _decision_key(rnd)
        if key in seen:
            continue
        seen.add(key)
        if rnd.status in (RoundStatus.AGREED, RoundStatus.RETURNED):
            found.append(rnd)
    return found


def round_label(rnd: ReviewRound) -> str:
    """第N轮（the decision it is about）: how the page and the refusals name a round."""
    from .forms import proposal_text

    return f"第{rnd.number}轮（{proposal_text(rnd.review.case, rnd.proposal)}，{rnd.get_status_display()}）"


def discussed_round(review: LegalReview, chosen=None, *, what: str = "集体讨论") -> ReviewRound:
    """The round `chosen` (a ReviewRound, its number or id-less None) names among `discussable_rounds`:
    with one, that one; with several, the user must choose (decision 0075) — a discussion never
    attaches to the latest round by default."""
    rounds = discussable_rounds(review)
    if chosen in (None, ""):
        if not rounds:
            raise RuleViolation(f"{what}在法制审核出具审核意见之后进行。", field="review")
        if len(rounds) > 1:
            names = "；".join(round_label(r) for r in rounds)
            raise RuleViolation(f"本案有 {len(rounds)} 轮审核意见可供{what}：{names}。请选择{what}的是哪一轮。",
                                field="round")
        return rounds[0]
    number = getattr(chosen, "number", chosen)
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise RuleViolation("请选择审核轮次。", field="round") from None
    found = next((r for r in rounds if r.number == number), None)
    if found is None:
        if not review.rounds.filter(number=number).exists():
            raise RuleViolation(f"本审核没有第{number}轮。", field="round")
        raise RuleViolation(f"第{number}轮不能{what}：只能{what}每项决定尚有效的、已出具审核意见的那一轮"
                            f"（{'；'.join(round_label(r) for r in rounds) or '目前没有'}）。", field="round")
    return found


@transaction.atomic
def do_record_collective_discussion(review: LegalReview, *, held_on, attendees, outcome: str, minutes: str,
                                    actor, round=None) -> CollectiveDiscussion:  # noqa: A002 — the API's word
    """集体讨论: the leaders' discussion of one round's proposal (`round`: its number; required when the review
    holds several decisions with an opinion — a measure's, a later decision's), with quorum, positions and
    outcome."""
    review = LegalReview.objects.select_for_update(of=("self",)).select_related("case__agency").get(pk=review.pk)
    if not can(actor, "record_disagreement", review):
        raise NotPermitted(f"只有{review.case.agency.name}的法制审核人员或单位领导可以记录集体讨论。")
    rnd = discussed_round(review, round)
    grounds = discussion_grounds(review, rnd)
    if not grounds:
        raise RuleViolation("本案不属于须集体讨论的情形，审核意见也未形成须报集体讨论的分歧。", field="review")
    held_on = _date(held_on, "讨论日期", "held_on")
    if held_on < (rnd.opinion_on or rnd.submitted_on):
        raise RuleViolation("讨论日期不能早于审核意见的日期。", field="held_on")
    if outcome not in Outcome.values:
        raise RuleViolation("请选择讨论结果。", field="outcome")
    minutes = _text(minutes, "讨论记录（纪要）", "minutes", 20000)
    agency = review.case.agency
    people = _attendees(agency, attendees, held_on)
    leaders = _leaders_on(agency, held_on)
    share = _profile_value(agency, "review.collective_discussion_quorum", held_on) or 0.5
    if len(people) <= share * len(leaders) or len(people) < 2:
        raise RuleViolation(f"出席的负责人不足法定人数：{agency.name}有负责人 {len(leaders)} 名，出席须超过"
                            f"{share:.0%}且不少于 2 名，本次 {len(people)} 名。", field="attendees")
    problem = outcome_problem(agency, people, outcome, held_on)
    if problem:
        raise RuleViolation(problem, field="outcome")
    row = CollectiveDiscussion.objects.create(
        review=review, round=rnd, grounds=grounds, held_on=held_on, attendees=people, outcome=outcome,
        minutes=minutes, proposal=rnd.proposal, recorded_by=_user(actor), recorded_by_name=_name(actor),
        recorded_at=timezone.now())
    append_entry(action="record_collective_discussion", actor=actor, obj=row, payload={
        "case": review.case.number, "round": rnd.number, "grounds": [g["key"] for g in grounds],
        "held_on": held_on, "attendees": people, "outcome": outcome, "minutes": minutes})
    return row


@transaction.atomic
def do_record_negotiation(rnd: ReviewRound, *, held_on, participants, agreed: bool, text: str,
                          actor) -> Negotiation:
    """协商沟通: the handling unit and the legal office over a returned round's opinion."""
    rnd = _locked_round(rnd)
    if not can(actor, "negotiate", rnd):
        raise NotPermitted("只有本案承办机构的人员或法制审核人员可以记录协商沟通。")
    if rnd.status != RoundStatus.RETURNED:
        raise RuleViolation("只有被退回的审核意见才需要协商沟通。", field="round")
    if disagreement_procedure(rnd.review, rnd.submitted_on) == "collective_discussion":
        raise RuleViolation("按本机关的规定，审核分歧报局领导集体讨论决定，不另行协商。", field="round")
    held_on = _date(held_on, "协商日期", "held_on")
    if not isinstance(participants, list) or len(participants) < 2 or not all(
            isinstance(p, str) and p.strip() for p in participants):
        raise RuleViolation("请列出参加协商的双方人员（至少 2 人）。", field="participants")
    if not isinstance(agreed, bool):
        raise RuleViolation("请选择协商是否达成一致。", field="agreed")
    text = _text(text, "协商情况", "text", 4000)
    row = Negotiation.objects.create(round=rnd, held_on=held_on, participants=[p.strip() for p in participants],
                                     agreed=agreed, text=text, recorded_by=_user(actor), recorded_by_name=_name(actor),
                                     recorded_at=timezone.now())
    append_entry(action="record_review_negotiation", actor=actor, obj=row, payload={
        "case": rnd.review.case.number, "round": rnd.number, "held_on": held_on, "participants": row.participants,
        "agreed": agreed, "text": text})
    return row


@transaction.atomic
def do_record_leadership_decision(review: LegalReview, *, handling_opinion: str, review_opinion: str, decided_on,
                                  deciders, outcome: str, text: str, actor,
                                  round=None) -> LeadershipDecision:  # noqa: A002 — the API's word
    """局领导研究决定: after a failed negotiation both opinions go to the leaders; theirs counts. `deciders`:
    the leaders taking part, each with a position and words (`[{user, position, text}]`, as a 集体讨论's
    attendees); the outcome follows their positions (`outcome_problem`, `review.collective_discussion_majority`)."""
    review = LegalReview.objects.select_for_update(of=("self",)).select_related("case__agency").get(pk=review.pk)
    if not can(actor, "record_disagreement", review):
        raise NotPermitted(f"只有{review.case.agency.name}的法制审核人员或单位领导可以记录局领导研究决定。")
    if disagreement_procedure(review) != "leadership_decision":
        raise RuleViolation("按本机关的规定，审核分歧不由局领导研究决定（见集体讨论）。", field="review")
    rounds = [r for r in discussable_rounds(review) if r.status == RoundStatus.RETURNED]
    rnd = (discussed_round(review, round, what="报局领导研究决定") if round not in (None, "") or len(rounds) > 1
           else (rounds[0] if rounds else None))
    negotiation = _failed_negotiation(rnd) if rnd is not None and rnd.status == RoundStatus.RETURNED else None
    if negotiation is None:
        raise RuleViolation("须先与法制审核机构协商沟通，协商仍达不成一致的，方可将双方意见报局领导研究决定。",
                            field="review")
    handling_opinion = _text(handling_opinion, "承办机构意见", "handling_opinion", 4000)
    review_opinion = _text(review_opinion, "法制审核机构意见", "review_opinion", 4000)
    decided_on = _date(decided_on, "研究决定日期", "decided_on")
    if decided_on < negotiation.held_on:
        raise RuleViolation("研究决定日期不能早于协商日期。", field="decided_on")
    if outcome not in Outcome.values:
        raise RuleViolation("请选择局领导的决定。", field="outcome")
    text = _text(text, "研究决定的内容", "text", 4000)
    people = _attendees(review.case.agency, deciders, decided_on, field="deciders", who="局领导")
    problem = outcome_problem(review.case.agency, people, outcome, decided_on, what="研究决定", present="参加研究的")
    if problem:
        raise RuleViolation(problem, field="outcome")
    row = LeadershipDecision.objects.create(
        review=review, round=rnd, negotiation=negotiation, handling_opinion=handling_opinion,
        review_opinion=review_opinion, decided_on=decided_on, deciders=people,
        outcome=outcome, text=text, proposal=rnd.proposal, recorded_by=_user(actor), recorded_by_name=_name(actor),
        recorded_at=timezone.now())
    append_entry(action="record_leadership_decision", actor=actor, obj=row, payload={
        "case": review.case.number, "round": rnd.number, "decided_on": decided_on, "deciders": row.deciders,
        "outcome": outcome, "text": text, "handling_opinion": handling_opinion, "review_opinion": review_opinion})
    return row


# ---- the gate's questions ------------------------------------------------------------------------

def review_decided_by_disagreement(review: LegalReview) -> bool:
    """The review's latest round was decided by the disagreement procedure (`round_decided_by_disagreement`).
    The gate asks the round of the decision it is about, never this (a coercion or licence review holds
    the rounds of several decisions)."""
    return round_decided_by_disagreement(review.rounds.order_by("-number").first())


def round_decided_by_disagreement(rnd: ReviewRound | None) -> bool:
    """This round was returned, and the disagreement procedure held on it decided to make exactly its
    proposed decision (集体讨论 or 局领导研究决定, outcome 按拟作出的决定作出)."""
    if rnd is None or rnd.status != RoundStatus.RETURNED:
        return False
    last = _last_resolution(rnd)
    return last is not None and last.outcome == Outcome.AS_PROPOSED and last.proposal == rnd.proposal


def _last_resolution(rnd: ReviewRound):
    found = [*rnd.discussions.all(), *rnd.leadership_decisions.all()]
    return max(found, key=lambda r: (r.recorded_at, r.pk), default=None)


def flow_problem(rnd: ReviewRound) -> str | None:
    """What this file's procedures still lack before a decision on the round's proposal (None:
    nothing): the sign-off chain where the profile puts it before the decision (`before_decision`),
    and the collective
    discussion 行政处罚法 第五十七条 (or the agency's rules) require."""
    review = rnd.review
    if rnd.status == RoundStatus.AGREED and chain_of(review, rnd.submitted_on).get("before_decision"):
        pending = next_step(rnd)
        if pending is not None:
            return f"审核签批尚未完成（待“{pending['label']}”签署）。"
    required = collective_discussion_grounds(review, rnd.proposal, rnd.submitted_on)
    if required:
        discussed = rnd.discussions.order_by("-recorded_at", "-id").first()
        names = "；".join(f"{g['label']}（{g['citation']}）" for g in required)
        if discussed is None:
            return f"本案须经机关负责人集体讨论决定（{names}），尚未集体讨论。"
        if discussed.outcome != Outcome.AS_PROPOSED or discussed.proposal != rnd.proposal:
            return f"集体讨论的结果为“{discussed.get_outcome_display()}”，不能按拟作出的决定作出。"
    return None


def flow_state(rnd: ReviewRound) -> str | None:
    """How the gate describes a round this file's procedures hold up (None: say the usual)."""
    refused = rnd.signoffs.filter(approved=False).first()
    if refused is not None:
        return f"“{refused.step_label}”签批不同意，已退回承办机构"
    if rnd.status == RoundStatus.AGREED or round_decided_by_disagreement(rnd):
        problem = flow_problem(rnd)
        return problem.rstrip("。") if problem else None
    last = _last_resolution(rnd) if rnd.status == RoundStatus.RETURNED else None
    if last is not None:
        return f"{last._meta.verbose_name}的结果为“{last.get_outcome_display()}”"
    return None


# ---- 征求意见 -----------------------------------------------------------------------------------

def _round_reviewer(rnd: ReviewRound, actor, what: str):
    if getattr(actor, "pk", None) != rnd.reviewer_id or not can(actor, "consult", rnd):
        raise NotPermitted(f"只有本轮的审核人员可以{what}。")


def _access_limit(rnd: ReviewRound) -> dt.date:
    """The last day a consultant may read the case: the round's due date, else the profile's
    longest access grant from today."""
    if rnd.due:
        return rnd.due
    days = _profile_value(rnd.review.case.agency, "records.access_grant_max_days") or 30
    return timezone.localdate() + dt.timedelta(days=days)


def _case_scope(case) -> list[str]:
    scope = [f"cases.case:{case.pk}"]
    from sanxiang.records.models import AudioVideoRecord, EvidenceItem

    scope += [f"records.evidenceitem:{pk}" for pk in EvidenceItem.objects.filter(case=case).values_list("pk", flat=True)]
    scope += [f"records.audiovideorecord:{pk}"
              for pk in AudioVideoRecord.objects.filter(case=case).values_list("pk", flat=True)]
    return scope


def _roles_on(user, on: dt.date, *, exclude_grant=None):
    from django.db.models import Q

    from sanxiang.orgs.models import RoleAssignment

    rows = (RoleAssignment.objects.filter(user=user, active=True, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).select_related("agency"))
    granted = Consultation.objects.filter(grant__isnull=False).values("grant_id")
    return [r for r in rows.exclude(pk__in=granted) if r.pk != exclude_grant]


def outside_agency_text(user, agency, on: dt.date, *, grant=None) -> str:
    """"" when the account holds a role of `agency` on `on` (a consultation's own grant does not count);
    else "本机关以外的账号（…）" naming the agencies and roles it holds elsewhere."""
    roles = _roles_on(user, on, exclude_grant=grant)
    if any(r.agency_id == agency.pk for r in roles):
        return ""
    held = "；".join(sorted({f"{r.agency.name} {r.get_role_display()}" for r in roles}))
    return f"本机关以外的账号（{held or '未在任何机关登记角色'}）"


def _outside_problem(user, agency, on: dt.date) -> str | None:
    """An account of another agency may be consulted only as a registered 公职律师、法律顾问 or 专家 (its
    adviser role there); an officer, reviewer or leader of another agency may not be given this
    agency's records (decision 0082). An account with no role anywhere is an outside person's own."""
    roles = _roles_on(user, on)
    if not roles or any(r.agency_id == agency.pk for r in roles) or any(r.role == Role.ADVISER for r in roles):
        return None
    held = "；".join(sorted({f"{r.agency.name}的{r.get_role_display()}" for r in roles}))
    return (f"账号“{user.get_username()}”是{held}，不是登记的公职律师、法律顾问或专家：其他机关的账号只有登记为"
            f"法律顾问/公职律师/行业专家的，才能因征求意见获得查阅本机关案件的限时权限。")


@transaction.atomic
def do_consult(rnd: ReviewRound, *, expertise: str, name: str, question: str, organisation: str = "", user=None,
               access_until=None, on=None, actor) -> Consultation:
    """征求意见: ask a 公职律师, 法律顾问 or 行业专家 of the profile; an account that cannot read the
    case gets the 法律顾问 role on its records until `access_until` (at most the round's due date)."""
    from sanxiang.orgs.models import RoleAssignment

    rnd = _locked_round(rnd)
    _round_reviewer(rnd, actor, "征求意见")
    if rnd.status != RoundStatus.IN_REVIEW:
        raise RuleViolation("只能在审核期间征求意见。", field="round")
    case = rnd.review.case
    allowed = _profile_value(case.agency, "review.outside_expertise") or []
    if expertise not in allowed:
        listed = "、".join(allowed) if allowed else "（本机关的规定未列外部专业人员）"
        raise RuleViolation(f"可征求意见的只有：{listed}。", field="expertise")
    name = _text(name, "被征求意见人的姓名", "name", 100)
    question = _text(question, "征求意见的问题", "question", 2000)
    organisation = (organisation or "").strip()[:200]
    on = _date(on, "征求意见日期", "on")
    grant = None
    if user is not None:
        if not getattr(user, "is_active", False):
            raise RuleViolation("该账号已停用。", field="user")
        problem = _outside_problem(user, case.agency, on)
        if problem:
            raise RuleViolation(problem, field="user", code="consultant_of_another_agency")
        limit = _access_limit(rnd)
        until = _date_any(access_until, "查阅截止日期", "access_until") if access_until else limit
        if until > limit:
            raise RuleViolation(f"查阅授权不能超过本轮审核的期限（{limit:%Y-%m-%d}）。", field="access_until")
        if until < on:
            raise RuleViolation("查阅截止日期不能早于征求意见日期。", field="access_until")
        access_until = until
        if not can(user, "view", case):
            grant = RoleAssignment.objects.create(user=user, agency=case.agency, role=Role.ADVISER, valid_from=on,
                                                  valid_to=until, scope=_case_scope(case))
    elif access_until:
        raise RuleViolation("没有账号的人员不授予查阅权限。", field="access_until")
    row = Consultation.objects.create(round=rnd, expertise=expertise, name=name, organisation=organisation, user=user,
                                      grant=grant, access_until=access_until if user is not None else None,
                                      question=question, asked_on=on, asked_by=_user(actor))
    append_entry(action="consult_on_review", actor=actor, obj=row, payload={
        "case": case.number, "round": rnd.number, "expertise": expertise, "name": name,
        "organisation": organisation, "question": question, "access_until": row.access_until,
        "grant": grant.pk if grant else None, "scope": grant.scope if grant else [],
        "outside_agency": row.outside_agency})
    return row


def _date_any(value, label, field) -> dt.date:
    return inputs.day(value, label=label, field=field, empty=inputs.REQUIRED)


@transaction.atomic
def do_record_consultation_opinion(consultation: Consultation, *, opinion: str, on=None, actor) -> Consultation:
    """征求意见的回复: written by the consulted person (their account) or entered by the reviewer."""
    consultation = Consultation.objects.select_for_update(of=("self",)).select_related("round__review__case").get(
        pk=consultation.pk)
    rnd = consultation.round
    own = consultation.user_id is not None and getattr(actor, "pk", None) == consultation.user_id
    if not own:
        _round_reviewer(rnd, actor, "记录征求意见的回复")
    if consultation.opinion_on is not None:
        raise RuleViolation("该意见已经记录。", field="opinion")
    if rnd.status not in OPEN:
        raise RuleViolation("本轮审核已结束，不能再记录意见。", field="opinion")
    opinion = _text(opinion, "意见", "opinion", 4000)
    on = _date(on, "意见日期", "on")
    if on < consultation.asked_on:
        raise RuleViolation("意见日期不能早于征求意见日期。", field="on")
    consultation.opinion, consultation.opinion_on = opinion, on
    consultation.save(update_fields=["opinion", "opinion_on"])
    append_entry(action="record_consultation_opinion", actor=actor, obj=consultation, payload={
        "case": rnd.review.case.number, "round": rnd.number, "name": consultation.name, "opinion": opinion,
        "on": on})
    return consultation


def consultation_grants_to_end(today: dt.date | None = None):
    """Consultations whose access grant is still active although its day passed or the round ended."""
    from django.db.models import Q

    today = today or timezone.localdate()
    return (Consultation.objects.filter(grant__active=True)
            .filter(Q(access_until__lt=today) | ~Q(round__status__in=OPEN)).values_list("pk", flat=True))


@transaction.atomic
def do_end_consultation_access(consultation: Consultation, *, actor) -> Consultation:
    """征求意见查阅授权到期: the job ends the grant on its day or when the round ends."""
    consultation = Consultation.objects.select_for_update(of=("self",)).select_related("grant", "round__review__case").get(
        pk=consultation.pk)
    grant = consultation.grant
    if grant is None or not grant.active:
        return consultation
    grant.active = False
    grant.save(update_fields=["active"])
    append_entry(action="end_consultation_access", actor=actor, obj=consultation, payload={
        "case": consultation.round.review.case.number, "round": consultation.round.number,
        "grant": grant.pk, "name": consultation.name})
    return consultation


# ---- 审核调查 -----------------------------------------------------------------------------------

@transaction.atomic
def do_record_inquiry(rnd: ReviewRound, *, kind: str, held_on, persons: str, content: str, record=None,
                      actor) -> ReviewInquiry:
    """审核调查: the reviewer asked the party or investigated jointly, where the profile allows it."""
    rnd = _locked_round(rnd)
    _round_reviewer(rnd, actor, "记录审核调查")
    case = rnd.review.case
    if not _profile_value(case.agency, "review.reviewer_may_inquire_party"):
        raise RuleViolation(f"按{case.agency.name}的规定，审核人员以书面审核为主，不向当事人调查。", field="kind")
    if rnd.status != RoundStatus.IN_REVIEW:
        raise RuleViolation("只能在审核期间记录审核调查。", field="round")
    if kind not in InquiryKind.values:
        raise RuleViolation("请选择调查方式（向当事人了解情况或会同调查）。", field="kind")
    held_on = _date(held_on, "调查日期", "held_on")
    if held_on < rnd.submitted_on:
        raise RuleViolation("调查日期不能早于送审日期。", field="held_on")
    persons = _text(persons, "被调查人或参加人员", "persons", 500)
    content = _text(content, "调查内容", "content", 4000)
    if record is not None and getattr(record, "case_id", None) != case.pk:
        raise RuleViolation("笔录须是本案的文书。", field="record")
    row = ReviewInquiry.objects.create(round=rnd, kind=kind, held_on=held_on, persons=persons, content=content,
                                       record=record, recorded_by=_user(actor), recorded_by_name=_name(actor),
                                       recorded_at=timezone.now())
    append_entry(action="record_review_inquiry", actor=actor, obj=row, payload={
        "case": case.number, "round": rnd.number, "kind": kind, "held_on": held_on, "persons": persons,
        "content": content, "record": record.number if record is not None else None})
    return row
