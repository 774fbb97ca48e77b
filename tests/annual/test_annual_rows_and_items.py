"""The annual report's rows and recorded numbers agree with the profile (s25 tester10b #9, #11; decision 0098).

- A number recorded for a kind the agency holds no power for (`publicity.annual_report.no_duty`: 泉州's 征收、征用)
  would sit beside a row saying 无相关职责 and never reach the total: refused, and not offered on the page.
- 乌鲁木齐人社 decides 行政确认 (工伤认定; seed 003 三、主要任务 names 行政确认 among its acts): its report has a 行政确认
  row, and a confirmation decided in the year is counted there."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.annual import actions as AA
from sanxiang.annual.figures import compute, table
from sanxiang.core.errors import RuleViolation
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.profiles.registry import get_profile
from sanxiang.workflow import get_table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from kinds_cast import D0, make_kinds_env, new_kind_case, step  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def early_2027(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2027, 1, 5))  # the 2026 report may be compiled


def test_a_figure_for_a_kind_without_duty_is_refused_and_not_offered(client):
    agency = T.agency(profile_key="quanzhou-licheng-amr")
    A.do_create_unit(agency, "法制股", actor=OPERATOR)
    report = AA.do_open_annual_report(agency, 2026, actor=OPERATOR)
    for item, name in (("expropriation", "征收"), ("requisition", "征用")):
        with pytest.raises(RuleViolation, match=f"本机关无行政{name}职责") as refused:
            AA.do_record_figure(report, item=item, count=3, source="区财政局函告", actor=OPERATOR)
        assert refused.value.code == "no_duty"
    assert not report.recorded.exists()
    AA.do_record_figure(report, item="litigation", count=1, source="区法院函告", actor=OPERATOR)  # still recorded
    leader = T.member(agency, Role.AGENCY_LEADER)
    client.force_login(leader)
    page = client.get(f"/annual/{report.pk}/").content.decode()
    form = page[page.index('name="item"'):]
    form = form[:form.index("</select>")]
    assert "行政诉讼" in form and "行政征收" not in form and "行政征用" not in form


def test_the_hrss_report_counts_its_confirmations():
    profile = get_profile("urumqi-gxq-hrss")
    entry = profile.entry("publicity.annual_report.kinds", on=dt.date(2027, 1, 1))
    assert "确认" in entry.value and entry.source == "urumqi-gxq-hrss" and "行政确认" in profile.cite(entry)
    env = make_kinds_env()
    before = compute(env.agency, 2026)["rows"]["确认"]["count"]
    case = new_kind_case(env, "confirmation")
    table_ = get_table("confirmation_general")
    for action in ("accept", "start_review", "make_decision"):
        case = step(env, table_, case, action, D0)
    figures = compute(env.agency, 2026)
    assert figures["rows"]["确认"]["count"] == before + 1
    assert any(r["label"] == "行政确认" and not r["no_duty"] for r in table(figures))
