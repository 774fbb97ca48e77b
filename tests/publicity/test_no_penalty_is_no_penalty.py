"""A 不予行政处罚决定 is published as what it is (s25 tester10b #2, decision 0098).

It imposes no penalty (行政处罚法第二条), so it is not 行政处罚信息 (总局令第45号): its 执法结论 says 不予行政处罚
and on which ground; no 行政处罚信息摘要 in front of it and no warning for a missing 处罚决定书文号; no row in the
国家企业信用信息公示系统's 行政处罚信息 export; not the 45号 three-year display period but the profile's own
`publicity.no_penalty_display_period` (none set: no automatic end); its 公示告知书 names neither the 行政处罚决定书
nor the 45号 period, and takes its basis from the rule the obligation was opened under. Where the ground is
违法事实不能成立 the recorded facts are not published as 违法事实."""

import datetime as dt

import pytest

from sanxiang.access.actors import OPERATOR
from sanxiang.cases import actions as C
from sanxiang.cases.decisions import Decision
from sanxiang.cases.models import Case
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.orgs.actions import do_create_unit
from sanxiang.portal import open as opendata
from sanxiang.profiles.registry import get_profile
from sanxiang.publicity import actions as P
from sanxiang.publicity import notices
from sanxiang.publicity.actions import open_for_decision
from sanxiang.publicity.testing import opened, party, staff

pytestmark = pytest.mark.django_db
ORG = "株洲某某餐饮管理有限公司"
FIRST = "不予行政处罚（初次违法且危害后果轻微并及时改正，行政处罚法第三十三条第一款）"


def no_penalty(agency, ground, *, the_party, on="2026-03-05", number="株市监立〔2026〕15号"):
    """A 普通程序 case of `agency` decided 不予行政处罚 on `ground` (the fields the publicity app reads, saved)."""
    unit = agency.units.first() or do_create_unit(agency, "执法科", actor=OPERATOR)
    case = C.do_create_case(agency, unit=unit, source="report", cause="涉嫌发布虚假广告", category="行政处罚",
                            clue_on="2026-03-02", actor=OPERATOR)
    C.do_add_case_party(case, the_party, actor=OPERATOR)
    day = dt.date.fromisoformat(on)
    Case.objects.filter(pk=case.pk).update(procedure="general", decided_penalties=[], decided_on=day, number=number,
                                           no_penalty_ground=ground, facts="经查，当事人在其网店发布“全市销量第一”的广告。")
    case.refresh_from_db()
    return open_for_decision(Decision(case=case, kind="penalty", table="penalty_general", action="decide_no_penalty",
                                      label="作出不予行政处罚决定", obj=case, on=day), actor=OPERATOR)


def publish(pub, editor, head, on="2026-03-10"):
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on=on)
    P.do_publish_publication(pub, actor=editor, on=on)
    pub.refresh_from_db()
    return pub


@pytest.fixture
def zhuzhou():
    seed_calendar(actor=OPERATOR, years=[2026])
    agency = T.agency("np-zz", profile_key="zhuzhou-amr")
    return agency, staff(agency), party(agency, kind="org", name=ORG)


def test_the_draft_says_no_penalty_with_its_ground_and_has_no_samr_summary(zhuzhou):
    agency, (editor, head, _), company = zhuzhou
    ob = no_penalty(agency, "first_offence", the_party=company)
    assert ob.no_penalty and not ob.penalty_information and ob.kind_label == "处罚"
    version = ob.publication.current()
    assert version.fields["执法结论"] == FIRST
    assert f"决定内容：{FIRST}" in version.original and "已作出行政处罚决定" not in version.original
    assert version.summary == {}  # no 行政处罚信息摘要 (总局令第45号第4条 governs 行政处罚信息)
    assert not any("文号" in w for w in P.summary_warnings(version))
    assert P.full_text_rule(ob) == ""
    # a penalty of the same agency still has its summary (the SAMR scope is unchanged)
    penalty = opened(agency, fine="300000", kind="org", the_party=company)
    assert set(penalty.publication.current().summary) == set(P.SUMMARY_LABELS)


def test_published_it_is_no_credit_penalty_row_and_has_no_45_display_period(zhuzhou, client):
    agency, (editor, head, _), company = zhuzhou
    pub = publish(no_penalty(agency, "first_offence", the_party=company).publication, editor, head)
    penalty = opened(agency, fine="300000", kind="org", the_party=company, on="2026-03-06")
    Case.objects.filter(pk=penalty.case_id).update(number="株市监罚〔2026〕3号")
    fined = publish(penalty.publication, editor, head)
    assert pub.expires_on is None  # not 2029: 45号第十三条's three years are for 行政处罚信息
    assert fined.expires_on == dt.date(2029, 3, 10)  # a penalty keeps them
    rows = opendata.credit_penalties(agency)
    assert len(rows) == 1 and rows[0][0] == "" and "罚款" in rows[0][5]  # the penalty only
    assert all(FIRST not in " ".join(map(str, r)) for r in rows)
    page = client.get(f"/gk/{agency.code}/jueding/{opendata.public_number(pub)}/").content.decode()
    assert "不予行政处罚决定 株市监立〔2026〕15号" in page and FIRST in page
    assert "已作出行政处罚决定" not in page and "行政处罚信息摘要" not in page
    listing = client.get(f"/gk/{agency.code}/jueding/").content.decode()
    assert "不予行政处罚决定 株市监立〔2026〕15号" in listing


def test_its_notice_names_neither_the_penalty_decision_nor_the_45_period(zhuzhou):
    agency, (editor, head, _), company = zhuzhou
    ob = no_penalty(agency, "first_offence", the_party=company)
    values = notices.notice_values(ob.case, ob.publication)
    assert "行政处罚决定书" not in values["published_items"] and "执法结论" in values["published_items"]
    assert values["period"] == "依照有关规定确定" and "36" not in values["period"]
    assert "行政处罚信息公示规定" not in values["basis"]
    assert values["early_stop"] == "公示期满后停止公示。"
    profile = get_profile("zhuzhou-amr")
    other = profile.cite(profile.entry("publicity.decision_deadline_other")).split("：")[0]
    assert values["basis"] == other  # the 20 working days' rule it was opened under, not the 处罚's 7


def test_facts_found_not_established_are_not_published_as_a_violation(zhuzhou):
    agency, _, company = zhuzhou
    ob = no_penalty(agency, "not_established", the_party=company)
    version = ob.publication.current()
    assert "违法事实：" not in version.original and "销量第一" not in version.original
    assert "调查结论：违法事实不能成立" in version.original
    assert version.fields["执法结论"] == "不予行政处罚（违法事实不能成立，行政处罚法第四十条、第五十七条第一款第三项）"


@pytest.mark.parametrize("key", ["national", "zhuzhou-amr", "urumqi-gxq-amr", "quanzhou-licheng-amr"])
def test_the_display_period_of_a_no_penalty_decision_is_a_profile_value_with_its_citation(key):
    profile = get_profile(key)
    entry = profile.entry("publicity.no_penalty_display_period")
    assert entry.value is None and entry.source == key
    assert "行政处罚法第二条" in entry.citation and "第十三条" in entry.citation
