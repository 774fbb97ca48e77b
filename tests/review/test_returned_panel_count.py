"""The workbench's 法制审核退回 count (issue 9 leftovers, decision 0079): it counts the rounds returned to the
handling unit that wait for the unit's own move — to supplement, or to revise and resubmit — not a round the
leaders decided as proposed (集体讨论 / 局领导研究决定: the decision may be made), not one before the leaders
after a failed 协商, and a round whose decision has been made is no longer listed."""

import pytest
from flow_cast import module_flow_env, opinion, submitted_round

from sanxiang.cases import actions as C
from sanxiang.review import procedure as P
from sanxiang.review.flow import do_record_collective_discussion, do_record_leadership_decision, do_record_negotiation
from sanxiang.review.hooks import returned_panel


@pytest.fixture(scope="module")
def zz(django_db_setup, django_db_blocker):
    yield from module_flow_env("zhuzhou-amr", django_db_blocker)


@pytest.fixture(scope="module")
def hrss(django_db_setup, django_db_blocker):
    yield from module_flow_env("urumqi-gxq-hrss", django_db_blocker)


PUBLIC_INTEREST = {"penalties": ["warning", "fine"], "fine": "20000", "flags": ["public_interest"]}


def counted(user) -> int:
    panel = returned_panel(type("Request", (), {"user": user})())
    if panel is None:
        return 0
    return sum(c["count"] for c in panel["counts"] if c["label"] == "法制审核退回")


def listed(user) -> list:
    panel = returned_panel(type("Request", (), {"user": user})())
    return [] if panel is None else panel["rows"]


def _returned(fe, conclude=None):
    rnd, day = submitted_round(fe, conclude=conclude)
    return opinion(fe, rnd, agree=False, day=day), day


def _positions(fe, *positions):
    return [{"user": u.pk, "position": p, "text": "意见如上。"} for u, p in zip(fe.leaders, positions)]


def test_a_round_decided_as_proposed_by_collective_discussion_is_listed_not_counted(zz, db, client):
    officer = zz.env.officer
    rnd, day = _returned(zz)
    assert counted(officer) == 1
    client.force_login(officer)
    assert '<span class="count-n">1</span> 法制审核退回</a>' in client.get("/").content.decode()
    do_record_collective_discussion(rnd.review, held_on=day, attendees=_positions(zz, "agree", "agree", "disagree"),
                                    outcome="as_proposed", minutes="局长办公会议纪要：同意按拟处罚决定作出。",
                                    actor=zz.env.leader)
    assert counted(officer) == 0
    [row] = listed(officer)
    assert row["resolved"].endswith("集体讨论：按拟作出的决定作出") and not row["awaiting"]
    client.force_login(officer)
    home = client.get("/").content.decode()
    assert "法制审核退回的案件" in home and "作出决定" in home
    assert "</span> 法制审核退回</a>" not in home  # the workbench header has no 法制审核退回 tile
    # the decision made: the round is no longer the unit's business
    C.do_decide_case(rnd.review.case, actor=zz.env.head, on=day)
    assert listed(officer) == [] and counted(officer) == 0


def test_a_discussion_that_follows_the_reviewer_leaves_it_to_the_unit(zz, db):
    rnd, day = _returned(zz)
    do_record_collective_discussion(rnd.review, held_on=day, attendees=_positions(zz, "disagree", "disagree"),
                                    outcome="as_reviewer", minutes="纪要：按法制审核意见处理。", actor=zz.env.leader)
    assert counted(zz.env.officer) == 1


def test_a_round_returned_for_supplement_is_counted(zz, db):
    rnd, day = submitted_round(zz)
    P.do_record_checklist(rnd, points={"facts": {"finding": "problem", "note": "缺进货凭证"}}, actor=zz.env.reviewer)
    track_material = next(m.code for m in P.track_of_round(rnd).materials if not m.optional)
    P.do_request_supplement(rnd, items=[track_material], supplement_by=day.replace(day=28), note="请补充进货凭证。",
                            actor=zz.env.reviewer, on=day)
    assert counted(zz.env.officer) == 1


def test_hrss_before_the_leaders_after_a_failed_negotiation_is_not_counted(hrss, db):
    officer = hrss.env.officer
    rnd, day = _returned(hrss, PUBLIC_INTEREST)
    assert counted(officer) == 1
    do_record_negotiation(rnd, held_on=day, participants=["赵科长", "钱审核"], agreed=False, text="仍不一致。",
                          actor=hrss.env.head)
    assert counted(officer) == 0
    [row] = listed(officer)
    assert row["with_leaders"] and not row["awaiting"]
    do_record_leadership_decision(rnd.review, handling_opinion="承办机构认为事实清楚。", review_opinion="审核机构认为证据不足。",
                                  decided_on=day, deciders=_positions(hrss, "agree"), outcome="as_proposed",
                                  text="局领导研究决定：按拟作出的决定作出。", actor=hrss.env.leader)
    assert counted(officer) == 0
    [row] = listed(officer)
    assert row["resolved"].endswith("局领导研究决定：按拟作出的决定作出")
