"""签批 (issue 9 §2): each agency's chain from its profile; in 株洲 every step signed in order by an
entitled person with an opinion, a refusal returning the round, and — on its 审核表 for decisions
other than penalties (`before_decision`) — the decision refused until 局长审批. Real 2026 dates."""

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.db import transaction
from flow_cast import make_flow_env, opinion, submitted_round
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.access.actors import OPERATOR
from sanxiang.cases import actions as C
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs.models import Role
from sanxiang.review.flow import chain_for, chain_state, do_sign_off
from sanxiang.review.models import ReviewRound, ReviewStatus, RoundStatus
from sanxiang.review.models_flow import SignOff

PENALTY = ["handling_head", "legal_review"]
ZHUZHOU_PENALTY = ["handling_head", "legal_review", "legal_head"]
ZHUZHOU_OTHER = ["handling_head", "handling_leader", "legal_review", "legal_head", "legal_leader", "director"]


@pytest.mark.parametrize("profile, kind, steps", [
    ("zhuzhou-amr", "penalty", ZHUZHOU_PENALTY),
    ("zhuzhou-amr", "licence", ZHUZHOU_OTHER),
    ("zhuzhou-amr", "inspection_plan", ZHUZHOU_OTHER),
    ("urumqi-gxq-amr", "penalty", PENALTY),
    ("urumqi-gxq-hrss", "labour_inspection", PENALTY),
    ("pingluo-commerce", "penalty", PENALTY),
    ("quanzhou-licheng-amr", "licence", PENALTY),
    ("national", "penalty", PENALTY),
])
def test_each_agency_has_its_chain_from_its_profile(profile, kind, steps):
    review = SimpleNamespace(decision_kind=kind, case=SimpleNamespace(agency=SimpleNamespace(profile_key=profile)))
    chain = chain_for(review, dt.date(2026, 9, 1))
    assert [s["code"] for s in chain] == steps
    assert sum(s["review"] for s in chain) == 1


def test_zhuzhou_form_labels_are_the_chain():
    review = SimpleNamespace(decision_kind="licence", case=SimpleNamespace(agency=SimpleNamespace(profile_key="zhuzhou-amr")))
    assert [s["label"] for s in chain_for(review, dt.date(2026, 9, 1))] == [
        "承办部门负责人意见", "承办部门分管领导意见", "法制审核意见", "法制部门负责人意见", "分管法制的局领导意见", "局长审批"]


@pytest.fixture(scope="module")
def fe(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_flow_env("zhuzhou-amr")
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def agreed(fe, django_db_blocker):
    """A 株洲 penalty round the reviewer agreed to (the chain not yet signed)."""
    with django_db_blocker.unblock():
        rnd, day = submitted_round(fe)
        rnd = opinion(fe, rnd, agree=True, day=day)
        return rnd, day


def _entries():
    return LedgerEntry.objects.count()


def _refused(exc_type, fn, **kw):
    before, signoffs = _entries(), SignOff.objects.count()
    with pytest.raises(exc_type) as err:
        fn(**kw)
    assert (_entries(), SignOff.objects.count()) == (before, signoffs)
    return err.value.message


def test_chain_in_order_by_entitled_people_then_the_decision(fe, agreed, db):
    rnd, day = agreed
    env = fe.env
    case = rnd.review.case

    sign = dict(rnd=rnd, approved=True, opinion="同意。", on=day)
    assert "须按顺序签批：下一环节是“承办机构负责人意见”" in _refused(RuleViolation, do_sign_off, step="legal_head",
                                                               actor=fe.legal_head, **sign)
    assert "签批流程中没有该环节" in _refused(RuleViolation, do_sign_off, step="director", actor=env.leader, **sign)
    # the legal office's head is a unit head, but not of the handling unit
    assert "须由" in _refused(NotPermitted, do_sign_off, step="handling_head", actor=fe.legal_head, **sign)
    assert "请填写签批意见" in _refused(RuleViolation, do_sign_off, step="handling_head", actor=env.head,
                                      **{**sign, "opinion": "  "})
    assert "不能晚于今天" in _refused(RuleViolation, do_sign_off, step="handling_head", actor=env.head,
                                    **{**sign, "on": dt.date.today() + dt.timedelta(days=3)})
    assert "无权" in _refused(NotPermitted, do_sign_off, step="handling_head", actor=env.outsider, **sign)
    assert "签批日期不能早于" in _refused(RuleViolation, do_sign_off, step="handling_head", actor=env.head,
                                      **{**sign, "on": day - dt.timedelta(days=1)})

    row = do_sign_off(step="handling_head", actor=env.head, **sign)
    assert (row.position, row.step_label, row.signer_id) == (1, "承办机构负责人意见", env.head.pk)
    entry = LedgerEntry.objects.order_by("-index").first()
    assert entry.action == "sign_off_review" and json.loads(entry.entry)["payload"]["step"] == "handling_head"

    assert "本轮的审核人员签署" in _refused(NotPermitted, do_sign_off, step="legal_review", actor=env.leader, **sign)
    assert "而不是在签批中拒绝" in _refused(RuleViolation, do_sign_off, step="legal_review", actor=env.reviewer,
                                          **{**sign, "approved": False})
    do_sign_off(step="legal_review", actor=env.reviewer, **sign)
    assert "已经签署" in _refused(RuleViolation, do_sign_off, step="handling_head", actor=env.head, **sign)
    do_sign_off(step="legal_head", actor=fe.legal_head, **sign)
    assert [s["signoff"].step for s in chain_state(rnd)] == ZHUZHOU_PENALTY
    C.do_decide_case(case, actor=env.head, on=day)
    case.refresh_from_db()
    assert case.status == "decided"


def test_a_zhuzhou_penalty_is_decided_without_waiting_for_its_chain(fe, agreed, db):
    rnd, day = agreed  # 行政处罚案件审核: the seed gives the form's chain only for other decisions
    case = type(rnd.review.case).objects.get(pk=rnd.review.case_id)  # fresh: another test decided it, rolled back
    assert C.do_decide_case(case, actor=fe.env.head, on=day).status == "decided"


def test_a_handler_cannot_sign_the_legal_steps_of_his_own_case(fe, db):
    env = fe.env
    rnd, day = submitted_round(fe)
    rnd = opinion(fe, rnd, agree=True, day=day)
    do_sign_off(rnd, "handling_head", approved=True, opinion="同意。", on=day, actor=env.head)
    do_sign_off(rnd, "legal_review", approved=True, opinion="同意。", on=day, actor=env.reviewer)
    # the handler also heads the legal office (an odd org chart, but possible)
    A.do_assign_role(env.officer, env.agency, Role.UNIT_HEAD, unit=fe.legal_unit, valid_from=dt.date(2020, 1, 1),
                     actor=OPERATOR)
    message = _refused(NotPermitted, do_sign_off, rnd=rnd, step="legal_head", approved=True, opinion="同意。", on=day,
                       actor=env.officer)
    assert "不能由本案承办人签署" in message


def test_review_step_waits_for_the_agreeing_opinion(fe, db):
    env = fe.env
    rnd, day = submitted_round(fe)
    do_sign_off(rnd, "handling_head", approved=True, opinion="同意送审。", on=day, actor=env.head)
    message = _refused(RuleViolation, do_sign_off, rnd=rnd, step="legal_review", approved=True, opinion="同意。",
                       on=day, actor=env.reviewer)
    assert "出具同意的审核意见后方可签署" in message


def test_a_refused_signoff_returns_the_round_and_the_gate_says_so(fe, db):
    env = fe.env
    rnd, day = submitted_round(fe)
    rnd = opinion(fe, rnd, agree=True, day=day)
    do_sign_off(rnd, "handling_head", approved=True, opinion="同意。", on=day, actor=env.head)
    do_sign_off(rnd, "legal_review", approved=True, opinion="同意。", on=day, actor=env.reviewer)
    do_sign_off(rnd, "legal_head", approved=False, opinion="裁量理由不充分，退回。", on=day, actor=fe.legal_head)
    rnd = ReviewRound.objects.get(pk=rnd.pk)
    assert rnd.status == RoundStatus.RETURNED
    assert rnd.review.status == ReviewStatus.RETURNED
    assert LedgerEntry.objects.filter(action="refuse_signoff_reviewround", object_id=str(rnd.pk)).count() == 1
    with pytest.raises(RuleViolation) as gate:
        C.do_decide_case(rnd.review.case, actor=env.head, on=day)
    assert "“法制审核机构负责人意见”签批不同意，已退回承办机构" in gate.value.message
    assert "已退回承办机构，不能再签批" in _refused(RuleViolation, do_sign_off, rnd=rnd, step="legal_head", approved=True,
                                          opinion="同意。", on=day, actor=fe.legal_head)


def test_a_refusal_before_the_review_returns_the_open_round_and_ends_its_clock(fe, db):
    from sanxiang.review.procedure import _clock

    env = fe.env
    rnd, day = submitted_round(fe)
    assert _clock(rnd).status == "open"
    do_sign_off(rnd, "handling_head", approved=False, opinion="材料不全，不同意送审。", on=day, actor=env.head)
    rnd = ReviewRound.objects.get(pk=rnd.pk)
    assert rnd.status == RoundStatus.RETURNED
    assert _clock(rnd).status == "met"


# ---- a walk: whatever is attempted, the signed steps stay a prefix of the chain --------------------

ATTEMPTS = st.lists(st.tuples(st.sampled_from(ZHUZHOU_PENALTY + ["director"]),
                              st.sampled_from(["head", "reviewer", "legal_head", "leader", "officer"]),
                              st.booleans()), max_size=8)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attempts=ATTEMPTS)
def test_walk_signed_steps_are_always_a_prefix_and_refusals_write_nothing(fe, agreed, db, attempts):
    rnd, day = agreed
    people = {"head": fe.env.head, "reviewer": fe.env.reviewer, "legal_head": fe.legal_head,
              "leader": fe.env.leader, "officer": fe.env.officer}
    with transaction.atomic():
        accepted = 0
        for code, who, approved in attempts:
            before = _entries()
            try:
                do_sign_off(ReviewRound.objects.get(pk=rnd.pk), code, approved=approved, opinion="意见。", on=day,
                            actor=people[who])
                accepted += 1
            except (RuleViolation, NotPermitted):
                assert _entries() == before
        signed = list(SignOff.objects.filter(round=rnd).order_by("position").values_list("step", "approved"))
        assert [s for s, _ in signed] == ZHUZHOU_PENALTY[:len(signed)]
        assert len(signed) == accepted
        assert all(ok for _, ok in signed[:-1])  # nothing is signed after a refusal
        status = ReviewRound.objects.get(pk=rnd.pk).status
        assert status == (RoundStatus.RETURNED if signed and not signed[-1][1] else RoundStatus.AGREED)
        transaction.set_rollback(True)


# ---- 株洲's 审核表 (decisions other than penalties): the decision waits for 局长审批 ----------------------

def _licence_heard_and_agreed(kenv):
    """A 株洲 licence case after its hearing (2026-09-22), its review agreed on 2026-09-23: the round
    whose 审核表 the sign-off tests sign."""
    from kinds_cast import new_kind_case
    from kinds_cast import step as kstep

    from sanxiang.records import catalogue, evidence
    from sanxiang.review.testing import agree
    from sanxiang.workflow import get_table

    licence = get_table("licence_general")
    D = dt.date
    case = new_kind_case(kenv, "licence", on=D(2026, 9, 1))
    for action, on, extra in (("accept", D(2026, 9, 1), {}), ("start_review", D(2026, 9, 2), {}),
                              ("order_hearing", D(2026, 9, 2), {}),
                              ("notify_hearing", D(2026, 9, 3), {"hearing_on": "2026-09-22"})):
        kstep(kenv, licence, case, action, on, **extra)
    C.move_case(case, "hold_hearing", actor=kenv.reviewer, on=D(2026, 9, 22), record="听证已举行")
    for missing in catalogue.missing_recordings(case):
        evidence.do_explain_missing_recording(case, missing.occurrence.ref, reason="听证室未配备录像设备，全程书面记录",
                                              actor=kenv.officer)
    rnd = agree(case, officer=kenv.officer, reviewer=kenv.reviewer, on=D(2026, 9, 23))
    return case, rnd


def test_a_zhuzhou_licence_is_granted_only_after_the_whole_form_is_signed(db):
    from kinds_cast import make_kinds_env
    from kinds_cast import step as kstep

    from sanxiang.orgs import testing as T
    from sanxiang.workflow import get_table

    licence = get_table("licence_general")
    D = dt.date
    kenv = make_kinds_env(profile_key="zhuzhou-amr")
    legal_office = A.do_create_unit(kenv.agency, "政策法规科", actor=OPERATOR)
    legal_head = T.member(kenv.agency, Role.UNIT_HEAD, unit=legal_office)
    leader, legal_leader, director = (T.member(kenv.agency, Role.AGENCY_LEADER) for _ in range(3))
    case, rnd = _licence_heard_and_agreed(kenv)
    do_sign_off(rnd, "handling_head", approved=True, opinion="同意。", on=D(2026, 9, 24), actor=kenv.head)
    # 分管领导: only the leader recorded as overseeing the unit; none recorded: refused, saying who sets it
    refused = _refused(NotPermitted, do_sign_off, rnd=rnd, step="handling_leader", approved=True, opinion="同意。",
                       on=D(2026, 9, 24), actor=leader)
    assert "尚未登记行政审批科的分管领导" in refused and "管理员" in refused
    person = {u: T.person(kenv.agency, user_obj=u, name=n) for u, n in ((leader, "周副局长"), (legal_leader, "吴副局长"))}
    with pytest.raises(A.OrgsError):  # not a leader
        A.do_set_unit_overseer(kenv.unit, kenv.p1, actor=OPERATOR)
    A.do_set_unit_overseer(kenv.unit, person[leader], actor=OPERATOR)
    A.do_set_unit_overseer(legal_office, person[legal_leader], actor=OPERATOR)
    assert LedgerEntry.objects.filter(action="set_unit_overseer").count() == 2
    refused = _refused(NotPermitted, do_sign_off, rnd=rnd, step="handling_leader", approved=True, opinion="同意。",
                       on=D(2026, 9, 24), actor=director)
    assert "须由分管行政审批科的局领导（周副局长）签署" in refused
    signers = [("handling_leader", leader), ("legal_review", kenv.reviewer), ("legal_head", legal_head),
               ("legal_leader", legal_leader), ("director", director)]
    for code, who in signers:
        with pytest.raises(RuleViolation) as gate:
            kstep(kenv, licence, case, "grant", D(2026, 9, 24))
        assert "审核签批尚未完成" in gate.value.message
        do_sign_off(rnd, code, approved=True, opinion="同意。", on=D(2026, 9, 24), actor=who)
    assert kstep(kenv, licence, case, "grant", D(2026, 9, 24)).decision_outcome == "granted"


@pytest.mark.parametrize("overseer_signs_both", [True, False])
def test_one_leader_overseeing_both_units_and_distinct_signers(db, monkeypatch, overseer_signs_both):
    """株洲's 审核表 is six opinions: no one signs two steps (defect 9.6) — except that a leader recorded as
    分管 both the handling unit and the legal office signs both 分管领导 steps (decision 0067; the
    chain's `overseer_signs_both`, default true: the law is silent). He never signs 局长审批 as well.
    With `overseer_signs_both` false the refusal names the fix (another leader for the step)."""
    from kinds_cast import make_kinds_env

    from sanxiang.orgs import testing as T
    from sanxiang.review import flow as F

    if not overseer_signs_both:
        chain_of = F.chain_of
        monkeypatch.setattr(F, "chain_of", lambda review, on=None: {**chain_of(review, on), "overseer_signs_both": False})
    D = dt.date
    kenv = make_kinds_env(profile_key="zhuzhou-amr")
    legal_office = A.do_create_unit(kenv.agency, "政策法规科", actor=OPERATOR)
    legal_head = T.member(kenv.agency, Role.UNIT_HEAD, unit=legal_office)
    leader = T.member(kenv.agency, Role.AGENCY_LEADER)
    other = T.member(kenv.agency, Role.AGENCY_LEADER)
    leader_person = T.person(kenv.agency, user_obj=leader, name="周副局长")
    A.do_set_unit_overseer(kenv.unit, leader_person, actor=OPERATOR)
    A.do_set_unit_overseer(legal_office, leader_person, actor=OPERATOR)
    case, rnd = _licence_heard_and_agreed(kenv)
    for code, who in (("handling_head", kenv.head), ("handling_leader", leader), ("legal_review", kenv.reviewer),
                      ("legal_head", legal_head)):
        do_sign_off(rnd, code, approved=True, opinion="同意。", on=D(2026, 9, 24), actor=who)
    if overseer_signs_both:
        do_sign_off(rnd, "legal_leader", approved=True, opinion="同意。", on=D(2026, 9, 24), actor=leader)
    else:
        with pytest.raises(NotPermitted) as refused:
            do_sign_off(rnd, "legal_leader", approved=True, opinion="同意。", on=D(2026, 9, 24), actor=leader)
        assert "同一人不能在签批流程中签署两个环节" in refused.value.message
        assert "承办部门分管领导意见" in refused.value.message and "另一名" in refused.value.message
        assert not SignOff.objects.filter(round=rnd, step="legal_leader").exists()
        A.do_set_unit_overseer(legal_office, T.person(kenv.agency, user_obj=other, name="吴副局长"), actor=OPERATOR)
        do_sign_off(rnd, "legal_leader", approved=True, opinion="同意。", on=D(2026, 9, 24), actor=other)
    with pytest.raises(NotPermitted, match="同一人不能在签批流程中签署两个环节"):
        do_sign_off(rnd, "director", approved=True, opinion="同意。", on=D(2026, 9, 24), actor=leader)
    director = T.member(kenv.agency, Role.AGENCY_LEADER) if not overseer_signs_both else other
    do_sign_off(rnd, "director", approved=True, opinion="同意。", on=D(2026, 9, 24), actor=director)
