"""法制审核 gate: `review_required(case, proposed_decision)` and the check the decision runs.

The answer is the agency's 法制审核目录清单 (sanxiang/review: 行政处罚法 第五十八条 and the
agency's own rules, in force on the decision date); the review itself is the 法制审核 procedure of
sanxiang/review (its rounds; cases reviewed before it keep their minimal `CaseReview` records).
"""

from __future__ import annotations

from decimal import Decimal


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


# 决定事项 after the kind's main decision, and the kind each belongs to (PROPOSAL.json `decision`).
DECISION_KINDS = {"change": "licence", "extension": "licence", "revocation": "licence", "deregistration": "licence",
                  "disposal": "coercion"}
# 变更、撤销许可 change the decision that granted it (the catalogues' flag 变更、撤销原执法决定).
CHANGING_DECISIONS = {"change", "revocation"}


def _quantity(value) -> str:
    """A quantity as people write it: 40, 2.5 — never the exponent form `Decimal.normalize` gives (4E+1)."""
    return format(Decimal(value).normalize(), "f")


def measure_of(measure, measure_kind: str | None = None) -> dict:
    """The 行政强制 measure a coercion decision is about, as the review names it: the measure, the kind
    decided (查封/扣押 for `seal_or_seize` of a 先行登记保存, else the measure's own) and its items
    (name, spec, quantity, unit). A review of one measure is not a review of another."""
    items = sorted([item.name, item.spec, _quantity(item.quantity), item.unit]
                   for item in measure.items.filter(disposal=""))
    return {"id": measure.pk, "kind": measure_kind or measure.kind, "items": items}


def proposal_of(case, kind: str | None = None, decision: str | None = None, *, measure=None,
                measure_kind: str | None = None) -> dict:
    """The proposed decision in the vocabulary of the legal-review issue (its PROPOSAL.json). `kind`:
    a decision of another kind within the case (a 行政强制 decision in a penalty case), which carries
    the case's flags and no penalty; a coercion decision names its `measure` (`measure_of`).
    `decision`: a later decision of the kind (变更、延续、撤销、注销许可; the 处理决定 on seized goods),
    which carries the case's flags (变更、撤销: also 变更、撤销原执法决定), no penalty and no hearing (the
    case's hearing was the grant's)."""
    if decision is not None:
        flags = set(case.review_flags) | ({"changes_decision"} if decision in CHANGING_DECISIONS else set())
        return {"kind": DECISION_KINDS[decision], "decision": decision, "procedure": "general", "penalties": [],
                "fine": None, "confiscation_value": None, "hearing": "none", "flags": sorted(flags)}
    if kind is not None and kind != case.kind:
        proposal = {"kind": kind, "procedure": "general", "penalties": [], "fine": None, "confiscation_value": None,
                    "hearing": "none", "flags": sorted(case.review_flags)}
        if measure is not None:
            proposal["measure"] = measure_of(measure, measure_kind)
        return proposal
    if case.kind == "inspection_plan":
        from .kinds.inspection_plan import plan_of  # 年度抽查计划: the plan's year and items are the proposal

        return {"kind": case.kind, "procedure": case.procedure, "penalties": [], "fine": None,
                "confiscation_value": None, "hearing": "none", "flags": sorted(case.review_flags),
                "plan": plan_of(case.inspection_plan)}
    hearing = "held" if case.hearing_held_on else ("requested" if case.hearing_requested_on else "none")
    proposal = {"kind": case.kind, "procedure": case.procedure, "penalties": sorted(case.proposed_penalties),
                "fine": _money(case.proposed_fine), "confiscation_value": _money(case.proposed_confiscation),
                "hearing": hearing, "flags": sorted(case.review_flags)}
    if getattr(case, "no_penalty_ground", ""):  # 拟不予行政处罚 (decision 0075): only then, so older rounds still match
        proposal["no_penalty_ground"] = case.no_penalty_ground
    return proposal


def review_required(case, proposed_decision: dict, *, on=None) -> tuple[bool, list[dict]]:
    """Whether the decision needs a passed legal review, and the rules that say so: the agency's
    法制审核目录清单 in force on `on` (sanxiang.review.determination)."""
    from sanxiang.review.determination import review_required as catalogue_answer

    return catalogue_answer(case, proposed_decision, on=on)


def _rounds(case, proposal: dict):
    """The latest round about the proposal's decision (its kind; a coercion decision: its measure; a
    later decision: that decision), and the one that binds it: the latest not withdrawn."""
    from sanxiang.review.models import RoundStatus
    from sanxiang.review.procedure import latest_round_of

    about = {"measure": (proposal.get("measure") or {}).get("id"), "decision": proposal.get("decision")}
    latest = latest_round_of(case, proposal.get("kind"), **about)
    if latest is None or latest.status != RoundStatus.WITHDRAWN:
        return latest, latest
    return latest, latest_round_of(case, proposal.get("kind"), binding=True, **about)


def binding_round(case, proposal: dict):
    """The round that binds this decision whatever the catalogue now says, or None: the latest round
    of the case's review of the decision's kind (for a coercion decision: of the same measure; for a
    later decision: of that decision) that was not withdrawn. 行政处罚法 第五十八条 makes the review one
    of the decision to be made: once it is submitted, the decision waits for it — dropping a flag or an
    amount afterwards does not end it; only a reasoned withdrawal (撤回送审, by the handling unit's head
    or a leader) does, and a withdrawal takes back only its own round: a returned round stays binding
    when a later round is submitted and withdrawn (decision 0067). The ways out of a returned round are a
    passed round or the disagreement procedure."""
    return _rounds(case, proposal)[1]


def passed_review(case, proposal: dict, *, rounds=None):
    """The review that lets exactly this proposal be decided, or None: the binding round of the
    decision's 法制审核 agreed to this proposal (or the disagreement procedure held on that round
    decided it). A case reviewed before the review procedure existed is read from its minimal
    `CaseReview` records. `rounds`: `_rounds(case, proposal)` when the caller has read them already."""
    from sanxiang.review.models import RoundStatus
    from sanxiang.review.procedure import round_decided_by_disagreement

    latest, bound = rounds or _rounds(case, proposal)
    if latest is not None:
        if bound is None or bound.proposal != proposal:
            return None
        if bound.status == RoundStatus.AGREED or round_decided_by_disagreement(bound):
            from sanxiang.review.flow import flow_problem  # 签批 and 集体讨论 (review/flow.py)

            return bound if flow_problem(bound) is None else None
        return None
    legacy = case.reviews.order_by("-id").first()
    if legacy is None or legacy.opinion != legacy.PASS or legacy.proposal != proposal:
        return None
    return legacy


def _round_state(latest, proposal: dict, open_states) -> str:
    from sanxiang.review.models import RoundStatus

    if latest.proposal != proposal and latest.status == RoundStatus.AGREED:
        return "审核通过后拟作出的决定已变更，须重新审核"
    if latest.proposal != proposal and latest.status == RoundStatus.RETURNED:
        return "审核退回后拟作出的决定已变更，须重新审核"
    from sanxiang.review.flow import flow_state

    told = flow_state(latest)
    if told:
        return told
    if latest.status in open_states:
        return f"法制审核尚未完成（第{latest.number}轮，{latest.get_status_display()}）"
    if latest.status == RoundStatus.RETURNED:
        return f"法制审核意见为“{latest.opinion_label}”，已退回承办机构"
    if latest.status == RoundStatus.WITHDRAWN:
        return "送审已撤回，尚未重新提交法制审核"
    return "审核通过后拟作出的决定已变更，须重新审核"


def _state(case, proposal: dict, rounds=None) -> str:
    from sanxiang.review.procedure import OPEN_ROUND

    last, latest = rounds or _rounds(case, proposal)
    if latest is not None and last is not latest:
        return (f"第{last.number}轮送审已撤回，第{latest.number}轮的审核仍然有效："
                f"{_round_state(latest, proposal, OPEN_ROUND)}")
    latest = latest or last
    if latest is not None:
        return _round_state(latest, proposal, OPEN_ROUND)
    legacy = case.reviews.order_by("-id").first()
    if legacy is not None and legacy.opinion == legacy.PENDING:
        return "法制审核尚未完成"
    if legacy is not None and legacy.opinion == legacy.RETURN:
        return "法制审核意见为退回"
    if legacy is not None:
        return "审核通过后拟作出的决定已变更，须重新审核"
    return "尚未进行法制审核"


def proposal_change_problem(case) -> str | None:
    """Why the case's proposal may not change now (None: it may): while a round of its review is open,
    the legal office reviews that proposal — changing it (a flag, an amount) first needs the round
    withdrawn. After an opinion a change is allowed and reopens review: the gate then asks a new round
    (`binding_round`)."""
    from sanxiang.review.procedure import OPEN_ROUND, latest_round_of

    latest = latest_round_of(case, case.kind)
    if latest is not None and latest.status in OPEN_ROUND:
        return (f"拟作出的决定正在法制审核中（第{latest.number}轮，{latest.get_status_display()}），"
                "须由承办机构负责人或单位领导撤回送审后方可修改。")
    return None


def review_problem(case, proposal: dict, *, on=None) -> str | None:
    """None when the decision may be made; else the refusal, naming the rules that required review.
    The one rule of the gate: a decision the catalogue requires review of, or one whose review was
    submitted and not withdrawn (`binding_round`), is made only as the agreed round's proposal —
    the same kind, measure, penalties, amounts and flags; another proposal needs a new round."""
    required, found = review_required(case, proposal, on=on)
    rounds = _rounds(case, proposal)  # read once for the three questions below (nothing is written between)
    bound = rounds[1]  # binding_round
    if (not required and bound is None) or passed_review(case, proposal, rounds=rounds) is not None:
        return None
    if not required:
        found = bound.review.rules or []
        named = "；".join(f"{r['label']}（{r['citation']}）" for r in found) or "已提交法制审核"
        return (f"本案的拟作出决定已提交法制审核（{named}），送审未撤回的，须审核通过后方可作出审核过的决定，"
                f"{_state(case, proposal, rounds)}。")
    named = "；".join(f"{r['label']}（{r['citation']}）" for r in found)
    return f"本案须经法制审核后方可作出决定（{named}），{_state(case, proposal, rounds)}。"
