"""分歧 (issue 9 §4): 株洲 sends a returned review to 局领导集体讨论 (attendees, quorum, positions,
outcome, minutes); 乌鲁木齐人社 negotiates first and then reports both opinions to the leaders; the
"coordination mechanism" agencies negotiate, then discuss. Only an outcome "按拟作出的决定作出"
lets the decision through. 行政处罚法 第五十七条 cases go to collective discussion even when the
review agreed. Every refusal writes nothing."""

import datetime as dt

import pytest
from flow_cast import module_flow_env, opinion, submitted_round

from sanxiang.cases import actions as C
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review.flow import (
    collective_discussion_grounds,
    do_record_collective_discussion,
    do_record_leadership_decision,
    do_record_negotiation,
    do_sign_off,
    review_decided_by_disagreement,
)
from sanxiang.review.models_flow import CollectiveDiscussion, LeadershipDecision, Negotiation


@pytest.mark.parametrize("profile, procedure, expertise, inquire", [
    ("zhuzhou-amr", "collective_discussion", ["公职律师", "法律顾问", "行业专家"], True),
    ("urumqi-gxq-hrss", "leadership_decision", [], False),
    ("urumqi-gxq-amr", "coordination", ["政府法律顾问", "公职律师"], False),
    ("quanzhou-licheng-amr", "coordination", ["法律顾问", "公职律师"], False),
    ("pingluo-commerce", "coordination", [], False),
])
def test_each_agency_resolves_disagreement_and_consults_by_its_profile(profile, procedure, expertise, inquire):
    from sanxiang.profiles.registry import get_profile

    p = get_profile(profile)
    on = dt.date(2026, 9, 1)
    assert (p.value("review.disagreement", on=on), p.value("review.outside_expertise", on=on),
            p.value("review.reviewer_may_inquire_party", on=on)) == (procedure, expertise, inquire)
    assert p.value("review.collective_discussion_quorum", on=on) == 0.5
    samr = ["samr60_public_interest", "samr60_hearing", "samr60_other"] if profile.endswith("-amr") else []
    assert [r["key"] for r in p.value("review.collective_discussion_rules", on=on)] == ["art57_complex", "art57_heavy",
                                                                                      *samr]


@pytest.fixture(scope="module")
def zz(django_db_setup, django_db_blocker):
    yield from module_flow_env("zhuzhou-amr", django_db_blocker)


@pytest.fixture(scope="module")
def hrss(django_db_setup, django_db_blocker):
    yield from module_flow_env("urumqi-gxq-hrss", django_db_blocker)


@pytest.fixture(scope="module")
def amr(django_db_setup, django_db_blocker):
    yield from module_flow_env("urumqi-gxq-amr", django_db_blocker)


@pytest.fixture(scope="module")
def qz(django_db_setup, django_db_blocker):
    yield from module_flow_env("quanzhou-licheng-amr", django_db_blocker)


PUBLIC_INTEREST = {"penalties": ["warning", "fine"], "fine": "20000", "flags": ["public_interest"]}


def _returned(fe, conclude=None):
    rnd, day = submitted_round(fe, conclude=conclude)
    return opinion(fe, rnd, agree=False, day=day), day


def _positions(fe, *positions):
    return [{"user": u.pk, "position": p, "text": "意见如上。"} for u, p in zip(fe.leaders, positions)]


def _nothing_written(fn, exc=RuleViolation, **kw):
    models = (CollectiveDiscussion, LeadershipDecision, Negotiation)
    before = (LedgerEntry.objects.count(), *[m.objects.count() for m in models])
    with pytest.raises(exc) as err:
        fn(**kw)
    assert (LedgerEntry.objects.count(), *[m.objects.count() for m in models]) == before
    return err.value.message


def _decide(fe, rnd, day):
    return C.do_decide_case(rnd.review.case, actor=fe.env.head, on=day)


def test_zhuzhou_disagreement_decided_by_collective_discussion_lets_the_decision_through(zz, db):
    rnd, day = _returned(zz)
    with pytest.raises(RuleViolation) as gate:
        _decide(zz, rnd, day)
    assert "已退回承办机构" in gate.value.message
    assert not review_decided_by_disagreement(rnd.review)

    row = do_record_collective_discussion(rnd.review, held_on=day, attendees=_positions(zz, "agree", "agree", "disagree"),
                                          outcome="as_proposed", minutes="局长办公会议纪要：同意按拟处罚决定作出。",
                                          actor=zz.env.leader)
    assert [g["key"] for g in row.grounds] == ["disagreement"]
    assert "4.明确审核程序 6）B" in row.grounds[0]["citation"]
    assert [a["position"] for a in row.attendees] == ["agree", "agree", "disagree"]
    assert review_decided_by_disagreement(rnd.review)
    _decide(zz, rnd, day)
    rnd.review.case.refresh_from_db()
    assert rnd.review.case.status == "decided"


@pytest.mark.parametrize("outcome, told", [
    ("as_reviewer", "集体讨论的结果为“按法制审核意见处理（承办机构修改后重新送审）”"),
    ("no_decision", "集体讨论的结果为“不予作出决定”"),
])
def test_other_outcomes_keep_the_gate_shut(zz, db, outcome, told):
    rnd, day = _returned(zz)
    do_record_collective_discussion(rnd.review, held_on=day, attendees=_positions(zz, "disagree", "disagree"),
                                    outcome=outcome, minutes="纪要。", actor=zz.env.reviewer)
    with pytest.raises(RuleViolation) as gate:
        _decide(zz, rnd, day)
    assert told in gate.value.message


def test_collective_discussion_bad_input_is_refused_and_writes_nothing(zz, db):
    rnd, day = _returned(zz)
    ok = dict(review=rnd.review, held_on=day, attendees=_positions(zz, "agree", "agree"), outcome="as_proposed",
              minutes="纪要。", actor=zz.env.leader)
    assert "不足法定人数" in _nothing_written(do_record_collective_discussion,
                                          **{**ok, "attendees": _positions(zz, "agree")})
    assert "请记录" in _nothing_written(do_record_collective_discussion, **{
        **ok, "attendees": [{"user": zz.leaders[0].pk, "position": "agree"}, {"user": zz.leaders[1].pk}]})
    assert "不是" in _nothing_written(do_record_collective_discussion, **{
        **ok, "attendees": [*_positions(zz, "agree"), {"user": zz.env.head.pk, "position": "agree"}]})
    assert "出席人员重复" in _nothing_written(do_record_collective_discussion, **{
        **ok, "attendees": _positions(zz, "agree") * 2})
    assert "请选择讨论结果" in _nothing_written(do_record_collective_discussion, **{**ok, "outcome": "maybe"})
    assert "纪要" in _nothing_written(do_record_collective_discussion, **{**ok, "minutes": ""})
    assert "不能早于审核意见" in _nothing_written(do_record_collective_discussion,
                                            **{**ok, "held_on": day - dt.timedelta(days=30)})
    assert "法制审核人员或单位领导" in _nothing_written(do_record_collective_discussion, NotPermitted,
                                              **{**ok, "actor": zz.env.officer})
    assert "法制审核人员或单位领导" in _nothing_written(do_record_collective_discussion, NotPermitted,
                                              **{**ok, "actor": zz.env.outsider})


def test_no_discussion_without_grounds(zz, db):
    rnd, day = submitted_round(zz)
    rnd = opinion(zz, rnd, agree=True, day=day)
    message = _nothing_written(do_record_collective_discussion, review=rnd.review, held_on=day,
                               attendees=_positions(zz, "agree", "agree"), outcome="as_proposed", minutes="纪要。",
                               actor=zz.env.leader)
    assert "不属于须集体讨论的情形" in message
    assert "不另行协商" in _nothing_written(do_record_negotiation, rnd=_returned(zz)[0], held_on=day,
                                        participants=["赵科长", "钱审核"], agreed=False, text="协商。",
                                        actor=zz.env.head)


@pytest.mark.parametrize("change, rule", [
    ({"penalties": ["warning", "fine"], "fine": "20000", "flags": ["complex"]}, "art57_complex"),
    ({"penalties": ["fine", "production_suspension"], "fine": "20000", "flags": []}, "art57_heavy"),
])
def test_article_57_cases_go_to_collective_discussion_though_the_review_agreed(zz, db, change, rule):
    rnd, day = submitted_round(zz, conclude=change)
    assert [g["key"] for g in collective_discussion_grounds(rnd.review, rnd.proposal)] == [rule]
    rnd = opinion(zz, rnd, agree=True, day=day)
    for code, who in (("handling_head", zz.env.head), ("legal_review", zz.env.reviewer), ("legal_head", zz.legal_head)):
        do_sign_off(rnd, code, approved=True, opinion="同意。", on=day, actor=who)
    with pytest.raises(RuleViolation) as gate:
        _decide(zz, rnd, day)
    assert "须经机关负责人集体讨论决定" in gate.value.message and "行政处罚法第五十七条第二款" in gate.value.message
    row = do_record_collective_discussion(rnd.review, held_on=day, attendees=_positions(zz, "agree", "agree"),
                                          outcome="as_proposed", minutes="集体讨论：同意。", actor=zz.env.leader)
    assert [g["key"] for g in row.grounds] == [rule]
    if rule == "art57_heavy":  # the heavier penalty was not in the notice: Art.45 still holds it back
        return
    _decide(zz, rnd, day)


def test_hrss_negotiates_then_the_leaders_decide(hrss, db):
    rnd, day = _returned(hrss, PUBLIC_INTEREST)  # 行政处罚法 第五十八条 (一): the review is required
    ok = dict(review=rnd.review, handling_opinion="承办机构认为事实清楚。", review_opinion="审核机构认为证据不足。",
              decided_on=day, deciders=_positions(hrss, "agree"), outcome="as_proposed", text="局领导研究决定：按拟作出的决定作出。",
              actor=hrss.env.leader)
    assert "须先与法制审核机构协商沟通" in _nothing_written(do_record_leadership_decision, **ok)
    assert "至少 2 人" in _nothing_written(do_record_negotiation, rnd=rnd, held_on=day, participants=["赵科长"],
                                        agreed=False, text="协商。", actor=hrss.env.head)
    do_record_negotiation(rnd, held_on=day, participants=["赵科长", "钱审核"], agreed=True, text="达成一致。",
                          actor=hrss.env.head)
    assert "须先与法制审核机构协商沟通" in _nothing_written(do_record_leadership_decision, **ok)
    do_record_negotiation(rnd, held_on=day, participants=["赵科长", "钱审核"], agreed=False, text="仍不一致。",
                          actor=hrss.env.reviewer)
    assert "负责人（单位领导）" in _nothing_written(do_record_leadership_decision,
                                             **{**ok, "deciders": [{"user": hrss.env.head.pk, "position": "agree"}]})
    # each leader's position is recorded, and the decision follows them (review.collective_discussion_majority)
    assert "请记录" in _nothing_written(do_record_leadership_decision,
                                      **{**ok, "deciders": [{"user": hrss.leaders[0].pk}]})
    assert "研究决定与参加研究的负责人的意见不一致" in _nothing_written(
        do_record_leadership_decision, **{**ok, "deciders": _positions(hrss, "agree", "disagree")})
    assert "应为“按承办机构拟作出的决定作出”" in _nothing_written(
        do_record_leadership_decision, **{**ok, "deciders": _positions(hrss, "agree", "agree"), "outcome": "no_decision"})
    assert "不属于须集体讨论的情形" in _nothing_written(
        do_record_collective_discussion, review=rnd.review, held_on=day, attendees=_positions(hrss, "agree", "agree"),
        outcome="as_proposed", minutes="纪要。", actor=hrss.env.leader)
    with pytest.raises(RuleViolation):
        _decide(hrss, rnd, day)
    row = do_record_leadership_decision(**ok)
    assert row.negotiation.agreed is False and row.deciders[0]["user"] == hrss.leaders[0].pk
    assert row.deciders[0]["position"] == "agree"
    from sanxiang.review.forms import resolutions_of

    leader = row.deciders[0]["name"]  # the 审核表's cell names each leader with the position taken
    assert f"局领导研究决定（{leader}同意拟作出的决定）" in resolutions_of(rnd)
    _decide(hrss, rnd, day)


def test_coordination_agencies_negotiate_then_discuss(amr, db):
    rnd, day = _returned(amr)
    args = dict(review=rnd.review, held_on=day, attendees=_positions(amr, "agree", "agree"), outcome="as_proposed",
                minutes="纪要。", actor=amr.env.leader)
    assert "不属于须集体讨论的情形" in _nothing_written(do_record_collective_discussion, **args)
    assert "不由局领导研究决定" in _nothing_written(
        do_record_leadership_decision, review=rnd.review, handling_opinion="甲", review_opinion="乙", decided_on=day,
        deciders=[amr.leaders[0].pk], outcome="as_proposed", text="丙", actor=amr.env.leader)
    do_record_negotiation(rnd, held_on=day, participants=["赵科长", "钱审核"], agreed=False, text="未达成一致。",
                          actor=amr.env.head)
    do_record_collective_discussion(**args)
    _decide(amr, rnd, day)


# ---- defect 9.3: the outcome follows the positions ---------------------------------------------------

@pytest.mark.parametrize("positions, outcome, told", [
    (("disagree", "disagree", "disagree"), "as_proposed", "同意拟作出的决定的 0 名，未超过50%"),
    (("agree", "disagree", "abstain"), "as_proposed", "同意拟作出的决定的 1 名，未超过50%"),
    (("agree", "agree", "disagree"), "no_decision", "讨论结果应为“按承办机构拟作出的决定作出”"),
])
def test_an_outcome_against_the_attendees_positions_is_refused(zz, db, positions, outcome, told):
    rnd, day = _returned(zz)
    message = _nothing_written(do_record_collective_discussion, review=rnd.review, held_on=day,
                               attendees=_positions(zz, *positions), outcome=outcome, minutes="纪要。",
                               actor=zz.env.leader)
    assert "讨论结果与出席负责人的意见不一致" in message and told in message
    with pytest.raises(RuleViolation):
        _decide(zz, rnd, day)


def test_the_majority_rule_is_profile_data_with_its_citation():
    from sanxiang.profiles.registry import get_profile

    p = get_profile("zhuzhou-amr")
    entry = p.entry("review.collective_discussion_majority", on=dt.date(2026, 9, 1))
    assert entry.value == 0.5 and "民主集中制" in entry.citation


# ---- defect 9.4: 市场监管 — 第五十条 cases are decided by 负责人集体讨论 (程序规定第六十条) --------------------

@pytest.mark.parametrize("fixture", ["zz", "amr", "qz"])
def test_samr_public_interest_penalty_needs_collective_discussion_after_an_agreed_review(fixture, request, db):
    fe = request.getfixturevalue(fixture)
    rnd, day = submitted_round(fe, conclude=PUBLIC_INTEREST)
    grounds = collective_discussion_grounds(rnd.review, rnd.proposal)
    assert [g["key"] for g in grounds] == ["samr60_public_interest"]
    assert "市场监督管理行政处罚程序规定第六十条" in grounds[0]["citation"]
    rnd = opinion(fe, rnd, agree=True, day=day)
    from sanxiang.review.flow import chain_for

    signers = {"handling_head": fe.env.head, "legal_review": fe.env.reviewer, "legal_head": fe.legal_head}
    for step in chain_for(rnd.review, day):
        do_sign_off(rnd, step["code"], approved=True, opinion="同意。", on=day, actor=signers[step["code"]])
    with pytest.raises(RuleViolation) as gate:
        _decide(fe, rnd, day)
    assert "须经机关负责人集体讨论决定" in gate.value.message and "第六十条" in gate.value.message
    do_record_collective_discussion(rnd.review, held_on=day, attendees=_positions(fe, "agree", "agree"),
                                    outcome="as_proposed", minutes="局务会议：同意。", actor=fe.env.leader)
    _decide(fe, rnd, day)
    rnd.review.case.refresh_from_db()
    assert rnd.review.case.status == "decided"


# ---- defect 9.5: 市场监管 — every 普通程序 penalty is reviewed (程序规定第四十九条) --------------------------

@pytest.mark.parametrize("profile", ["quanzhou-licheng-amr", "zhuzhou-amr", "urumqi-gxq-amr"])
def test_every_samr_general_procedure_penalty_needs_review(profile):
    import json
    import subprocess
    import sys

    proposal = json.dumps({"kind": "penalty", "party_kind": "person", "penalties": ["fine"], "fine": 3000})
    done = subprocess.run([sys.executable, "-m", "sanxiang.cli", "review", "check", "--profile", profile,
                           "--on", "2026-09-01", "--json"], input=proposal, capture_output=True, text=True)
    answer = json.loads(done.stdout)
    assert answer["required"] is True
    assert [r["key"] for r in answer["rules"]] == ["all_general_procedure_penalties"]
    if profile == "quanzhou-licheng-amr":
        assert "第四十九条" in answer["rules"][0]["citation"]
