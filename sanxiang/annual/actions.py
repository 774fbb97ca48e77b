"""Writes of the annual report (行政执法统计年报): each `do_*` checks permission and the rules and
appends its ledger entry in the same transaction. State moves go through `workflows.py`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.workflow import apply

from .figures import dates
from .models import AnnualReport, RecordedFigure, RecordedItem, ReportDelivery, ReportStatus, UnitSubmission
from .workflows import REPORT, SUBMISSION

register_actions({
    "open_annual_report": "开始汇总年度行政执法统计年报",
    "submit_annual_figures": "科室报送年度执法数据",
    "return_annual_figures": "退回科室年度执法数据",
    "record_annual_figure": "录入年报数字（注明来源）",
    "approve_annual_report": "审核通过年度行政执法统计年报",
    "publish_annual_report": "公开年度行政执法统计年报",
    "deliver_annual_report": "报送年度行政执法统计年报",
    "warn_annual_report": "年报截止日预警",
    "render_annual_report_pdf": "生成年度行政执法统计年报 PDF",
    "fail_annual_report_pdf": "年度行政执法统计年报 PDF 生成失败",
})


def _day(value, field="on") -> dt.date:
    return inputs.day(value, field=field)


def do_open_annual_report(agency, year: int, *, actor) -> AnnualReport:
    """开始汇总: the agency's report on `year`, with one submission per unit of the agency."""
    if not can(actor, "compile_annual_report", agency):
        raise NotPermitted("只有法制机构（法制审核人员）或单位领导可以开始汇总年度执法统计年报。")
    if not isinstance(year, int) or year < 2000 or year >= timezone.localdate().year + 1:
        raise RuleViolation("统计年度应为已开始的年份。", field="year")
    from .workflows import year_over

    problem = year_over(year)  # last year's figures (§6): not the year still running (decision 0098)
    if problem:
        raise RuleViolation(problem, field="year", code="year_not_ended")
    from sanxiang.orgs.models import Unit

    with transaction.atomic():
        try:
            with transaction.atomic():
                report = AnnualReport.objects.create(agency=agency, year=year, created_at=timezone.now())
        except IntegrityError:
            raise Conflict(f"{year}年度的统计年报已经开始汇总。", field="year") from None
        units = list(Unit.objects.filter(agency=agency).order_by("id"))
        for unit in units:
            UnitSubmission.objects.create(report=report, unit=unit)
        d = dates(agency, year)
        append_entry(action="open_annual_report", actor=actor, obj=report, payload={
            "year": year, "units": [u.name for u in units],
            "unit_submission_due": d.unit_submission_due.isoformat() if d.unit_submission_due else None,
            "due": d.due.isoformat() if d.due else None})
        for sub in report.submissions.all():
            append_entry(action="open_annual_report", actor=actor, obj=sub, payload={"year": year,
                                                                                      "unit": sub.unit.name})
    return report


def do_submit_unit_figures(submission: UnitSubmission, *, actor, on=None) -> UnitSubmission:
    """报送: the unit's figures of the year, computed from its cases, sent to the legal office."""
    return apply(submission, "submit", actor=actor, table=SUBMISSION, on=_day(on))


def do_return_unit_figures(submission: UnitSubmission, *, reason: str, actor, on=None) -> UnitSubmission:
    """退回: the legal office sends a submission back with its reason."""
    return apply(submission, "return", actor=actor, table=SUBMISSION, reason=reason, on=_day(on))


def item_problem(report, item: str) -> str | None:
    """Why `item` may not be recorded for `report` (None: it may): a 征收/征用 the agency holds no power for
    (`publicity.annual_report.no_duty`) or does not report (`…kinds`) — its row says 无相关职责 and would never
    show the number (s25 tester10b #9, decision 0098)."""
    from .figures import RECORDED_ROWS, kinds

    label = {v: k for k, v in RECORDED_ROWS.items()}.get(item)
    if label is None:
        return None
    listed, no_duty, citation = kinds(report.agency, report.year)
    if label in no_duty or label not in listed:
        return f"本机关无行政{label}职责（规则配置：{citation}），年报该行为“无相关职责”，不能录入件数。"
    return None


def recordable_items(report) -> list[tuple[str, str]]:
    """The 录入 form's items: those `item_problem` lets through."""
    return [(v, label) for v, label in RecordedItem.choices if item_problem(report, v) is None]


def do_record_figure(report: AnnualReport, *, item: str, count, source: str, amount=None, actor,
                     on=None) -> RecordedFigure:
    """录入: a number the platform does not hold (复议、诉讼、征收、征用), with where it comes from."""
    if not can(actor, "compile_annual_report", report.agency):
        raise NotPermitted("只有法制机构（法制审核人员）或单位领导可以录入年报数字。")
    if item not in RecordedItem.values:
        raise RuleViolation("未知的录入项目。", field="item")
    problem = item_problem(report, item)
    if problem:
        raise RuleViolation(problem, field="item", code="no_duty")
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise RuleViolation("件数应为整数。", field="count") from None
    if count < 0:
        raise RuleViolation("件数不能为负数。", field="count")
    if amount not in (None, ""):
        try:
            amount = Decimal(str(amount))
        except InvalidOperation:
            raise RuleViolation("金额应为数字。", field="amount") from None
    else:
        amount = None
    source = inputs.text(source, label="数据来源", field="source", max_length=300)
    # printed on the portal's page, PDF and xlsx: masked, no 公示查询码 (decision 0097, s25 defects10c #1)
    from sanxiang.publicity.public_text import agency_text

    source = agency_text(source, report.agency, what="数据来源", field="source", max_length=300)
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.COMPILING:
            raise RuleViolation("年报已审核，不能再录入数字。", field="item")
        row, _ = RecordedFigure.objects.update_or_create(report=locked, item=item, defaults={
            "count": count, "amount": amount, "source": source, "entered_on": _day(on),
            "entered_by": actor if getattr(actor, "pk", None) is not None and hasattr(actor, "is_authenticated")
            else None})
        append_entry(action="record_annual_figure", actor=actor, obj=row, payload={
            "year": locked.year, "item": item, "count": count, "source": source,
            "amount": str(amount) if amount is not None else None})
    return row


def do_approve_annual_report(report: AnnualReport, *, actor, on=None) -> AnnualReport:
    """审核通过: the leader approves; the report's figures are compiled and fixed."""
    return apply(report, "approve", actor=actor, table=REPORT, on=_day(on))


def do_publish_annual_report(report: AnnualReport, *, actor, on=None) -> AnnualReport:
    """公开: the legal office publishes the approved report; its PDF is then rendered by the job runner
    (`render_annual_report_pdfs`, enqueued once the publication commits — LibreOffice takes seconds)."""
    with transaction.atomic():
        done = apply(report, "publish", actor=actor, table=REPORT, on=_day(on))
        transaction.on_commit(_queue_pdf)
    return done


def _queue_pdf():
    from .tasks import render_annual_report_pdfs

    render_annual_report_pdfs.enqueue()


def do_render_annual_pdf(report: AnnualReport, *, actor) -> AnnualReport:
    """生成 PDF of a published report (the job runner): rendered outside any transaction, then stored
    and recorded with its digest in the ledger (so the PDF the portal serves can be verified) — or
    the failure recorded once."""
    from sanxiang import storage
    from sanxiang.documents.render import RenderError

    from .figures import report_figures
    from .pdf import report_pdf

    if report.status != ReportStatus.PUBLISHED or report.pdf_path:
        return report
    pdf, failure = None, ""
    try:
        pdf = report_pdf(report, report_figures(report), list(report.recorded.all()))
    except RenderError as exc:
        failure = str(exc)[:500]
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.pdf_path:
            return locked
        stored = None
        if pdf is not None:
            try:
                import io

                stored = storage.put(io.BytesIO(pdf))
            except storage.StorageError as exc:
                failure = str(exc)[:500]
        if stored is None:
            if locked.pdf_failure == failure:
                return locked  # the same failure is ledgered once
            locked.pdf_failure = failure or "PDF 生成失败"
            locked.save(update_fields=["pdf_failure"])
            append_entry(action="fail_annual_report_pdf", actor=actor, obj=locked,
                         payload={"year": locked.year, "failure": locked.pdf_failure})
            return locked
        locked.pdf_path, locked.pdf_sha256, locked.pdf_size, locked.pdf_failure = (
            stored.path, stored.sha256, stored.size, "")
        locked.save(update_fields=list(AnnualReport.PDF_FIELDS))
        append_entry(action="render_annual_report_pdf", actor=actor, obj=locked, files=[stored.record()],
                     payload={"year": locked.year, "sha256": stored.sha256})
    return locked


def do_deliver_annual_report(report: AnnualReport, *, recipient: str, actor, on=None, note: str = "") -> ReportDelivery:
    """报送: the published report sent to one of the recipients the profile names."""
    if not can(actor, "compile_annual_report", report.agency):
        raise NotPermitted("只有法制机构（法制审核人员）或单位领导可以记录年报报送。")
    if report.status != ReportStatus.PUBLISHED:
        raise RuleViolation("年报公开后方可记录报送。", field="recipient")
    named = dates(report.agency, report.year).recipients
    if recipient not in named:
        raise RuleViolation(f"报送对象应为规则配置所列之一：{'、'.join(named)}。", field="recipient")
    day = _day(on)
    if report.published_on and day < report.published_on:
        raise RuleViolation("报送日期不能早于公开日期。", field="on")
    note = note.strip()[:300] if isinstance(note, str) else ""
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = ReportDelivery.objects.create(report=report, recipient=recipient, delivered_on=day, note=note)
        except IntegrityError:
            raise Conflict(f"已记录向{recipient}报送。", field="recipient") from None
        append_entry(action="deliver_annual_report", actor=actor, obj=row, payload={
            "year": report.year, "recipient": recipient, "on": day.isoformat()})
    return row
