"""公示义务的范围与期限, table-driven with real 2026 dates (the seeded 2026 calendar: 春节 2026-02-15…23
with 2026-02-14 and 2026-02-28 worked, 劳动节 05-01…05, 国庆 10-01…07 with 10-10 worked), every value from
the agency's profile: 7 working days for the profile's kinds, 20 for the others, the SAMR scope
(普通程序 only, warning-only not published), the low-fine display period and the take-down prompt."""

import datetime as dt
from types import SimpleNamespace

import pytest

from sanxiang.access.actors import OPERATOR
from sanxiang.cases.decisions import Decision
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.deadlines.engine import compute_due
from sanxiang.deadlines.queries import get_calendar
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.scope import OTHER, RANDOM_NORMAL, SHORT, scope_of
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def calendar():
    seed_calendar(actor=OPERATOR, years=[2026])


# profile, procedure, penalties, fine, party kind, decided on → rule (None: out of scope), due, low display
PENALTIES = [
    ("pingluo-commerce", "general", ["fine"], "1000", "person", "2026-03-05", SHORT, D(2026, 3, 16), False),
    ("pingluo-commerce", "general", ["fine"], "1000", "person", "2026-02-12", SHORT, D(2026, 2, 28), False),
    # 118号: every 处罚 decision (the commerce bureau is no SAMR body): a warning on the spot too
    ("pingluo-commerce", "simplified", ["warning"], None, "person", "2026-09-28", SHORT, D(2026, 10, 13), False),
    ("urumqi-gxq-hrss", "general", ["fine"], "2000", "org", "2026-06-18", SHORT, D(2026, 6, 30), False),
    # 泉州: 许可、强制 within 7 working days, 处罚 among the others (20)
    ("quanzhou-licheng-amr", "general", ["fine"], "300000", "org", "2026-04-30", OTHER, D(2026, 6, 1), False),
    ("quanzhou-licheng-amr", "general", ["fine"], "1000", "person", "2026-09-30", OTHER, D(2026, 11, 3), True),
    ("quanzhou-licheng-amr", "general", ["fine"], "5000", "person", "2026-09-30", OTHER, D(2026, 11, 3), False),
    ("quanzhou-licheng-amr", "general", ["warning", "fine"], "49999", "org", "2026-09-30", OTHER, D(2026, 11, 3),
     True),
    ("quanzhou-licheng-amr", "general", ["fine"], "50000", "org", "2026-09-30", OTHER, D(2026, 11, 3), False),
    # 总局令第45号第2条: 简易程序 and warning-only penalties are not published by SAMR bodies
    ("quanzhou-licheng-amr", "simplified", ["fine"], "100", "person", "2026-09-30", None, None, False),
    ("zhuzhou-amr", "general", ["warning"], None, "person", "2026-09-28", None, None, False),
    # 湖南's low-fine threshold is not configured (unverified): three years, not three months
    ("zhuzhou-amr", "general", ["fine"], "1000", "person", "2026-09-28", SHORT, D(2026, 10, 13), False),
    ("urumqi-gxq-amr", "general", ["criticism"], None, "person", "2026-03-05", SHORT, D(2026, 3, 16), True),
    ("urumqi-gxq-amr", "general", ["fine", "revocation"], "1000", "org", "2026-03-05", SHORT, D(2026, 3, 16), False),
]


@pytest.mark.parametrize("profile,procedure,penalties,fine,kind,on,rule,due,low", PENALTIES)
def test_penalty_obligations(profile, procedure, penalties, fine, kind, on, rule, due, low):
    agency = T.agency(profile_key=profile)
    ob = opened(agency, on=on, penalties=penalties, fine=fine, procedure=procedure, kind=kind)
    if rule is None:
        assert ob is None
        return
    assert (ob.rule, ob.due, ob.low_display) == (rule, due, low)
    assert ob.obligation.due == due and ob.citation


def fake_case(agency, **fields):
    """The fields scope_of reads, for decisions of other kinds (no case walk needed)."""
    none = SimpleNamespace(select_related=lambda *a: SimpleNamespace(order_by=lambda *a: []))
    return SimpleNamespace(**{"agency": agency, "procedure": "general", "decided_penalties": [], "decided_fine": None,
                              "cause": "某事项", "case_parties": none, "inspection": None, **fields})


def due_of(scope):
    return compute_due(scope.start, scope.count, scope.unit, calendar=get_calendar()).due


# profile, kind, inspection (source, result, ended_on) or None, decided on → rule, due
OTHER_KINDS = [
    ("quanzhou-licheng-amr", "coercion", None, "2026-09-28", SHORT, D(2026, 10, 13)),
    ("pingluo-commerce", "coercion", None, "2026-04-30", OTHER, D(2026, 6, 1)),
    ("zhuzhou-amr", "licence", None, "2026-02-12", SHORT, D(2026, 2, 28)),
    ("urumqi-gxq-hrss", "labour_inspection", None, "2026-04-30", OTHER, D(2026, 6, 1)),
    # 乌鲁木齐: a normal 双随机 result within 20 working days of the inspection's end, under the entity's name
    ("urumqi-gxq-amr", "inspection", ("random", "normal", "2026-09-30"), "2026-09-30", RANDOM_NORMAL, D(2026, 11, 3)),
    ("zhuzhou-amr", "inspection", ("random", "normal", "2026-09-30"), "2026-09-30", OTHER, D(2026, 11, 3)),
    ("urumqi-gxq-amr", "inspection", ("random", "problems", "2026-09-28"), "2026-09-28", OTHER, D(2026, 10, 30)),
]


@pytest.mark.parametrize("profile,kind,inspection,on,rule,due", OTHER_KINDS)
def test_obligations_of_other_kinds(profile, kind, inspection, on, rule, due):
    agency = T.agency(profile_key=profile)
    found = None
    if inspection:
        source, result, ended = inspection
        found = SimpleNamespace(source=source, result=result, ended_on=D.fromisoformat(ended))
    case = fake_case(agency, inspection=found)
    scope = scope_of(Decision(case=case, kind=kind, table="t", action="a", label="作出决定", obj=None,
                              on=D.fromisoformat(on)))
    assert scope.rule == rule and due_of(scope) == due
    assert scope.citation


@pytest.mark.parametrize("measure,opens", [("preservation", False), ("seal", True), ("seize", True)])
def test_a_preservation_of_evidence_is_no_coercive_decision_to_publish(measure, opens):
    """先行登记保存 (行政处罚法 第五十六条) is not among 行政强制法 第九条's measures: it opens no 行政强制 publication
    obligation (泉州 would give it 7 working days), as the annual report does not count it (decision 0103)."""
    agency = T.agency(profile_key="quanzhou-licheng-amr")
    scope = scope_of(Decision(case=fake_case(agency), kind="coercion", table="coercive_measure", action="approve",
                              label="批准", obj=SimpleNamespace(kind=measure), on=D(2026, 9, 28)))
    assert (scope is not None) == opens
    if opens:
        assert scope.rule == SHORT and due_of(scope) == D(2026, 10, 13)


# profile, penalties, fine → (公示期满, 可撤下提示) after publication on 2026-03-10; a display period is no act's
# time limit: 2029-03-10 is a Saturday and stays the end (defects10 of s22 #15, decision 0080; was 2029-03-12)
DISPLAY = [
    ("urumqi-gxq-amr", ["fine"], "300000", D(2029, 3, 10), D(2027, 3, 10)),  # SAMR 3 years; 乌鲁木齐 may after 1 year
    ("quanzhou-licheng-amr", ["fine"], "1000", D(2026, 6, 10), None),  # low fine: 3 months
    ("quanzhou-licheng-amr", ["fine"], "300000", D(2029, 3, 10), None),
    ("pingluo-commerce", ["fine"], "1000", None, None),  # 118号 sets no display period
]


@pytest.mark.parametrize("profile,penalties,fine,expires,prompt", DISPLAY)
def test_display_period_and_takedown_prompt(profile, penalties, fine, expires, prompt):
    agency = T.agency(profile_key=profile)
    editor, head, _ = staff(agency)
    pub = opened(agency, penalties=penalties, fine=fine).publication
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on="2026-03-10")
    P.do_publish_publication(pub, actor=editor, on="2026-03-10")
    pub.refresh_from_db()
    assert (pub.expires_on, pub.takedown_prompt_on) == (expires, prompt)


def test_the_summary_stands_in_front_for_samr_penalties_only():
    samr = opened(T.agency(profile_key="quanzhou-licheng-amr"), fine="300000").publication.current()
    assert list(samr.summary_in_order) == ["决定书文号", "当事人基本情况", "违法行为类型", "处罚内容", "作出决定的机关名称和日期"]
    assert "张三丰" not in str(samr.summary) and "张某" in samr.summary["当事人基本情况"]
    other = opened(T.agency(profile_key="pingluo-commerce")).publication.current()
    assert other.summary == {}


def test_hrss_publishes_the_case_facts():
    version = opened(T.agency(profile_key="urumqi-gxq-hrss")).publication.current()
    assert list(version.fields_in_order) == ["执法机关", "执法对象", "案件事实", "执法类别", "执法结论"]
