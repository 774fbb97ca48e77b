"""法制审核 gate: `review_required(case, proposed_decision)` and the check the decision runs.

Until the legal-review issue replaces it, the answer is 行政处罚法 第五十八条 read from flags on
the proposal (and the profile's "all general-procedure penalties" switch); the review itself is
the minimal `CaseReview` record (a reviewer who did not handle the case, opinion 同意 or 退回).
"""

from __future__ import annotations

from decimal import Decimal

ART58 = "行政处罚法第五十八条"
RULES = {
    "public_interest": ("涉及重大公共利益", f"{ART58}第一款第（一）项"),
    "hearing": ("直接关系当事人或者第三人重大权益，经过听证程序", f"{ART58}第一款第（二）项"),
    "complex": ("案件情况疑难复杂、涉及多个法律关系", f"{ART58}第一款第（三）项"),
    "other_statutory": ("法律、法规规定应当进行法制审核的其他情形", f"{ART58}第一款第（四）项"),
}


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def proposal_of(case) -> dict:
    """The proposed decision in the vocabulary of the legal-review issue (its PROPOSAL.json)."""
    hearing = "held" if case.hearing_held_on else ("requested" if case.hearing_requested_on else "none")
    return {"kind": case.kind, "procedure": case.procedure, "penalties": sorted(case.proposed_penalties),
            "fine": _money(case.proposed_fine), "confiscation_value": _money(case.proposed_confiscation),
            "hearing": hearing, "flags": sorted(case.review_flags)}


def review_required(case, proposed_decision: dict) -> tuple[bool, list[dict]]:
    """Whether the decision needs a passed legal review, and the rules that say so."""
    matched = []
    flags = set(proposed_decision.get("flags") or [])
    for key in ("public_interest", "complex", "other_statutory"):
        if key in flags:
            matched.append(key)
    if proposed_decision.get("hearing") == "held":
        matched.append("hearing")
    found = [{"key": key, "label": RULES[key][0], "citation": RULES[key][1]} for key in sorted(matched)]
    if proposed_decision.get("procedure") == "general" and _all_general(case):
        found.append({"key": "all_general_procedure_penalties", "label": "一般程序行政处罚决定均须法制审核",
                      "citation": f"{case.agency.name}重大执法决定法制审核目录清单"})
    return bool(found), found


def _all_general(case) -> bool:
    from sanxiang.deadlines.engine import DeadlineError
    from sanxiang.deadlines.queries import profile_key_of, profile_value

    try:
        return bool(profile_value(profile_key_of(case.agency), "review.all_general_procedure_penalties"))
    except DeadlineError:
        return False


def passed_review(case, proposal: dict):
    """The latest review of exactly this proposal, if it passed (after the hearing when one was held)."""
    latest = case.reviews.order_by("-id").first()
    if latest is None or latest.opinion != latest.PASS or latest.proposal != proposal:
        return None
    return latest


def review_problem(case, proposal: dict) -> str | None:
    required, found = review_required(case, proposal)
    if not required or passed_review(case, proposal) is not None:
        return None
    named = "；".join(f"{r['label']}（{r['citation']}）" for r in found)
    latest = case.reviews.order_by("-id").first()
    if latest is not None and latest.opinion == latest.PENDING:
        state = "法制审核尚未完成"
    elif latest is not None and latest.opinion == latest.RETURN:
        state = "法制审核意见为退回"
    elif latest is not None:
        state = "审核通过后拟作出的决定已变更，须重新审核"
    else:
        state = "尚未进行法制审核"
    return f"本案须经法制审核后方可作出决定（{named}），{state}。"
