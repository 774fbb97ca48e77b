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
