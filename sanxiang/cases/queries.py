"""Reads of cases, filtered in SQL by the access policy (agency, unit, assignment, confidentiality)."""

from __future__ import annotations

import json

from django.db.models import Q

from sanxiang.access.policy import restrict
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.registry import action_label

from .models import Case

CHILD_TYPES = ("cases.casehandler", "cases.caseparty", "cases.caseparticipant", "cases.recusal",
               "cases.onsiteact", "cases.casereview", "cases.casepayment", "cases.caseappeal")


def cases_for(user, *, status: str | None = None, unit=None, mine: bool = False):
    """The cases `user` may read, newest first."""
    found = restrict(Case.objects.select_related("agency", "unit"), user)
    if status:
        found = found.filter(status=status)
    if unit is not None:
        found = found.filter(unit=unit)
    if mine:
        found = found.filter(accesses__user=user).distinct()
    return found.order_by("-created_at", "-id")


def case_for(user, pk) -> Case | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return cases_for(user).filter(pk=pk).first()


def api_case(request, case_id, *, required: bool = False) -> Case:
    """The case `case_id` within the API caller's reach (agency, unit, assignment, confidentiality), for
    every app's API: 401 before anything is looked up, 404 for another agency's case or none (one answer,
    so ids cannot be probed); `required`: a missing `case_id` is a 422 naming the field."""
    from sanxiang.core.errors import NotAuthenticated, NotFound, RuleViolation

    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated()
    if required and case_id in (None, ""):
        raise RuleViolation("请指定案件（case_id）。", field="case_id")
    found = case_for(user, case_id)
    if found is None:
        raise NotFound("未找到该案件，或您无权查看。", code="case_not_found")
    return found


def waiting_for_head(user):
    """Cases of the head's units in a state an approval move leaves (待办; `approval_moves`), that
    the head does not handle."""
    from .workflows import approval_moves

    return cases_for(user).filter(status__in=list(approval_moves())).exclude(handlers__person__user=user)


def obligations_of(case):
    return Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk)).prefetch_related(
        "pauses", "extensions").order_by("start", "id")


def timeline(case) -> list[dict]:
    """Every ledger entry of the case, its rows and its deadlines, in ledger order (the reader
    already may read the case)."""
    rows = Q(object_type="cases.case", object_id=str(case.pk))
    for model_type, ids in _child_ids(case).items():
        rows |= Q(object_type=model_type, object_id__in=[str(i) for i in ids])
    rows |= Q(object_type="deadlines.obligation",
              object_id__in=[str(i) for i in obligations_of(case).values_list("pk", flat=True)])
    entries = list(LedgerEntry.objects.filter(rows).order_by("index"))
    names = _names({e.actor for e in entries})
    out = []
    for e in entries:
        payload = json.loads(e.entry).get("payload", {})
        out.append({"index": e.index, "at": e.created_at, "actor": names.get(e.actor, e.actor), "action": e.action,
                    "label": action_label(e.action), "object_type": e.object_type, "payload": payload})
    return out


def _names(usernames) -> dict[str, str]:
    """People see names, not account names (system actors keep their Chinese-free labels)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=usernames)
    return {u.username: u.get_full_name() or u.username for u in users}


def _child_ids(case) -> dict[str, list[int]]:
    return {
        "cases.casehandler": list(case.handlers.values_list("pk", flat=True)),
        "cases.caseparty": list(case.case_parties.values_list("pk", flat=True)),
        "cases.caseparticipant": list(case.participants.values_list("pk", flat=True)),
        "cases.recusal": list(case.recusals.values_list("pk", flat=True)),
        "cases.onsiteact": list(case.onsite_acts.values_list("pk", flat=True)),
        "cases.casereview": list(case.reviews.values_list("pk", flat=True)),
        "cases.casepayment": list(case.payments.values_list("pk", flat=True)),
        "cases.caseappeal": list(case.appeals.values_list("pk", flat=True)),
        **_review_ids(case),
    }


def _review_ids(case) -> dict[str, list[int]]:
    """法制审核 of the case, its rounds and supplement requests (sanxiang/review)."""
    from sanxiang.review.models import LegalReview, ReviewRound, ReviewSupplement

    return {"review.legalreview": list(LegalReview.objects.filter(case=case).values_list("pk", flat=True)),
            "review.reviewround": list(ReviewRound.objects.filter(review__case=case).values_list("pk", flat=True)),
            "review.reviewsupplement": list(ReviewSupplement.objects.filter(round__review__case=case)
                                            .values_list("pk", flat=True))}
