"""The gate on the other decisions: a 株洲 licence decided after a hearing needs a passed review
(审核范围 2）A、B) and follows the other-decisions track (材料 A—G, 意见 A—G); refused before, granted after."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.db import transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from kinds_cast import make_kinds_env, new_kind_case, step  # noqa: E402

from sanxiang.cases import actions as C  # noqa: E402
from sanxiang.core.errors import NotPermitted, RuleViolation  # noqa: E402
from sanxiang.ledger.models import LedgerEntry  # noqa: E402
from sanxiang.review import procedure as P  # noqa: E402
from sanxiang.review.testing import all_points, sign_whole_chain  # noqa: E402
from sanxiang.workflow import get_table  # noqa: E402

D = dt.date
LICENCE = get_table("licence_general")


@pytest.fixture(scope="module")
def zenv(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_kinds_env(profile_key="zhuzhou-amr")
        transaction.set_rollback(True)


def test_a_licence_after_a_hearing_is_granted_only_after_review(zenv, db):
    from sanxiang.records import catalogue, evidence

    case = new_kind_case(zenv, "licence", on=D(2026, 9, 1))
    step(zenv, LICENCE, case, "accept", D(2026, 9, 1))
    step(zenv, LICENCE, case, "start_review", D(2026, 9, 2))
    step(zenv, LICENCE, case, "order_hearing", D(2026, 9, 2))
    step(zenv, LICENCE, case, "notify_hearing", D(2026, 9, 3), hearing_on="2026-09-22")
    C.move_case(case, "hold_hearing", actor=zenv.reviewer, on=D(2026, 9, 22), record="听证已举行")
    for missing in catalogue.missing_recordings(case):
        evidence.do_explain_missing_recording(case, missing.occurrence.ref, reason="听证室未配备录像设备，全程书面记录",
                                              actor=zenv.officer)
    size = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation) as refused:
        step(zenv, LICENCE, case, "grant", D(2026, 9, 23))
    assert "法律、法规、规章规定应当听证的行政许可决定" in refused.value.message
    assert "明确审核范围 2）A" in refused.value.message and LedgerEntry.objects.count() == size
    case.refresh_from_db()
    materials = {c: "provided" for c in "ABCDEF"}  # G (其他材料) not applicable; E: the hearing record
    rnd = P.do_submit_review(case, materials=materials, actor=zenv.officer, on=D(2026, 9, 23))
    assert (rnd.review.track, rnd.review.track_label) == ("major", "重大行政执法决定法制审核")
    assert rnd.due == D(2026, 10, 14)  # 10 working days, 国庆 holidays skipped, 10-10 调休上班 counted
    rnd = P.do_assign_reviewer(rnd, reviewer=zenv.reviewer, actor=zenv.reviewer, on=D(2026, 9, 23))
    P.do_record_checklist(rnd, points=all_points(), actor=zenv.reviewer)
    assert "只能是" in pytest.raises(RuleViolation, P.do_record_opinion, rnd, kind="agree", text="同意",
                                     actor=zenv.reviewer, on=D(2026, 9, 24)).value.message
    P.do_record_opinion(rnd, kind="A", text="同意准予许可", actor=zenv.reviewer, on=D(2026, 9, 24))
    sign_whole_chain(rnd, head=zenv.head, on=D(2026, 9, 24))  # 株洲's 审核表 through 局长审批 (review/flow.py)
    case.refresh_from_db()
    assert step(zenv, LICENCE, case, "grant", D(2026, 9, 24)).status == "granted"


# ---- no path around the gate: a submitted review binds the decision (tester9 findings 1, 2, 9) ------

def _pingluo_round(flags=("public_interest",)):
    from flow_cast import make_flow_env, submitted_round

    fe = make_flow_env("pingluo-commerce")  # Art.58 only: the flag is the whole reason for review
    rnd, day = submitted_round(fe, conclude={"penalties": ["fine"], "fine": "20000", "flags": list(flags)})
    return fe, rnd, day


def _revise(fe, case, flags):
    case.refresh_from_db()
    return C.do_revise_case_proposal(case, version=case.version, penalties=["fine"], fine="20000", flags=flags,
                                     actor=fe.env.officer)


def test_a_returned_review_is_not_escaped_by_dropping_the_flag(db):
    from flow_cast import opinion

    fe, rnd, day = _pingluo_round()
    opinion(fe, rnd, agree=False, day=day)
    case = rnd.review.case
    _revise(fe, case, [])  # allowed after the opinion: it reopens review, it does not end it
    case.refresh_from_db()
    refused = pytest.raises(RuleViolation, C.do_decide_case, case, actor=fe.env.head, on=day).value.message
    assert "已提交法制审核" in refused and "行政处罚法第五十八条" in refused and "须重新审核" in refused
    case.refresh_from_db()
    assert case.status != "decided"


def test_an_agreed_review_binds_the_decision_it_reviewed(db):
    from flow_cast import opinion

    fe, rnd, day = _pingluo_round()
    opinion(fe, rnd, agree=True, day=day)
    case = rnd.review.case
    _revise(fe, case, [])  # a different decision (flags) than the one agreed
    case.refresh_from_db()
    assert "须重新审核" in pytest.raises(RuleViolation, C.do_decide_case, case, actor=fe.env.head,
                                        on=day).value.message
    _revise(fe, case, ["public_interest"])  # back to exactly the agreed proposal
    case.refresh_from_db()
    assert C.do_decide_case(case, actor=fe.env.head, on=day).status == "decided"


def test_an_open_round_holds_the_proposal_and_only_a_head_withdraws_it(db):
    fe, rnd, day = _pingluo_round()
    case = rnd.review.case
    assert "须由承办机构负责人或单位领导撤回送审" in pytest.raises(RuleViolation, _revise, fe, case, []).value.message
    case.refresh_from_db()
    assert "法制审核尚未完成" in pytest.raises(RuleViolation, C.do_decide_case, case, actor=fe.env.head,
                                           on=day).value.message
    with pytest.raises((RuleViolation, NotPermitted)):
        P.do_withdraw_review(rnd, reason="拟改变处理意见", actor=fe.env.officer, on=day)  # the handler alone: no
    rnd.refresh_from_db()
    assert rnd.status == "in_review"
    size = LedgerEntry.objects.filter(action="withdraw_reviewround").count()
    P.do_withdraw_review(rnd, reason="经复核不属疑难复杂案件", actor=fe.env.head, on=day)
    assert LedgerEntry.objects.filter(action="withdraw_reviewround").count() == size + 1
    _revise(fe, case, [])  # withdrawn: the review no longer binds, and Art.58 no longer applies
    case.refresh_from_db()
    assert C.do_decide_case(case, actor=fe.env.head, on=day).status == "decided"


def _coercion_round(env, subject, day, **named):
    from sanxiang.review.testing import all_points, sign_whole_chain

    rnd = P.do_submit_review(subject.case, kind="coercion", materials={c: "provided" for c in "ABCDF"},
                             actor=env.officer, on=day, **named)
    rnd = P.do_assign_reviewer(rnd, reviewer=env.reviewer, actor=env.reviewer, on=day)
    P.do_record_checklist(rnd, points=all_points(), actor=env.reviewer)
    P.do_record_opinion(rnd, kind="A", text="同意", actor=env.reviewer, on=day)
    sign_whole_chain(rnd, head=env.head, on=day)
    return rnd


def test_a_coercion_review_covers_only_the_measure_it_names(db):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
    from cases_cast import make_env
    from coercion_cast import proposed

    from sanxiang.cases.kinds import coercion as K
    from sanxiang.cases.models import Case

    env = make_env(profile_key="zhuzhou-amr")
    day = D(2026, 9, 21)
    first = proposed(env, day=day)
    case = first.case
    Case.objects.filter(pk=case.pk).update(review_flags=["party_major_impact"])  # 株洲 审核范围: major impact
    rnd = _coercion_round(env, first, day)
    assert rnd.proposal["measure"]["id"] == first.pk and rnd.proposal["measure"]["kind"] == "seal"
    assert K.do_approve_measure(first, actor=env.head, on=day).status == "approved"
    second = proposed(env, case=case, kind="seize", day=day, items=3)
    refused = pytest.raises(RuleViolation, K.do_approve_measure, second, actor=env.head, on=day).value.message
    assert "尚未进行法制审核" in refused or "须重新审核" in refused
    third = proposed(env, case=case, day=day)
    assert "请指明" in pytest.raises(RuleViolation, P.do_submit_review, case, kind="coercion",
                                     materials={c: "provided" for c in "ABCDF"}, actor=env.officer,
                                     on=day).value.message  # two measures await approval
    _coercion_round(env, second, day, measure=second)
    assert K.do_approve_measure(second, actor=env.head, on=day).status == "approved"
    assert "法制审核" in pytest.raises(RuleViolation, K.do_approve_measure, third, actor=env.head,
                                       on=day).value.message


def test_sealing_preserved_goods_is_gated_like_any_coercion_decision(db):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
    from cases_cast import make_env
    from coercion_cast import in_force

    from sanxiang.cases.kinds import coercion as K
    from sanxiang.cases.models import Case, MeasureKind

    env = make_env(profile_key="zhuzhou-amr")
    day = D(2026, 9, 21)
    kept = in_force(env, kind=MeasureKind.PRESERVATION, day=day)
    Case.objects.filter(pk=kept.case.pk).update(review_flags=["party_major_impact"])
    refused = pytest.raises(RuleViolation, K.do_seal_or_seize_preserved, kept, kind="seize", reason="经检验不合格",
                            actor=env.head, on=day).value.message
    assert "法制审核" in refused
    assert "须写明查封或者扣押" in pytest.raises(RuleViolation, P.do_submit_review, kept.case, kind="coercion",
                                              materials={c: "provided" for c in "ABCDF"}, measure=kept,
                                              actor=env.officer, on=day).value.message
    _coercion_round(env, kept, day, measure=kept, measure_kind="seal")
    with pytest.raises(RuleViolation):  # the review was of 查封, not 扣押
        K.do_seal_or_seize_preserved(kept, kind="seize", reason="经检验不合格", actor=env.head, on=day)
    assert K.do_seal_or_seize_preserved(kept, kind="seal", reason="经检验不合格", actor=env.head,
                                        on=day).kind == "seal"
