"""Reads of the review procedure for pages and desks, each within the reader's reach (`restrict`)."""

from __future__ import annotations

from django.db.models import F

from .models import LegalReview, ReviewRound, RoundStatus


def reviews_of_case(user, case):
    """The case's reviews the user may read, newest first, each with all its rounds (`rounds_prefetched`)."""
    from django.db.models import Prefetch

    rounds = ReviewRound.objects.restrict(user).select_related("reviewer").order_by("number")
    return (LegalReview.objects.restrict(user).filter(case=case)
            .prefetch_related(Prefetch("rounds", queryset=rounds, to_attr="rounds_prefetched")).order_by("-id"))


def review_queue(user):
    """审核工作台: rounds waiting on this reviewer (审核中 assigned to them) and rounds of their agency
    waiting for a reviewer (待确定审核人员), the nearest due date first (no limit last)."""
    from django.db.models import Q

    return (ReviewRound.objects.restrict(user)
            .filter(Q(status=RoundStatus.IN_REVIEW, reviewer=user) | Q(status=RoundStatus.SUBMITTED))
            .select_related("review__case", "review__case__unit", "reviewer")
            .order_by(F("due").asc(nulls_last=True), "submitted_on", "id"))


def returned_rounds(user):
    """承办机构: the latest rounds returned to the handling unit (退回承办机构) or asked to supplement
    (退回补充材料) that the user may read, oldest first."""
    return (ReviewRound.objects.restrict(user)
            .filter(status__in=(RoundStatus.RETURNED, RoundStatus.SUPPLEMENTING))
            .exclude(review__rounds__number__gt=F("number"))
            .select_related("review__case", "review__case__unit").order_by("opinion_on", "id"))
