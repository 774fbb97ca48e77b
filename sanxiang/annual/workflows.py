"""The states of the annual report (行政执法统计年报) and of each unit's submission, as transition tables.

A unit (its head or an officer) submits its figures to the legal office (报送); the legal office
(法制审核人员) may return a submission with a reason (退回), the unit submits again. The legal office
compiles; a leader (单位领导) approves the compiled report (审核通过: the figures are fixed then), and
the legal office publishes it (公开). The actions in `actions.py` compute the figures and check what
the tables cannot see (every unit submitted before approval).
"""

from sanxiang.core import inputs
from sanxiang.orgs.models import Role
from sanxiang.workflow import Param, Table, Transition, register

from .models import AnnualReport, ReportStatus, SubmissionStatus, UnitSubmission

S, R = SubmissionStatus, ReportStatus
UNIT = (Role.UNIT_HEAD, Role.OFFICER)
LEGAL_OFFICE = (Role.REVIEWER,)
LEADER = (Role.AGENCY_LEADER,)
ON = {"on": Param("日期", required=False, text=False)}


_day = inputs.day
_user = inputs.acting_user


def submitted(sub, actor, on=None, **params):
    from .figures import compute

    sub.figures = compute(sub.report.agency, sub.report.year, unit=sub.unit)
    sub.submitted_on, sub.submitted_by, sub.returned_reason = _day(on), _user(actor), ""
    return {"totals": sub.figures["totals"]}


def returned(sub, actor, reason="", **params):
    sub.returned_reason = reason
    return None


def approved(report, actor, on=None, **params):
    from .figures import compute

    recorded = {r.item: r.count for r in report.recorded.all()}
    report.figures = compute(report.agency, report.year, recorded=recorded)
    report.approved_on = _day(on)
    return {"totals": report.figures["totals"]}


def published(report, actor, on=None, **params):
    report.published_on = _day(on)
    return None


def report_compiling(sub, actor, **params):
    """年报尚在汇总中"""
    if sub.report.status != R.COMPILING:
        return "年报已审核，不能再报送或退回科室数据。"
    return None


def year_over(year: int, on=None) -> str | None:
    """Why the figures of `year` may not be reported yet (None: they may): the year has not ended — today,
    nor on the act's day (§6: last year's figures; s25 tester10b #16, decision 0098)."""
    import datetime as dt

    from django.utils import timezone

    end = dt.date(year, 12, 31)
    day = _day(on) if on not in (None, "") else None
    if timezone.localdate() <= end or (day is not None and day <= end):
        return f"{year}年度尚未结束，年报须在次年汇总、报送和审核（统计的是上一年度的数字）。"
    return None


def year_ended(obj, actor, on=None, **params):
    """统计年度已结束"""
    report = obj if isinstance(obj, AnnualReport) else obj.report
    return year_over(report.year, on)


def all_submitted(report, actor, **params):
    """各科室均已报送"""
    missing = [s.unit.name for s in report.submissions.select_related("unit") if s.status != S.SUBMITTED]
    if missing:
        return f"以下科室尚未报送年度执法数据：{'、'.join(missing)}。"
    return None


SUBMISSION = register(Table(
    name="annual_submission",
    label="年度执法数据报送",
    model=UnitSubmission,
    state_field="status",
    states=dict(SubmissionStatus.choices),
    initial=S.DRAFT,
    subject=lambda s: f"{s.unit.name} {s.report.year}年度执法数据",
    payload=lambda s: {"year": s.report.year, "unit": s.unit.name},
    transitions=[
        Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, "报送法制机构", roles=UNIT, params=ON,
                   guards=(report_compiling, year_ended), effect=submitted,
                   ledger_action="submit_annual_figures"),
        Transition("return", S.SUBMITTED, S.RETURNED, "退回科室", roles=LEGAL_OFFICE,
                   params={**ON, "reason": Param("退回理由", max_length=500)}, guards=(report_compiling,), effect=returned,
                   ledger_action="return_annual_figures"),
    ],
))

REPORT = register(Table(
    name="annual_report",
    label="行政执法统计年报",
    model=AnnualReport,
    state_field="status",
    states=dict(ReportStatus.choices),
    initial=R.COMPILING,
    subject=lambda r: f"{r.year}年度行政执法统计年报",
    payload=lambda r: {"year": r.year},
    transitions=[
        Transition("approve", R.COMPILING, R.APPROVED, "审核通过", roles=LEADER, params=ON, guards=(year_ended, all_submitted), effect=approved,
                   ledger_action="approve_annual_report"),
        Transition("publish", R.APPROVED, R.PUBLISHED, "公开", roles=LEGAL_OFFICE, params=ON, effect=published,
                   ledger_action="publish_annual_report"),
    ],
))
