"""公示's scheduled work: obligation deadline warnings (临期/超期) and the end of display periods."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from sanxiang.access.actors import JOBS

BATCH = 1000


@task()
def publication_deadline_warnings() -> dict:
    """Each open 公示义务 gets the warning its deadline gives today — yellow within the profile's lead
    (working days, `deadlines.warning_lead_workdays`) before the due date, red after it — and its due
    date follows the deadline (a calendar change, a deferral). Idempotent; not ledgered (the warning
    follows the deadline, ledgered itself); a killed run leaves each obligation done or still to do."""
    from sanxiang.deadlines.models import Obligation
    from sanxiang.deadlines.queries import get_calendar, profile_key_of, warning_lead, warning_level

    from .models import ObligationStatus, PublicationObligation

    today, calendar, leads = timezone.localdate(), get_calendar(), {}
    changed = yellow = red = 0
    rows = list(PublicationObligation.objects.filter(status=ObligationStatus.OPEN).select_related("agency")
                .order_by("id")[:BATCH])
    deadlines = {ob.pk: ob for ob in Obligation.objects.filter(pk__in=[r.obligation_id for r in rows if r.obligation_id])}
    for row in rows:
        ob = deadlines.get(row.obligation_id)
        if row.agency_id not in leads:
            leads[row.agency_id] = warning_lead(profile_key_of(row.agency), today)
        level = (warning_level(ob, today, lead=leads[row.agency_id], calendar=calendar) or "") if ob else ""
        yellow += level == "yellow"
        red += level == "red"
        if level != row.warning:
            PublicationObligation.objects.filter(pk=row.pk).update(warning=level)
            changed += 1
    done = PublicationObligation.objects.exclude(status=ObligationStatus.OPEN).exclude(warning="").update(warning="")
    summary = f"公示义务：{yellow} 件临期，{red} 件已超期" if (yellow or red) else ""
    return {"done": changed + done, "summary": summary, "yellow": yellow, "red": red}


@task()
def expire_publications() -> dict:
    """公示期满停止公示 (总局令第45号第13条: 3 months for 通报批评 and low fines, 3 years otherwise, as the
    profile says): each publication whose display period ended is taken down by `JOBS`, one
    transaction each. Those the profile only allows to take down (乌鲁木齐: "may" after one year) are
    counted as prompts for the responsible head (the obligations page shows them), never taken down."""
    from sanxiang.core.errors import RuleViolation

    from .actions import do_expire_publication
    from .models import Publication, PublicationStatus

    today = timezone.localdate()
    shown = Publication.objects.filter(status__in=(PublicationStatus.PUBLISHED, PublicationStatus.CORRECTED))
    expired = 0
    for pub in shown.filter(expires_on__lte=today).order_by("id")[:BATCH]:
        try:
            do_expire_publication(pub, actor=JOBS, on=today)
            expired += 1
        except RuleViolation:  # moved meanwhile (withdrawn, corrected): the next run sees it again
            continue
    prompts = shown.filter(takedown_prompt_on__lte=today).exclude(expires_on__lte=today).count()
    parts = [f"{expired} 条公示期满已停止公示"] if expired else []
    if prompts:
        parts.append(f"{prompts} 条已满可撤下期限，请发布部门负责人决定是否撤下")
    late = missing_full_texts()
    if late:
        parts.append(f"{len(late)} 条已公示的行政处罚决定，其决定书已签发但公示信息未载有本机关规则要求的决定书全文，"
                     "请公示编辑更正（" + "；".join(late[:5]) + ("等" if len(late) > 5 else "") + "）")
    return {"done": expired, "summary": "；".join(parts), "prompts": prompts, "full_text_late": len(late)}


def missing_full_texts() -> list[str]:
    """「<机关> <案号>」 of each publication on show whose 决定书 was issued after it was published while its profile
    requires the full text (actions.full_text_late, decision 0103); the obligations page flags the same rows."""
    from .actions import full_text_late
    from .models import Publication, PublicationStatus

    shown = (Publication.objects.filter(status__in=(PublicationStatus.PUBLISHED, PublicationStatus.CORRECTED),
                                        obligation__case__procedure="general",
                                        obligation__case__documents__kind__in=("penalty_decision", "onsite_decision"),
                                        obligation__case__documents__status="issued")
             .select_related("agency", "obligation__case").distinct().order_by("id")[:BATCH])
    return [f"{pub.agency.name} {pub.obligation.case.number}" for pub in shown if full_text_late(pub)]
