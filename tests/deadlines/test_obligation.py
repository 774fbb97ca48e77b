"""Obligations (时限): opening from a profile rule, routing, pauses, extensions, warnings."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines import queries
from sanxiang.deadlines.actions import (
    do_extend_obligation,
    do_mark_overdue_obligations,
    do_meet_obligation,
    do_open_obligation,
    do_pause_obligation,
    do_resume_obligation,
    do_waive_obligation,
    seed_calendar,
)
from sanxiang.deadlines.engine import DeadlineError
from sanxiang.deadlines.models import Obligation, ObligationExtension, ObligationPause
from sanxiang.deadlines.queries import escalated_obligations, obligation_warnings, obligations_for_unit, warning_level
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as build
from sanxiang.orgs.actions import do_create_unit
from sanxiang.orgs.models import Agency

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def calendar():
    seed_calendar(actor=OPERATOR, years=[2025, 2026])


@pytest.fixture(autouse=True)
def agencies():
    """Two agencies following their seed profiles; Zhuzhou has the units its duties name, and a
    unit whose name is part of another's (法规科 in 政策法规科)."""
    zhuzhou = build.agency("zhuzhou-amr", profile_key="zhuzhou-amr")
    build.agency("urumqi-gxq-amr", profile_key="urumqi-gxq-amr")
    units = {name: do_create_unit(zhuzhou, name, actor=OPERATOR)
             for name in ("政策法规科", "法规科", "市市场监管执法支队")}
    return zhuzhou, units


@pytest.fixture
def approver():
    return get_user_model().objects.create_user("fzk-leader", password="x" * 12)


def open_decision(start="2025-04-30", **kw):
    args = dict(object_type="case", object_id="42", agency="zhuzhou-amr", kind="公示处罚决定",
                start=start, rule="publicity.decision_deadline_short", duty="legal_review", actor=OPERATOR)
    args.update(kw)
    return do_open_obligation(**args)


def last_entry(ob):
    return LedgerEntry.objects.filter(object_type=ob.ledger_type(), object_id=str(ob.pk)).last()


def test_open_takes_the_period_from_the_profile_and_routes_the_duty():
    ob = open_decision()
    assert (ob.count, ob.unit, ob.due) == (7, "workdays", D("2025-05-14"))
    assert ob.unit_name == "政策法规科" and ob.leader == "分管法制的局领导"
    assert ob.status == "open" and not ob.provisional
    entry = last_entry(ob)
    assert entry.action == "open_obligation" and entry.agency == "zhuzhou-amr"
    assert entry.state_digest == ob.ledger_digest()


def test_rule_in_force_on_the_start_date_and_hours_rule():
    ob = do_open_obligation(object_type="record", object_id="7", agency="urumqi-gxq-amr",
                            kind="音像上传", start="2025-09-30T20:00", rule="records.av_upload_limit",
                            unit="hours", actor=OPERATOR)
    assert ob.unit == "hours" and ob.due_at.isoformat() == "2025-10-01T12:00:00+00:00"  # 20:00 Beijing + 24 h
    assert ob.due == D("2025-10-01")


@pytest.mark.parametrize("kwargs,field", [
    (dict(rule="no.such.rule"), "rule"),
    (dict(agency="no-such-agency"), "agency"),
    (dict(rule="", count=None), "count"),
    (dict(rule="", count=0, unit="days"), "count"),
    (dict(rule="", count=5, unit="weeks"), "unit"),
    (dict(start="2025-02-29"), "start"),
    (dict(object_type=""), "subject"),
])
def test_bad_input_opens_nothing(kwargs, field):
    before = LedgerEntry.objects.count()
    with pytest.raises(DeadlineError) as info:
        open_decision(**kwargs)
    assert info.value.field == field
    assert Obligation.objects.count() == 0 and LedgerEntry.objects.count() == before


def test_pause_stops_the_clock_and_resume_moves_the_due_date():
    ob = open_decision(start="2025-03-03", rule="", count=10, unit="workdays")
    assert ob.due == D("2025-03-17")
    do_pause_obligation(ob, start="2025-03-05", reason="检测检验检疫鉴定", actor=OPERATOR)
    ob.refresh_from_db()
    assert ob.paused and warning_level(ob, D("2025-03-20")) is None
    do_resume_obligation(ob, end="2025-03-12", actor=OPERATOR)
    ob.refresh_from_db()
    assert not ob.paused
    assert ob.due == D("2025-03-24")  # 5 working days paused
    assert last_entry(ob).action == "resume_obligation"
    assert last_entry(ob).state_digest == ob.ledger_digest()


def test_pause_over_a_holiday_in_calendar_days():
    ob = open_decision(start="2025-09-01", rule="", count=90, unit="days")
    assert ob.due == D("2025-12-01")  # 30 Nov 2025 is a Sunday
    do_pause_obligation(ob, start="2025-09-10", reason="听证", actor=OPERATOR)
    do_resume_obligation(ob, end="2025-09-20", actor=OPERATOR)
    ob.refresh_from_db()
    assert ob.due == D("2025-12-10")


@pytest.mark.parametrize("kwargs,message", [
    (dict(start="2025-03-03", reason="中止"), "必须晚于起算日"),
    (dict(start="2025-03-05", reason="休假"), "未知的中止事由"),
    (dict(start="2025-03-05", reason="other"), "必须写明具体情况"),
    (dict(start="2025-03-32", reason="中止"), "日期格式错误"),
])
def test_bad_pauses_are_refused(kwargs, message):
    ob = open_decision(start="2025-03-03", rule="", count=10, unit="workdays")
    with pytest.raises(DeadlineError) as info:
        do_pause_obligation(ob, actor=OPERATOR, **kwargs)
    assert message in info.value.message
    assert ObligationPause.objects.count() == 0


def test_double_pause_and_resume_without_pause_are_refused():
    ob = open_decision(start="2025-03-03", rule="", count=10, unit="workdays")
    with pytest.raises(DeadlineError, match="未处于中止状态"):
        do_resume_obligation(ob, end="2025-03-06", actor=OPERATOR)
    do_pause_obligation(ob, start="2025-03-05", reason="中止", actor=OPERATOR)
    with pytest.raises(DeadlineError, match="已处于中止状态"):
        do_pause_obligation(ob, start="2025-03-06", reason="中止", actor=OPERATOR)
    with pytest.raises(DeadlineError, match="不能早于中止日期"):
        do_resume_obligation(ob, end="2025-03-04", actor=OPERATOR)


def test_extension_counts_from_the_previous_due_date(approver):
    ob = open_decision(start="2025-09-26", rule="review.time_limit")  # 10 working days
    assert ob.due == D("2025-10-16")  # Sun 28 Sep, Sat 11 Oct make-up days
    do_extend_obligation(ob, count=10, unit="workdays", approver=approver,
                         reason="案情复杂，经分管局领导批准", date="2025-10-17", actor=approver)
    ob.refresh_from_db()
    assert ob.due == D("2025-10-30")
    ext = ObligationExtension.objects.get()
    assert ext.approver == approver and ext.date == D("2025-10-17")
    entry = last_entry(ob)
    assert entry.action == "extend_obligation" and entry.actor == "fzk-leader"


@pytest.mark.parametrize("kwargs,field", [
    (dict(count=0, unit="workdays", reason="理由"), "count"),
    (dict(count=3, unit="weeks", reason="理由"), "unit"),
    (dict(count=3, unit="hours", reason="理由"), "unit"),
    (dict(count=3, unit="workdays", reason="  "), "reason"),
])
def test_bad_extensions_write_nothing(approver, kwargs, field):
    ob = open_decision()
    before = LedgerEntry.objects.count()
    with pytest.raises(DeadlineError) as info:
        do_extend_obligation(ob, approver=approver, actor=approver, **kwargs)
    assert info.value.field == field
    assert ObligationExtension.objects.count() == 0 and LedgerEntry.objects.count() == before
    with pytest.raises(DeadlineError, match="批准人"):
        do_extend_obligation(ob, count=3, unit="workdays", approver=None, reason="x", actor=OPERATOR)


def test_meet_and_waive_close_the_obligation():
    ob = open_decision()
    do_meet_obligation(ob, at=dt.datetime(2025, 5, 15, 10, tzinfo=dt.timezone.utc), actor=OPERATOR)
    ob.refresh_from_db()
    assert ob.status == "met" and ob.met_at
    assert '"late":true' in last_entry(ob).entry
    with pytest.raises(DeadlineError, match="已履行"):
        do_waive_obligation(ob, reason="撤案", actor=OPERATOR)
    other = open_decision(object_id="43")
    with pytest.raises(DeadlineError, match="理由"):
        do_waive_obligation(other, reason="", actor=OPERATOR)
    do_waive_obligation(other, reason="案件终止调查", actor=OPERATOR)
    other.refresh_from_db()
    assert other.status == "waived"
    assert last_entry(other).state_digest == other.ledger_digest()


@pytest.mark.parametrize("today,level", [
    ("2025-05-08", None),       # 4 working days before 14 May
    ("2025-05-09", "yellow"),   # 3 working days before (lead from the profile: 3)
    ("2025-05-14", "yellow"),   # due today: still in time
    ("2025-05-15", "red"),
])
def test_warning_levels(today, level):
    ob = open_decision()
    assert warning_level(ob, D(today)) == level


def test_warning_lead_comes_from_the_profile(monkeypatch):
    class Fake:
        def value(self, name, on=None):
            if name == "deadlines.warning_lead_workdays":
                return 1
            return {"count": 7, "unit": "workdays"}
    ob = open_decision()
    monkeypatch.setattr(queries, "get_profile", lambda key: Fake())
    assert warning_level(ob, D("2025-05-12")) is None
    assert warning_level(ob, D("2025-05-13")) == "yellow"


def test_unit_queue_escalation_and_overdue_sweep(agencies):
    policy = agencies[1]["政策法规科"]
    late = open_decision(object_id="1")                                   # due 2025-05-14
    later = open_decision(object_id="2", start="2025-06-03")              # due 2025-06-12
    other_unit = open_decision(object_id="3", duty="publish_decisions")
    assert list(obligations_for_unit(policy)) == [late, later]
    assert other_unit not in obligations_for_unit(policy)
    assert list(escalated_obligations(agencies[0], "分管法制的局领导", today=D("2025-05-20"))) == [late]
    assert list(escalated_obligations(Agency.objects.get(code="urumqi-gxq-amr"), "分管法制的局领导", today=D("2025-05-20"))) == []
    levels = dict((o.object_id, lvl) for o, lvl in obligation_warnings(agencies[0], D("2025-05-20")))
    assert levels == {"1": "red", "3": "red"}
    marked = do_mark_overdue_obligations(today=D("2025-05-20"), actor=OPERATOR)
    assert {o.object_id for o in marked} == {"1", "3"}
    late.refresh_from_db()
    assert late.status == "overdue"
    assert last_entry(late).action == "mark_overdue_obligation"
    # an overdue obligation can still be met (late) and leaves the queue
    do_meet_obligation(late, actor=OPERATOR)
    assert late not in obligations_for_unit(policy)


def test_provisional_obligation_in_2027():
    ob = open_decision(start="2026-12-28", rule="publicity.decision_deadline_other")
    assert ob.provisional is True


def test_verify_catches_an_obligation_edited_behind_the_actions_back(approver):
    ob = open_decision()
    do_extend_obligation(ob, count=2, unit="workdays", approver=approver, reason="批准", actor=OPERATOR)
    from sanxiang.ledger import verify
    assert "object_modified" not in verify.run().codes()
    ObligationExtension.objects.update(count=20)
    assert "object_modified" in verify.run().codes()


def test_duty_routes_to_the_units_it_names_not_to_units_whose_name_is_part_of_it(agencies):
    units = agencies[1]
    ob = open_decision()                                   # legal_review → 政策法规科
    assert list(ob.responsible_units.all()) == [units["政策法规科"]]
    assert ob not in obligations_for_unit(units["法规科"])
    enforcement = open_decision(object_id="43", duty="publish_decisions")  # 各业务科室、市市场监管执法支队…
    assert list(enforcement.responsible_units.all()) == [units["市市场监管执法支队"]]


def test_given_units_must_belong_to_the_agency(agencies):
    other = build.agency()
    stranger = do_create_unit(other, "综合执法大队", actor=OPERATOR)
    before = LedgerEntry.objects.count()
    with pytest.raises(DeadlineError) as info:
        open_decision(units=[stranger])
    assert info.value.field == "units" and "不属于" in info.value.message
    assert Obligation.objects.count() == 0 and LedgerEntry.objects.count() == before
    mine = open_decision(units=[agencies[1]["法规科"]])
    assert list(mine.responsible_units.all()) == [agencies[1]["法规科"]]
    assert mine in obligations_for_unit(agencies[1]["法规科"])


def test_an_agency_without_a_profile_follows_the_national_rules():
    plain = build.agency()
    ob = do_open_obligation(object_type="case", object_id="9", agency=plain, kind="公示处罚决定",
                            start="2025-04-30", rule="publicity.decision_deadline_short", actor=OPERATOR)
    national = do_open_obligation(object_type="case", object_id="10", agency=plain, kind="公示",
                                  start="2025-04-30", rule="publicity.decision_deadline_other", actor=OPERATOR)
    assert ob.agency == plain and ob.agency_id == plain.code
    assert (national.count, national.unit) == (20, "workdays")
