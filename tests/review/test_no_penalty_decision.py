"""作出不予行政处罚决定 (decision 0075, issue 9 leftovers #1): a penalty case may end without a penalty
(行政处罚法 第三十条、第三十一条、第三十三条、第五十七条第一款) by its own act — proposed at 调查终结 (or by
修改拟处罚内容) with its ground and no penalties, through the same 法制审核 gate as a penalty, the
不予行政处罚决定书 issued only after the act, then 送达 and 结案 as other decisions."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from flow_cast import GENERAL, make_flow_env

from sanxiang.cases import actions as C
from sanxiang.cases.decisions import on_decision_made
from sanxiang.cases.review_gate import proposal_of, review_required
from sanxiang.core.errors import RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review import procedure as P
from sanxiang.review.testing import all_materials, all_points, sign_whole_chain

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from cases_cast import make_env, reach, step  # noqa: E402

D = dt.date


def _no_penalty(env, case, ground="minor"):
    case.refresh_from_db()
    return C.do_revise_case_proposal(case, version=case.version, penalties=[], no_penalty_ground=ground,
                                     actor=env.officer)


def _concluded_without_penalty(env):
    case, day = reach(env, GENERAL, "concluded")
    return _no_penalty(env, case), day


def test_the_proposal_the_catalogue_is_asked_has_no_penalty_and_its_ground(db):
    env = make_env(profile_key="zhuzhou-amr")
    case, _ = _concluded_without_penalty(env)
    proposal = proposal_of(case)
    assert proposal["penalties"] == [] and proposal["fine"] is None
    assert proposal["no_penalty_ground"] == "minor"
    required, rules = review_required(case, proposal, on=D(2026, 9, 1))
    # 株洲: every general-procedure penalty case is reviewed (案件审核), a 不予处罚 one too.
    assert required and rules


def test_zhuzhou_no_penalty_decision_waits_for_the_review_then_is_served_and_closed(db):
    fe = make_flow_env("zhuzhou-amr")
    env = fe.env
    case, day = _concluded_without_penalty(env)
    before = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation, match="本案须经法制审核后方可作出决定"):
        C.do_decide_case_no_penalty(case, actor=env.head, on=day + dt.timedelta(days=1))
    assert LedgerEntry.objects.count() == before
    case.refresh_from_db()
    assert case.status == "concluded" and case.decided_on is None

    day += dt.timedelta(days=1)
    rnd = P.do_submit_review(case, materials=all_materials(case, day), actor=env.officer, on=day)
    assert rnd.proposal["no_penalty_ground"] == "minor" and rnd.proposal["penalties"] == []
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.leader, on=day)
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    rnd = P.do_record_pass_or_return(rnd, opinion="pass", note="违法行为轻微并及时改正，没有造成危害后果。",
                                     actor=env.reviewer, on=day)
    sign_whole_chain(rnd, head=env.head, on=day)
    seen = []

    def listen(decision, *, actor):
        seen.append((decision.kind, decision.action))

    on_decision_made(listen)
    try:
        case.refresh_from_db()
        C.do_decide_case_no_penalty(case, actor=env.head, on=day + dt.timedelta(days=1))
    finally:
        from sanxiang.cases import decisions

        decisions._callbacks.remove(listen)
    case.refresh_from_db()
    assert case.status == "decided" and case.decided_penalties == [] and case.decided_fine is None
    assert seen == [("penalty", "decide_no_penalty")]  # publicity's listener is told (its scope decides)
    from sanxiang.publicity.models import PublicationObligation

    # 株洲's plan publishes 其他行政执法决定 within 20 working days (decision 0079, the lead's ruling in s22)
    ob = PublicationObligation.objects.get(case=case)
    assert (ob.count, ob.unit, ob.rule) == (20, "workdays", "publicity.decision_deadline_other")
    assert "二（一）1)及时公开行政执法决定" in ob.citation and "不予行政处罚决定" in ob.scope_note
    day += dt.timedelta(days=2)
    step(env, GENERAL, case, "serve", day)
    case.refresh_from_db()
    assert case.status == "served"
    step(env, GENERAL, case, "close", day + dt.timedelta(days=1))
    case.refresh_from_db()
    assert case.status == "closed"


def test_an_agreed_round_of_a_penalty_does_not_let_the_case_end_without_one(db):
    """The review is of the proposal: agreeing to a fine is not agreeing to 不予处罚 (a new round)."""
    fe = make_flow_env("zhuzhou-amr")
    env = fe.env
    case, day = reach(env, GENERAL, "concluded")
    day += dt.timedelta(days=1)
    rnd = P.do_submit_review(case, materials=all_materials(case, day), actor=env.officer, on=day)
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.leader, on=day)
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    rnd = P.do_record_pass_or_return(rnd, opinion="pass", note="同意。", actor=env.reviewer, on=day)
    sign_whole_chain(rnd, head=env.head, on=day)
    _no_penalty(env, case)
    case.refresh_from_db()
    with pytest.raises(RuleViolation, match="须重新审核"):
        C.do_decide_case_no_penalty(case, actor=env.head, on=day + dt.timedelta(days=1))


def test_where_the_catalogue_asks_no_review_the_act_decides_and_the_document_is_then_issued(db):
    from sanxiang.documents import actions as DA
    from sanxiang.documents.models import Document

    env = make_env()  # the national catalogue (第五十八条 only): no flag, no review
    case, day = _concluded_without_penalty(env)
    draft = DA.do_generate_document(case, "no_penalty_decision", inputs={"evidence": "现场笔录", "reason": "首违不罚"},
                                    actor=env.officer)
    Document.objects.filter(pk=draft.pk).update(status="generated")
    draft.refresh_from_db()
    with pytest.raises(RuleViolation, match="尚未作出不予行政处罚决定"):
        DA.do_issue_document(draft, actor=env.head)
    case.refresh_from_db()
    C.do_decide_case_no_penalty(case, actor=env.head, on=day + dt.timedelta(days=1))
    draft.refresh_from_db()
    from sanxiang.documents.kinds import decision_pending

    assert decision_pending(case, "no_penalty_decision") is None
    # Issuing now passes the decision's rule and stops only at the next check (this test made no PDF).
    with pytest.raises(RuleViolation, match="PDF") as refused:
        DA.do_issue_document(draft, actor=env.head)
    assert refused.value.code != "decision_not_made"


@pytest.mark.parametrize("inputs, message", [
    ({"penalties": ["warning"], "no_penalty_ground": "minor"}, "不应同时拟定处罚种类"),
    ({"penalties": [], "fine": "100", "no_penalty_ground": "minor"}, "不应同时拟定处罚种类"),
    ({"penalties": [], "no_penalty_ground": "lucky"}, "未知的不予行政处罚情形"),
    ({"penalties": []}, "须写明处罚种类"),
])
def test_a_conclusion_is_penalties_or_a_ground_never_both_nor_neither(db, inputs, message):
    env = make_env()
    case, day = reach(env, GENERAL, "investigating")
    before = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation, match=message):
        C.move_case(case, "conclude", actor=env.officer, on=day + dt.timedelta(days=1), **inputs)
    assert LedgerEntry.objects.count() == before


def test_no_penalty_is_not_notified_and_a_penalty_is_not_decided_on_it(db):
    env = make_env()
    case, day = reach(env, GENERAL, "investigating")
    step(env, GENERAL, case, "conclude", day + dt.timedelta(days=1), penalties=[], fine=None,
         no_penalty_ground="no_fault")
    case.refresh_from_db()
    assert case.no_penalty_ground == "no_fault" and case.proposed_penalties == []
    with pytest.raises(RuleViolation, match="不告知拟处罚内容"):
        step(env, GENERAL, case, "notify", day + dt.timedelta(days=2))


def test_after_the_statement_the_proposal_may_become_no_penalty_and_be_decided(db):
    """陈述申辩 adopted (行政处罚法第四十五条): the head decides 不予处罚 from 已告知."""
    env = make_env()
    case, day = reach(env, GENERAL, "notified")
    step(env, GENERAL, case, "record_statement", day + dt.timedelta(days=1))
    with pytest.raises(RuleViolation, match="本案未拟不予行政处罚"):
        C.do_decide_case_no_penalty(case, actor=env.head, on=day + dt.timedelta(days=2))
    _no_penalty(env, case, "not_established")
    case.refresh_from_db()
    C.do_decide_case_no_penalty(case, actor=env.head, on=day + dt.timedelta(days=2))
    case.refresh_from_db()
    assert case.status == "decided" and case.decided_penalties == []
