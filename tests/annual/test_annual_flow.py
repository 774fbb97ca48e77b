"""The annual report's tables: every (state, action) pair, who may act, the guards, the ledger."""

import pytest

from sanxiang.annual import actions as AA
from sanxiang.annual.models import AnnualReport, ReportStatus, SubmissionStatus, UnitSubmission
from sanxiang.annual.workflows import REPORT, SUBMISSION
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def early_2027(monkeypatch):
    """The 2026 report is compiled, approved and published in January 2027 (decision 0098: not before the
    year ends): today is 2 February 2027, after every act's day in this module."""
    import datetime as dt

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2027, 2, 2))


@pytest.fixture
def report(env):
    return AA.do_open_annual_report(env.agency, 2026, actor=env.reviewer)


def _actor(env, table, action):
    roles = set(table.roles(action))
    if "agency_leader" in roles:
        return env.leader
    if "reviewer" in roles:
        return env.reviewer
    return env.head


def _submission_in(env, report, state):
    sub = report.submissions.get()
    if state in ("submitted", "returned"):
        sub = AA.do_submit_unit_figures(sub, actor=env.head, on="2027-01-10")
    if state == "returned":
        sub = AA.do_return_unit_figures(sub, reason="数字有误", actor=env.reviewer, on="2027-01-11")
    return sub


PARAMS = {"submit": {"on": "2027-01-12"}, "return": {"reason": "请核对", "on": "2027-01-12"},
          "approve": {"on": "2027-01-20"}, "publish": {"on": "2027-01-25"}}


@pytest.mark.parametrize("state", list(SubmissionStatus.values))
@pytest.mark.parametrize("action", ["submit", "return"])
def test_submission_table_every_pair(env, report, state, action):
    from sanxiang.workflow import apply

    sub = _submission_in(env, report, state)
    allowed = SUBMISSION.find(state, action)
    if allowed is None:
        with pytest.raises(RuleViolation):
            apply(sub, action, actor=_actor(env, SUBMISSION, action), table=SUBMISSION, **PARAMS[action])
        return
    before = LedgerEntry.objects.count()
    apply(sub, action, actor=_actor(env, SUBMISSION, action), table=SUBMISSION, **PARAMS[action])
    sub.refresh_from_db()
    assert sub.status == allowed.target
    assert LedgerEntry.objects.count() == before + 1


def _report_in(env, report, state):
    if state == "compiling":
        return report
    AA.do_submit_unit_figures(report.submissions.get(), actor=env.head, on="2027-01-10")
    report = AA.do_approve_annual_report(report, actor=env.leader, on="2027-01-20")
    if state == "published":
        report = AA.do_publish_annual_report(report, actor=env.reviewer, on="2027-01-25")
    return report


@pytest.mark.parametrize("state", list(ReportStatus.values))
@pytest.mark.parametrize("action", ["approve", "publish"])
def test_report_table_every_pair(env, report, state, action):
    from sanxiang.workflow import apply

    report = _report_in(env, report, state)
    if state == "compiling" and action == "approve":
        AA.do_submit_unit_figures(report.submissions.get(), actor=env.head, on="2027-01-10")
    allowed = REPORT.find(state, action)
    if allowed is None:
        with pytest.raises(RuleViolation):
            apply(report, action, actor=_actor(env, REPORT, action), table=REPORT, **PARAMS[action])
        return
    apply(report, action, actor=_actor(env, REPORT, action), table=REPORT, **PARAMS[action])
    report.refresh_from_db()
    assert report.status == allowed.target


def test_the_whole_way_fixes_the_figures_and_records_the_recipients(env, report):
    sub = AA.do_submit_unit_figures(report.submissions.get(), actor=env.head, on="2027-01-14")
    assert sub.submitted_on.isoformat() == "2027-01-14" and sub.figures["year"] == 2026
    AA.do_record_figure(report, item="litigation", count=2, source="市中级人民法院行政庭 2027-01-05 来函",
                        actor=env.reviewer, on="2027-01-15")
    report = AA.do_approve_annual_report(report, actor=env.leader, on="2027-01-20")
    assert report.figures["recorded"] == {"litigation": 2} and report.figures["totals"]["litigation"] == 2
    with pytest.raises(RuleViolation, match="已审核"):
        AA.do_record_figure(report, item="litigation", count=3, source="x", actor=env.reviewer)
    with pytest.raises(RuleViolation, match="公开后"):
        AA.do_deliver_annual_report(report, recipient="本级人民政府", actor=env.reviewer)
    report = AA.do_publish_annual_report(report, actor=env.reviewer, on="2027-01-28")
    assert report.published_on.isoformat() == "2027-01-28"
    AA.do_deliver_annual_report(report, recipient="本级人民政府", actor=env.reviewer, on="2027-01-29")
    with pytest.raises(Conflict):
        AA.do_deliver_annual_report(report, recipient="本级人民政府", actor=env.reviewer, on="2027-01-29")
    with pytest.raises(RuleViolation, match="规则配置所列"):
        AA.do_deliver_annual_report(report, recipient="某某报社", actor=env.reviewer, on="2027-01-29")
    actions = list(LedgerEntry.objects.order_by("index").values_list("action", flat=True))[-5:]
    assert actions == ["submit_annual_figures", "record_annual_figure", "approve_annual_report",
                       "publish_annual_report", "deliver_annual_report"]


def test_approval_waits_for_every_unit(env, report):
    with pytest.raises(RuleViolation, match="执法一队"):
        AA.do_approve_annual_report(report, actor=env.leader)


def test_a_second_report_of_the_same_year_is_refused(env, report):
    with pytest.raises(Conflict):
        AA.do_open_annual_report(env.agency, 2026, actor=env.reviewer)


@pytest.mark.parametrize("who,action", [
    ("officer", "open"), ("head", "open"), ("outsider", "open"),
    ("reviewer", "submit"), ("outsider", "submit"),
    ("head", "approve"), ("reviewer", "approve"), ("officer", "record"), ("outsider", "record"),
])
def test_who_may_not(env, report, who, action):
    user = getattr(env, who)
    with pytest.raises(NotPermitted):
        if action == "open":
            AA.do_open_annual_report(env.agency, 2025, actor=user)
        elif action == "submit":
            AA.do_submit_unit_figures(report.submissions.get(), actor=user)
        elif action == "approve":
            AA.do_submit_unit_figures(report.submissions.get(), actor=env.head)
            AA.do_approve_annual_report(report, actor=user)
        else:
            AA.do_record_figure(report, item="litigation", count=1, source="x", actor=user)


def test_readers(env, report):
    assert list(AnnualReport.objects.restrict(env.leader, "view")) == [report]
    assert list(AnnualReport.objects.restrict(env.outsider, "view")) == []
    assert UnitSubmission.objects.restrict(env.officer, "view").count() == 1


# The 2026 report of a 株洲 agency: units by 2027-01-15 (a Friday), publication by 2027-01-31.
WARNINGS = [
    ("2027-01-04", "", ""),
    ("2027-01-12", "yellow", ""),
    ("2027-01-15", "yellow", ""),
    ("2027-01-16", "red", ""),
    ("2027-01-27", "red", "yellow"),
    ("2027-02-01", "red", "red"),
]


@pytest.mark.parametrize("today,submission,report", WARNINGS)
def test_the_job_warns_before_each_date(today, submission, report):
    import datetime as dt

    from sanxiang.access.actors import OPERATOR
    from sanxiang.annual.tasks import warn
    from sanxiang.deadlines.actions import seed_calendar
    from sanxiang.jobs.schedules import all_schedules
    from sanxiang.orgs import actions as A
    from sanxiang.orgs import testing as T

    seed_calendar(actor=OPERATOR, years=[2027])
    agency = T.agency(profile_key="zhuzhou-amr")
    A.do_create_unit(agency, "政策法规科", actor=OPERATOR)
    rep = AA.do_open_annual_report(agency, 2026, actor=OPERATOR)
    warn(dt.date.fromisoformat(today))
    rep.refresh_from_db()
    assert (rep.submissions.get().warning, rep.warning) == (submission, report)
    assert "annual_report_warnings" in {s.name for s in all_schedules()}


def test_the_year_still_running_is_not_reported(env, monkeypatch):
    """s25 tester10b #16 (decision 0098): §6 reports last year's figures. On 25 November 2026 the 2026 report
    cannot be opened; one opened before (in the data of an earlier release) can take no unit submission and
    no approval until the year is over — neither today nor on a recorded act day inside the year."""
    import datetime as dt

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 11, 25))
    with pytest.raises(RuleViolation, match="2026年度尚未结束") as refused:
        AA.do_open_annual_report(env.agency, 2026, actor=env.reviewer)
    assert refused.value.code == "year_not_ended" and not AnnualReport.objects.filter(year=2026).exists()
    last = AA.do_open_annual_report(env.agency, 2025, actor=env.reviewer)  # last year's: opened
    assert last.year == 2025
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2027, 1, 5))
    early = AA.do_open_annual_report(env.agency, 2026, actor=env.reviewer)
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 11, 25))  # as if opened before the fix
    with pytest.raises(RuleViolation, match="2026年度尚未结束"):
        AA.do_submit_unit_figures(early.submissions.get(), actor=env.head)
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2027, 1, 5))
    with pytest.raises(RuleViolation, match="2026年度尚未结束"):
        AA.do_submit_unit_figures(early.submissions.get(), actor=env.head, on="2026-12-30")
    AA.do_submit_unit_figures(early.submissions.get(), actor=env.head, on="2027-01-04")
    with pytest.raises(RuleViolation, match="2026年度尚未结束"):
        AA.do_approve_annual_report(early, actor=env.leader, on="2026-12-31")
    early.refresh_from_db()
    assert early.status == ReportStatus.COMPILING
    assert AA.do_approve_annual_report(early, actor=env.leader, on="2027-01-05").status == ReportStatus.APPROVED


def test_the_list_page_offers_last_year_only(env, client, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 11, 25))
    client.force_login(env.reviewer)
    page = client.get("/annual/").content.decode()
    assert 'value="2025" min="2000" max="2025"' in page
    refused = client.post("/annual/open/", {"agency": env.agency.pk, "year": "2026"}, follow=True).content.decode()
    assert "2026年度尚未结束" in refused


def test_the_report_to_the_recipients_has_its_date_and_is_warned_until_made(client):
    """s25 tester10b #3 (decision 0098): 乌鲁木齐 000 二（一）4.（2） — 每年1月30日前向区政府书面报告. A published report not
    yet reported to 区政府 is yellow before 30 January 2027, red after it, listed as 「未报送：区政府」; recording the
    delivery clears it."""
    import datetime as dt

    from sanxiang.access.actors import OPERATOR
    from sanxiang.annual.figures import dates
    from sanxiang.annual.tasks import warn
    from sanxiang.deadlines.actions import seed_calendar
    from sanxiang.orgs import actions as A
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    seed_calendar(actor=OPERATOR, years=[2027])
    agency = T.agency(profile_key="urumqi-gxq-amr")
    A.do_create_unit(agency, "机关执法科", actor=OPERATOR)
    d = dates(agency, 2026)
    assert d.delivery_due == dt.date(2027, 1, 30) and "1月30日前，向区政府" in d.delivery_citation
    rep = AA.do_open_annual_report(agency, 2026, actor=OPERATOR)
    AA.do_submit_unit_figures(rep.submissions.get(), actor=OPERATOR, on="2027-01-10")
    AA.do_approve_annual_report(rep, actor=OPERATOR, on="2027-01-20")
    rep = AA.do_publish_annual_report(rep, actor=OPERATOR, on="2027-01-22")
    levels = []
    for today in ("2027-01-22", "2027-01-28", "2027-02-01"):
        warn(dt.date.fromisoformat(today))
        rep.refresh_from_db()
        levels.append(rep.warning)
    assert levels == ["", "yellow", "red"]
    leader = T.member(agency, Role.AGENCY_LEADER)
    client.force_login(leader)
    listing = client.get("/annual/").content.decode()
    assert "未报送：区政府" in listing and "已过报送截止日" in listing
    page = client.get(f"/annual/{rep.pk}/").content.decode()
    assert "应于 2027年1月30日 前报送" in page and "未报送：区政府" in page
    AA.do_deliver_annual_report(rep, recipient="区政府", actor=OPERATOR, on="2027-02-01")
    warn(dt.date(2027, 2, 2))
    rep.refresh_from_db()
    assert rep.warning == ""
    assert "未报送" not in client.get("/annual/").content.decode()
