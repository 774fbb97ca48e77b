"""平罗's 不予行政处罚决定 and its publication (issue 9 leftovers, decision 0079).

The seed (002, 二、任务举措 4.加强事后公开（2）) has every 执法决定 published within 20 working days with its
执法结论, and 行政许可、行政处罚 decisions within 7. A 不予行政处罚决定 is an enforcement decision that
imposes no penalty (行政处罚法第二条): it opens an obligation — by the profile value
`publicity.no_penalty_decision` ("other": 20 working days), no longer the penalty's 7."""

import datetime as dt
import sys
from pathlib import Path

import pytest

from sanxiang.cases import actions as C
from sanxiang.profiles.registry import get_profile
from sanxiang.publicity.models import PublicationObligation
from sanxiang.workflow import get_table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env, reach, step  # noqa: E402

GENERAL = get_table("penalty_general")
D = dt.date


def test_the_profile_value_and_its_citation():
    profile = get_profile("pingluo-commerce")
    entry = profile.entry("publicity.no_penalty_decision", on=D(2026, 9, 25))
    assert entry.value == "other" and entry.source == "pingluo-commerce"
    assert "4.加强事后公开（2）" in profile.cite(entry) and "行政处罚法第二条" in profile.cite(entry)
    # the national default reads 国办发〔2018〕118号 the same way
    assert get_profile("national").value("publicity.no_penalty_decision") == "other"


@pytest.mark.django_db
def test_pingluo_publishes_a_no_penalty_decision_within_20_working_days(db):
    env = make_env(profile_key="pingluo-commerce")
    case, day = reach(env, GENERAL, "concluded")
    assert day < D(2026, 9, 25)
    case.refresh_from_db()
    C.do_revise_case_proposal(case, version=case.version, penalties=[], no_penalty_ground="minor", actor=env.officer)
    case.refresh_from_db()
    # decided on Friday 25 September 2026: 28–30 September (3), the National Day holiday 1–7 October, then
    # 8, 9, 10 (Saturday, 调休) October (6), 12–16 (11), 19–23 (16), 26–29 (20): Thursday 29 October
    C.do_decide_case_no_penalty(case, actor=env.head, on=D(2026, 9, 25))
    ob = PublicationObligation.objects.get(case=case)
    assert (ob.decided_on, ob.count, ob.unit, ob.due) == (D(2026, 9, 25), 20, "workdays", D(2026, 10, 29))
    assert ob.rule == "publicity.decision_deadline_other" and ob.kind_label == "处罚"
    assert "不予行政处罚决定" in ob.scope_note and "4.加强事后公开（2）" in ob.citation


@pytest.mark.django_db
def test_a_penalty_decision_of_pingluo_keeps_its_7_working_days(db):
    env = make_env(profile_key="pingluo-commerce")
    case, day = reach(env, GENERAL, "notified")
    step(env, GENERAL, case, "waive_rights", day + dt.timedelta(days=1))
    step(env, GENERAL, case, "decide", D(2026, 9, 25))
    ob = PublicationObligation.objects.get(case=case)
    # 7 working days from 25 September: 28, 29, 30 September, then 8, 9, 10 (Saturday, 调休), 12 October
    assert (ob.count, ob.due, ob.rule) == (7, D(2026, 10, 12), "publicity.decision_deadline_short")



@pytest.mark.parametrize("key, seed", [("zhuzhou-amr", "二（一）1)"), ("urumqi-gxq-amr", "（1）"), ("quanzhou-licheng-amr", "10.")])
def test_a_market_regulators_no_penalty_decision_is_published_as_another_decision(key, seed):
    """The lead's ruling (s22, decision 0079): the three market regulators' plans publish 其他行政执法决定 within 20
    working days; 总局令第45号 governs 行政处罚信息 only and exempts nothing else — so a 不予行政处罚决定 opens its
    obligation there too (it opened none before; tests/review/test_no_penalty_decision.py decides one in 株洲)."""
    profile = get_profile(key)
    entry = profile.entry("publicity.no_penalty_decision", on=D(2026, 9, 25))
    cited = profile.cite(entry)
    assert entry.value == "other" and entry.source == key and seed in cited and "行政处罚法第二条" in cited
