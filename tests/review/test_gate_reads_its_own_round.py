"""Decision 0067 (issue-9 re-test, session 20, findings 1, 2, 5): the gate reads the round of the
decision it is asked about — a disagreement procedure held on one measure's (or one licence
decision's) round opens no other; a returned round keeps binding when a later round is submitted
and withdrawn; 补充调查 / 调查终结 do not change a proposal under review."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from flow_cast import GENERAL, make_flow_env, opinion, submitted_round

from sanxiang.cases import actions as C
from sanxiang.core.errors import RuleViolation
from sanxiang.review import flow as F
from sanxiang.review import procedure as P
from sanxiang.review.testing import all_materials, all_points

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))

D = dt.date


def _return(rnd, kind, *, reviewer, on):
    rnd = P.do_assign_reviewer(rnd, reviewer=reviewer, actor=reviewer, on=on)
    P.do_record_checklist(rnd, points=all_points(), actor=reviewer)
    return P.do_record_opinion(rnd, kind=kind, text="不同意，证据不足" if kind == "E" else "建议纠正", actor=reviewer,
                               on=on)


def _discuss(rnd, leaders, on):
    """A 集体讨论 on the round (named: decision 0075), all present agreeing, outcome 按拟作出的决定作出."""
    attendees = [{"user": u.pk, "position": "agree", "text": "同意"} for u in leaders]
    return F.do_record_collective_discussion(rnd.review, held_on=on, attendees=attendees, outcome="as_proposed",
                                             minutes="同意", actor=leaders[0], round=rnd.number)


def test_a_discussion_of_one_measure_does_not_open_another_measures_gate(db):
    from cases_cast import make_env
    from coercion_cast import proposed

    from sanxiang.cases.kinds import coercion as K
    from sanxiang.cases.models import Case
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    env = make_env(profile_key="zhuzhou-amr")
    leaders = [env.leader, T.member(env.agency, Role.AGENCY_LEADER), T.member(env.agency, Role.AGENCY_LEADER)]
    m1 = proposed(env, day=D(2026, 9, 21))
    case = m1.case
    Case.objects.filter(pk=case.pk).update(review_flags=["party_major_impact"])
    mats = {c: "provided" for c in "ABCDF"}
    r1 = P.do_submit_review(case, kind="coercion", measure=m1, materials=mats, actor=env.officer, on=D(2026, 9, 21))
    m2 = proposed(env, case=case, kind="seize", day=D(2026, 9, 22), items=2)
    r2 = P.do_submit_review(case, kind="coercion", measure=m2, materials=mats, actor=env.officer, on=D(2026, 9, 22))
    _return(r1, "E", reviewer=env.reviewer, on=D(2026, 9, 22))
    _discuss(_return(r2, "C", reviewer=env.reviewer, on=D(2026, 9, 22)), leaders, D(2026, 9, 23))
    m1.refresh_from_db()
    with pytest.raises(RuleViolation, match="不同意并说明理由"):
        K.do_approve_measure(m1, actor=env.head, on=D(2026, 9, 24))
    m2.refresh_from_db()
    assert K.do_approve_measure(m2, actor=env.head, on=D(2026, 9, 24)).status == "approved"


def test_a_discussion_of_the_extension_does_not_open_the_change(db):
    from kinds_cast import make_kinds_env, new_kind_case, step
    from test_review_gate_kinds import _publish_later_decisions

    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role
    from sanxiang.workflow import get_table

    licence = get_table("licence_general")
    env = make_kinds_env(profile_key="zhuzhou-amr")
    leaders = [T.member(env.agency, Role.AGENCY_LEADER) for _ in range(3)]
    _publish_later_decisions(env.agency, env.reviewer)
    case = new_kind_case(env, "licence", on=D(2026, 9, 1))
    for action, day in (("accept", 1), ("start_review", 2), ("grant", 2)):
        step(env, licence, case, action, D(2026, 9, day))
    step(env, licence, case, "issue_certificate", D(2026, 9, 3), valid_until="2026-12-31")
    mats = {c: "provided" for c in "ABCDEF"}
    change = P.do_submit_review(case, decision="change", materials=mats, actor=env.officer, on=D(2026, 9, 7))
    _return(change, "E", reviewer=env.reviewer, on=D(2026, 9, 7))
    step(env, licence, case, "apply_extension", D(2026, 9, 14))
    case.refresh_from_db()
    extension = P.do_submit_review(case, decision="extension", materials=mats, actor=env.officer, on=D(2026, 9, 14))
    _discuss(_return(extension, "C", reviewer=env.reviewer, on=D(2026, 9, 14)), leaders, D(2026, 9, 15))
    case.refresh_from_db()
    step(env, licence, case, "grant_extension", D(2026, 9, 16))
    case.refresh_from_db()
    with pytest.raises(RuleViolation, match="不同意并说明理由"):
        step(env, licence, case, "change_licence", D(2026, 9, 17))


def _withdraw_latest(fe, case, day):
    rnd = P.latest_round_of(case, "penalty")
    P.do_withdraw_review(rnd, reason="案件情况有变化", actor=fe.env.head, on=day)


def _resubmit(fe, case, day):
    case.refresh_from_db()
    P.do_submit_review(case, materials=all_materials(case, day), actor=fe.env.officer, on=day)


def _drop_flag(fe, case, day):
    case.refresh_from_db()
    C.do_revise_case_proposal(case, version=case.version, penalties=["fine"], fine="20000", flags=[],
                              actor=fe.env.officer)


# After a return (平罗: 第五十八条 only, so dropping the flag ends the catalogue's requirement), the
# unit's head withdraws a later round: the returned round still binds, whatever the order.
ESCAPES = [
    ("drop the flag, resubmit, withdraw", (_drop_flag, _resubmit, _withdraw_latest), "审核退回后拟作出的决定已变更"),
    ("resubmit unchanged, withdraw, drop the flag", (_resubmit, _withdraw_latest, _drop_flag),
     "审核退回后拟作出的决定已变更"),
    ("resubmit unchanged, withdraw", (_resubmit, _withdraw_latest), "第1轮的审核仍然有效：法制审核意见为"),
]


@pytest.mark.parametrize(("label", "moves", "told"), ESCAPES, ids=[e[0] for e in ESCAPES])
def test_a_returned_round_binds_after_a_later_round_is_withdrawn(db, label, moves, told):
    fe = make_flow_env("pingluo-commerce")
    rnd, day = submitted_round(fe, conclude={"penalties": ["fine"], "fine": "20000", "flags": ["complex"]})
    rnd = opinion(fe, rnd, agree=False, day=day)
    case = rnd.review.case
    for move in moves:
        move(fe, case, day)
    case.refresh_from_db()
    with pytest.raises(RuleViolation, match=told) as caught:
        C.do_decide_case(case, actor=fe.env.head, on=day)
    assert "第2轮送审已撤回" in caught.value.message
    case.refresh_from_db()
    assert case.status == "notified"


def test_a_withdrawal_before_any_opinion_still_ends_the_review(db):
    """The control: withdrawing the only round (no opinion yet) takes it back; the catalogue decides."""
    fe = make_flow_env("pingluo-commerce")
    rnd, day = submitted_round(fe, conclude={"penalties": ["fine"], "fine": "20000", "flags": ["complex"]})
    case = rnd.review.case
    _withdraw_latest(fe, case, day)
    _drop_flag(fe, case, day)
    case.refresh_from_db()
    assert C.do_decide_case(case, actor=fe.env.head, on=day).status == "decided"


@pytest.mark.parametrize("action", ["reinvestigate"])
def test_the_case_table_does_not_change_a_proposal_under_review(db, action):
    """补充调查 takes the case back before 调查终结 (whose parameters are the proposal): refused while a
    round is open, allowed once the head withdrew it."""
    from cases_cast import reach, step

    fe = make_flow_env("pingluo-commerce")
    env = fe.env
    case, day = reach(env, GENERAL, "concluded")
    C.do_revise_case_proposal(case, version=case.version, actor=env.officer, penalties=["fine"], fine="20000",
                              flags=["complex"])
    case.refresh_from_db()
    rnd = P.do_submit_review(case, materials=all_materials(case, day), actor=env.officer, on=day)
    case.refresh_from_db()
    with pytest.raises(RuleViolation, match="正在法制审核中"):
        step(env, GENERAL, case, action, day, reason="补充调查")
    P.do_withdraw_review(rnd, reason="需补充调查", actor=env.head, on=day)
    case.refresh_from_db()
    step(env, GENERAL, case, action, day, reason="补充调查")
    case.refresh_from_db()
    assert case.status == "investigating"


def test_the_conclude_move_asks_the_same_guard(db):
    """调查终结 sets the proposal: its guard is the same as 修改拟处罚内容's (one guard for every path)."""
    for action in ("conclude", "reinvestigate"):
        guards = next(t for t in GENERAL.transitions if t.action == action).guards
        assert any(getattr(g, "__name__", "") == "proposal_not_under_review" for g in guards), action


@pytest.mark.parametrize(("stored", "shown"), [("10", "10"), ("40", "40"), ("2.50", "2.5"), ("0.125", "0.125"),
                                               ("100.00", "100")])
def test_measure_quantities_are_stored_as_people_write_them(stored, shown):
    """Finding 6 (s20): a measure's quantity entered the proposal as "1E+1"."""
    from sanxiang.cases.review_gate import _quantity

    assert _quantity(stored) == shown


def test_missing_materials_are_named_without_platform_keys(db):
    """Finding 9 (s20): the API's reasons said "缺少送审材料：draft 拟作出的执法决定"."""
    from cases_cast import reach

    fe = make_flow_env("pingluo-commerce")
    case, day = reach(fe.env, GENERAL, "concluded")
    with pytest.raises(RuleViolation) as caught:
        P.do_submit_review(case, materials={"report": "provided"}, actor=fe.env.officer, on=day)
    assert caught.value.code == "materials_incomplete" and caught.value.reasons
    assert all(r.startswith("缺少送审材料：") and "draft" not in r and "evidence" not in r for r in caught.value.reasons)
