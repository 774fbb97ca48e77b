"""The review's scheduled work: the warnings of the review clocks (法制审核时限预警)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sanxiang.access.actors import JOBS

BATCH = 1000


@task()
def review_clock_warnings() -> dict:
    """Each open round gets the warning its clock gives today — yellow within the profile's lead
    (working days) before the due date, red after it, none while paused for supplement — and its due
    date follows the clock when a calendar change moved it. Idempotent, one round at a time (a killed
    run leaves each round done or still to do)."""
    from sanxiang.deadlines.queries import get_calendar, profile_key_of, warning_lead, warning_level
    from sanxiang.ledger.actions import append_entry

    from .models import ReviewRound
    from .procedure import OPEN_ROUND, _clock

    today, calendar, leads = timezone.localdate(), get_calendar(), {}
    changed = yellow = red = 0
    rounds = (ReviewRound.objects.filter(status__in=OPEN_ROUND).select_related("review__case__agency")
              .order_by("id")[:BATCH])
    for rnd in rounds:
        ob = _clock(rnd)
        agency = rnd.review.case.agency
        if agency.pk not in leads:
            leads[agency.pk] = warning_lead(profile_key_of(agency), today)
        level = (warning_level(ob, today, lead=leads[agency.pk], calendar=calendar) or "") if ob else ""
        yellow += level == "yellow"
        red += level == "red"
        due = ob.due if ob is not None else None
        if level == rnd.warning and due == rnd.due:
            continue
        with transaction.atomic():
            locked = ReviewRound.objects.select_for_update().filter(pk=rnd.pk, status__in=OPEN_ROUND).first()
            if locked is None:
                continue
            if locked.due != due:
                locked.due = due
                locked.save(update_fields=["due"])
                append_entry(action="sync_review_due", actor=JOBS, obj=locked,
                             payload={"case": rnd.review.case.number, "round": locked.number,
                                      "due": due.isoformat() if due else None})
            ReviewRound.objects.filter(pk=locked.pk).update(warning=level)
            changed += 1
    summary = f"法制审核时限：{yellow} 轮临期，{red} 轮已超期" if (yellow or red) else ""
    return {"done": changed, "summary": summary, "yellow": yellow, "red": red}


@task()
def review_supplement_warnings() -> dict:
    """Each open 补交期限 (退回补充材料, owed by the handling unit: the deadline 法制审核补充材料期限) gives
    its request the warning of today — yellow within the profile's lead (working days) before the
    day, red after it — as the review clock's job does for the reviewer. Idempotent, one request at
    a time; not ledgered (the warning follows the obligation, ledgered itself)."""
    from sanxiang.deadlines.models import Obligation
    from sanxiang.deadlines.queries import get_calendar, profile_key_of, warning_lead, warning_level

    from .models import ReviewSupplement, RoundStatus
    from .workflows import SUPPLEMENT_CLOCK

    today, calendar, leads = timezone.localdate(), get_calendar(), {}
    changed = yellow = red = 0
    asked = {"supplied_on__isnull": True, "round__status": RoundStatus.SUPPLEMENTING}
    waiting = (ReviewSupplement.objects.filter(**asked).select_related("round__review__case__agency")
               .order_by("id")[:BATCH])
    deadlines = {ob.object_id: ob for ob in Obligation.objects.filter(
        object_type=ReviewSupplement().ledger_type(), kind=SUPPLEMENT_CLOCK,
        object_id__in=[str(row.pk) for row in waiting])}
    for row in waiting:
        ob = deadlines.get(str(row.pk))
        agency = row.round.review.case.agency
        if agency.pk not in leads:
            leads[agency.pk] = warning_lead(profile_key_of(agency), today)
        level = (warning_level(ob, today, lead=leads[agency.pk], calendar=calendar) or "") if ob else ""
        yellow += level == "yellow"
        red += level == "red"
        if level != row.warning:
            ReviewSupplement.objects.filter(pk=row.pk).update(warning=level)
            changed += 1
    done = ReviewSupplement.objects.exclude(warning="").exclude(**asked).update(warning="")  # supplied or ended
    summary = f"法制审核补交材料：{yellow} 件临期，{red} 件已超期" if (yellow or red) else ""
    return {"done": changed + done, "summary": summary, "yellow": yellow, "red": red}
