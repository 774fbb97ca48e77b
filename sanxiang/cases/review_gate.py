"""法制审核 gate: `review_required(case, proposed_decision)` and the check the decision runs.

The answer is the agency's 法制审核目录清单 (sanxiang/review: 行政处罚法 第五十八条 and the
agency's own rules, in force on the decision date); the review itself is still the minimal
`CaseReview` record (a reviewer who did not handle the case, opinion 同意 or 退回).
"""

from __future__ import annotations

from decimal import Decimal


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def proposal_of(case) -> dict:
    """The proposed decision in the vocabulary of the legal-review issue (its PROPOSAL.json)."""
    hearing = "held" if case.hearing_held_on else ("requested" if case.hearing_requested_on else "none")
    return {"kind": case.kind, "procedure": case.procedure, "penalties": sorted(case.proposed_penalties),
            "fine": _money(case.proposed_fine), "confiscation_value": _money(case.proposed_confiscation),
            "hearing": hearing, "flags": sorted(case.review_flags)}


def review_required(case, proposed_decision: dict, *, on=None) -> tuple[bool, list[dict]]:
    """Whether the decision needs a passed legal review, and the rules that say so: the agency's
    法制审核目录清单 in force on `on` (sanxiang.review.determination)."""
    from sanxiang.review.determination import review_required as catalogue_answer

    return catalogue_answer(case, proposed_decision, on=on)


def passed_review(case, proposal: dict):
    """The latest review of exactly this proposal, if it passed (after the hearing when one was held)."""
    latest = case.reviews.order_by("-id").first()
    if latest is None or latest.opinion != latest.PASS or latest.proposal != proposal:
        return None
    return latest


def review_problem(case, proposal: dict, *, on=None) -> str | None:
    required, found = review_required(case, proposal, on=on)
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
