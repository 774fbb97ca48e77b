"""年报预警 (job): before each of the profile's dates — the units' submission to the legal office,
the publication, and the report to the recipients (`delivery_due`: a published report with a recipient
not yet reported to; decision 0098) — the open submissions and reports get yellow within the profile's warning lead
(working days) and red after the date; the workbench and the pages show it. Idempotent, one row at a
time; a level that changes is ledgered (so `verify` sees who warned whom, and when)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sanxiang.access.actors import JOBS

from .figures import dates, undelivered
from .models import AnnualReport, ReportStatus, SubmissionStatus, UnitSubmission

BATCH = 500


def level_for(due: dt.date | None, today: dt.date, *, lead: int, calendar) -> str:
    from sanxiang.deadlines.engine import subtract_workdays

    if due is None:
        return ""
    if today > due:
        return "red"
    if today >= subtract_workdays(due, lead, calendar):
        return "yellow"
    return ""


def warn(today: dt.date | None = None) -> dict:
    from sanxiang.deadlines.queries import get_calendar, profile_key_of, warning_lead
    from sanxiang.ledger.actions import append_entry

    today, calendar = today or timezone.localdate(), get_calendar()
    changed = yellow = red = 0
    work = [(AnnualReport, r, dates(r.agency, r.year).due, r.agency)
            for r in AnnualReport.objects.filter(status__in=(ReportStatus.COMPILING, ReportStatus.APPROVED))
            .select_related("agency").order_by("id")[:BATCH]]
    # published, not yet reported to every recipient the profile names: warned by the delivery date (decision 0098)
    for r in (AnnualReport.objects.filter(status=ReportStatus.PUBLISHED).select_related("agency")
              .prefetch_related("deliveries").order_by("id")[:BATCH]):
        d = dates(r.agency, r.year)
        work.append((AnnualReport, r, d.delivery_due if undelivered(r, d) else None, r.agency))
    work += [(UnitSubmission, s, dates(s.report.agency, s.report.year).unit_submission_due, s.report.agency)
             for s in UnitSubmission.objects.filter(status__in=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED))
             .select_related("report__agency").order_by("id")[:BATCH]]
    leads = {}
    for model, row, due, agency in work:
        if agency.pk not in leads:
            leads[agency.pk] = warning_lead(profile_key_of(agency), today)
        level = level_for(due, today, lead=leads[agency.pk], calendar=calendar)
        yellow += level == "yellow"
        red += level == "red"
        if level == row.warning:
            continue
        with transaction.atomic():
            locked = model.objects.select_for_update().filter(pk=row.pk, status=row.status).first()
            if locked is None:
                continue
            model.objects.filter(pk=locked.pk).update(warning=level)
            append_entry(action="warn_annual_report", actor=JOBS, obj=locked,
                         payload={"level": level, "due": due.isoformat() if due else None})
            changed += 1
    summary = f"年报：{yellow} 项临近截止日，{red} 项已过截止日" if (yellow or red) else ""
    return {"done": changed, "summary": summary, "yellow": yellow, "red": red}


@task()
def annual_report_warnings() -> dict:
    """The scheduled run of `warn` (today)."""
    return warn()


PDF_BATCH = 10


@task()
def render_annual_report_pdfs() -> dict:
    """年报 PDF: published reports without their PDF yet (enqueued at publication; the hourly run
    catches up a lost enqueue or a failure LibreOffice has since recovered from)."""
    from .actions import do_render_annual_pdf

    done = failed = 0
    for report in (AnnualReport.objects.filter(status=ReportStatus.PUBLISHED, pdf_path="")
                   .select_related("agency").order_by("id")[:PDF_BATCH]):
        result = do_render_annual_pdf(report, actor=JOBS)
        done += bool(result.pdf_path)
        failed += not result.pdf_path
    summary = (f"生成 {done} 份年报 PDF" + (f"，{failed} 份失败" if failed else "")) if done or failed else ""
    return {"done": done + failed, "summary": summary, "failed": failed}
