"""年报数字 from real case rows: cases moved through their tables with real dates, then counted."""

import datetime as dt

import pytest
from cases_cast import onsite_case, reach, step

from sanxiang.access.actors import OPERATOR
from sanxiang.annual.figures import NO_DUTY, compute, dates, table
from sanxiang.cases import actions as C
from sanxiang.orgs import testing as T
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(env):
    """A general-procedure penalty decided in 2026 (警告并罚款 20000), two on-site fines (150 each) —
    one in 2026, one on 2025-12-30 — and a 复议 applied for in 2026 against the first."""
    general, _ = reach(env, get_table("penalty_general"), "decided")
    simplified = get_table("penalty_simplified")
    for day in (dt.date(2026, 3, 2), dt.date(2025, 12, 30)):
        step(env, simplified, onsite_case(env, on=day), "decide_on_site", day)
    C.do_record_case_appeal(general, kind="reconsideration", body="某某市人民政府", applied_on="2026-10-20",
                            actor=env.officer)
    return general


# (year, recorded, kind, column, expected)
ROWS = [
    (2026, {}, "处罚", "count", 2),
    (2026, {}, "处罚", "fine", "20150.00"),
    (2026, {}, "处罚", "reconsideration", 1),
    (2026, {}, "处罚", "litigation", 0),
    (2026, {}, "处罚", "hearings", 0),
    (2025, {}, "处罚", "count", 1),
    (2025, {}, "处罚", "fine", "150.00"),
    (2025, {}, "处罚", "reconsideration", 0),
    (2026, {}, "许可", "count", 0),
    (2026, {}, "强制", "count", 0),
    (2026, {}, "征收", "count", 0),
    (2026, {"expropriation": 3}, "征收", "count", 3),
    (2024, {}, "处罚", "count", 0),
]


@pytest.mark.parametrize("year,recorded,kind,column,expected", ROWS)
def test_figures_from_case_rows(env, cases, year, recorded, kind, column, expected):
    figures = compute(env.agency, year, recorded=recorded)
    value = figures["rows"][kind][column]
    assert (f"{float(value):.2f}" if isinstance(expected, str) else value) == expected


def test_totals_add_recorded_reconsideration_and_litigation(env, cases):
    figures = compute(env.agency, 2026, recorded={"reconsideration": 2, "litigation": 1})
    assert figures["totals"]["reconsideration"] == 3
    assert figures["totals"]["litigation"] == 1
    assert figures["totals"]["count"] == 2


def test_coercive_measures_taken_in_penalty_cases_count_as_xingzheng_qiangzhi(env):
    """Finding 8 (defects10): 查封、扣押 implemented while a penalty case is investigated are 行政强制
    of the year; a 先行登记保存 (evidence, 行政处罚法 第五十六条) and a measure only proposed are not."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
    from coercion_cast import START, in_force, proposed

    from sanxiang.cases.models import MeasureKind

    before = compute(env.agency, 2026)["rows"]["强制"]["count"]
    sealed = in_force(env, kind=MeasureKind.SEAL)
    assert sealed.case.kind == "penalty" and sealed.implemented_on == START
    in_force(env, kind=MeasureKind.SEIZE)
    in_force(env, kind=MeasureKind.PRESERVATION)
    proposed(env, kind=MeasureKind.SEIZE)
    figures = compute(env.agency, 2026)
    assert figures["rows"]["强制"]["count"] == before + 2
    assert compute(env.agency, 2025)["rows"]["强制"]["count"] == 0
    assert compute(env.agency, 2026, unit=env.unit)["rows"]["强制"]["count"] == before + 2
    assert figures["totals"]["count"] >= before + 2


def test_unit_figures_only_count_the_units_cases(env, cases):
    from sanxiang.orgs import actions as A

    other = A.do_create_unit(env.agency, "执法二队", actor=OPERATOR)
    assert compute(env.agency, 2026, unit=env.unit)["rows"]["处罚"]["count"] == 2
    assert compute(env.agency, 2026, unit=other)["rows"]["处罚"]["count"] == 0


def test_no_duty_from_the_profile_and_zero_where_not_used():
    agency = T.agency(profile_key="zhuzhou-amr")
    figures = compute(agency, 2026)
    assert figures["order"] == ["许可", "处罚", "强制", "检查", "确认", "裁决", "征收", "征用"]
    assert figures["rows"]["征收"] == NO_DUTY and figures["rows"]["征用"] == NO_DUTY
    assert figures["rows"]["确认"]["count"] == 0
    rows = {r["kind"]: r for r in table(figures)}
    assert rows["征用"]["cells"][0] == "无相关职责" and rows["许可"]["cells"][0] == 0


# The 2026 report's dates, in 2027, per profile (None: the profile names none).
DATES = [
    ("zhuzhou-amr", dt.date(2027, 1, 15), dt.date(2027, 1, 31), ["市政府", "省市场监督管理局"]),
    ("urumqi-gxq-amr", None, dt.date(2027, 1, 30), ["区政府"]),
    ("quanzhou-licheng-amr", None, dt.date(2027, 1, 31), ["上级主管部门", "本级司法行政部门"]),
    ("pingluo-commerce", None, dt.date(2027, 1, 31), ["本级人民政府", "上级主管部门"]),
    ("national", None, dt.date(2027, 1, 31), ["本级人民政府", "上级主管部门"]),
]


@pytest.mark.parametrize("profile,submission,due,recipients", DATES)
def test_dates_per_profile(profile, submission, due, recipients):
    agency = T.agency(profile_key=profile)
    d = dates(agency, 2026)
    assert (d.unit_submission_due, d.due, d.recipients) == (submission, due, recipients)
    assert d.due_citation and d.recipients_citation


def test_a_no_penalty_decision_is_not_counted_as_a_penalty(env, client, monkeypatch):
    """s25 tester10b #12 (decision 0098): a 不予行政处罚决定 imposed no penalty (行政处罚法第二条) — it is left out
    of 行政处罚 件数 and counted apart (`no_penalty`), which the report page says."""
    from sanxiang.annual.actions import do_open_annual_report

    before = compute(env.agency, 2026)
    case, day = reach(env, get_table("penalty_general"), "concluded")
    case.refresh_from_db()
    C.do_revise_case_proposal(case, version=case.version, penalties=[], no_penalty_ground="first_offence",
                              actor=env.officer)
    case.refresh_from_db()
    C.do_decide_case_no_penalty(case, actor=env.head, on=dt.date(2026, 9, 25))
    figures = compute(env.agency, 2026)
    assert figures["rows"]["处罚"]["count"] == before["rows"]["处罚"]["count"]
    assert (before["no_penalty"], figures["no_penalty"]) == (0, 1)
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2027, 1, 5))  # the year over (decision 0098)
    report = do_open_annual_report(env.agency, 2026, actor=env.leader)
    client.force_login(env.leader)
    page = client.get(f"/annual/{report.pk}/").content.decode()
    assert "当年作出不予行政处罚决定 1 件" in page and "不予行政处罚决定不计入" in page
