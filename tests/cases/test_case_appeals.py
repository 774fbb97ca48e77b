"""复议/诉讼 on a decision, the late surcharge paused meanwhile (行政处罚法第七十三条), the follow-up
deadlines an outcome opens, and the 检测/鉴定 and 公告 pauses of the case's limits — real dates."""

import datetime as dt
from decimal import Decimal

import pytest
from cases_cast import new_case, reach
from django.db import transaction

from sanxiang.cases import actions as C
from sanxiang.cases import rules as R
from sanxiang.cases.models import CaseAppeal
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
GENERAL = get_table("penalty_general")
d = dt.date


def snapshot():
    from sanxiang.deadlines.models import ObligationPause

    return (CaseAppeal.objects.count(), LedgerEntry.objects.count(), Obligation.objects.count(),
            ObligationPause.objects.count(), list(Obligation.objects.order_by("pk").values_list("due", flat=True)))


def refused(fn, *args, error=RuleViolation, **kw):
    before = snapshot()
    with pytest.raises(error) as caught:
        with transaction.atomic():
            fn(*args, **kw)
    assert snapshot() == before, "a refusal wrote something"
    return caught.value.message


def obligations(case, kind):
    return Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk), kind=kind)


# ---- 复议 / 诉讼 ----------------------------------------------------------------------------------------

def test_an_appeal_marks_the_case_until_its_outcome(env):
    case, day = reach(env, GENERAL, "served")  # decided 09-07, served 09-08
    appeal = C.do_record_case_appeal(case, kind="reconsideration", body="某市人民政府", applied_on=d(2026, 9, 15),
                                     actor=env.officer)
    case.refresh_from_db()
    assert case.appeal_pending and appeal.pending
    assert "尚未终结" in refused(C.do_record_case_appeal, case, kind="litigation", body="某区人民法院",
                                 applied_on=d(2026, 9, 16), actor=env.officer, error=Conflict)
    C.do_decide_case_appeal(appeal, outcome="upheld", decided_on=d(2026, 10, 30), accepted_on=d(2026, 9, 18),
                            actor=env.officer)
    case.refresh_from_db()
    assert not case.appeal_pending
    assert not obligations(case, C.WITHDRAWAL).exists()  # 维持: nothing to take down
    assert "已登记结果“维持”" in refused(C.do_decide_case_appeal, appeal, outcome="revoked",
                                        decided_on=d(2026, 10, 30), actor=env.officer, error=Conflict)
    # after the reconsideration the party may still sue
    C.do_record_case_appeal(case, kind="litigation", body="某区人民法院", applied_on=d(2026, 11, 5), actor=env.officer)
    labels = [e.action for e in LedgerEntry.objects.filter(object_type="cases.caseappeal").order_by("index")]
    assert labels == ["record_case_appeal", "decide_case_appeal", "record_case_appeal"]
    # every row matches its last ledger entry (what `sanxiang verify` checks)
    case.refresh_from_db()
    for obj in (case, *case.appeals.all()):
        last = LedgerEntry.objects.filter(object_type=obj.ledger_type(), object_id=str(obj.pk)).latest("index")
        assert last.state_digest == obj.ledger_digest(), obj


@pytest.mark.parametrize("inputs,message", [
    ({"kind": "petition"}, "未知的救济途径"),
    ({"body": " "}, "复议机关不能为空"),
    ({"kind": "litigation", "body": ""}, "受理法院不能为空"),
    ({"applied_on": d(2026, 9, 6)}, "早于处罚决定日期 2026-09-07"),
    ({"applied_on": d(2027, 1, 4)}, "晚于今天"),
    ({"accepted_on": d(2026, 9, 14)}, "受理日期不能早于申请日期"),
])
def test_bad_appeals_are_refused(env, inputs, message):
    case, day = reach(env, GENERAL, "served")
    params = {"kind": "reconsideration", "body": "某市人民政府", "applied_on": d(2026, 9, 15), **inputs}
    assert message in refused(C.do_record_case_appeal, case, actor=env.officer, **params)


def test_no_appeal_before_a_decision_nor_by_an_outsider(env):
    case, day = reach(env, GENERAL, "notified")
    assert "尚未作出决定" in refused(C.do_record_case_appeal, case, kind="litigation", body="某区人民法院",
                                     applied_on=day, actor=env.officer)
    case, day = reach(env, GENERAL, "served")
    refused(C.do_record_case_appeal, case, kind="litigation", body="某区人民法院", applied_on=day,
            actor=env.outsider, error=NotPermitted)


@pytest.mark.parametrize("outcome,withdrawal_due,remake_due", [
    ("upheld", None, None),
    ("dismissed", None, None),
    ("withdrawn", None, None),
    # decided 10-02: 3 working days 10-08, 10-09, 10-10 (a make-up Saturday); 撤销 with a period set orders remaking
    ("revoked", d(2026, 10, 10), d(2026, 11, 2)),
    ("confirmed_void", d(2026, 10, 10), None),
    ("remake", d(2026, 10, 10), d(2026, 11, 2)),  # 30 days set by the decision (11-01 is a Sunday)
])
def test_an_outcome_opens_the_follow_up_deadlines(env, outcome, withdrawal_due, remake_due):
    case, day = reach(env, GENERAL, "served")
    appeal = C.do_record_case_appeal(case, kind="reconsideration", body="某市人民政府", applied_on=d(2026, 9, 10),
                                     actor=env.officer)
    C.do_decide_case_appeal(appeal, outcome=outcome, decided_on=d(2026, 10, 2), remake_days=30, actor=env.officer)
    withdrawal = obligations(case, C.WITHDRAWAL).first()
    remaking = obligations(case, C.REMAKING).first()
    assert (withdrawal and withdrawal.due) == withdrawal_due
    assert (remaking and remaking.due) == remake_due


def test_remaking_needs_the_period_the_decision_set(env):
    case, day = reach(env, GENERAL, "served")
    appeal = C.do_record_case_appeal(case, kind="litigation", body="某区人民法院", applied_on=d(2026, 9, 10),
                                     actor=env.officer)
    assert "重新作出期限" in refused(C.do_decide_case_appeal, appeal, outcome="remake", decided_on=d(2026, 10, 9),
                                     actor=env.officer)
    assert "早于申请或受理日期" in refused(C.do_decide_case_appeal, appeal, outcome="upheld",
                                           decided_on=d(2026, 9, 9), actor=env.officer)
    assert "未知的结果" in refused(C.do_decide_case_appeal, appeal, outcome="quashed", decided_on=d(2026, 10, 9),
                                   actor=env.officer)


@pytest.mark.parametrize("appeal_from,appeal_to,paid_on,surcharge", [
    (None, None, d(2026, 9, 28), Decimal("3000.00")),                      # 5 days late: 15 %
    (d(2026, 9, 20), d(2026, 9, 30), d(2026, 10, 5), Decimal("3000.00")),  # 12 days late, 7 under appeal
    (d(2026, 9, 25), None, d(2026, 10, 5), Decimal("600.00")),             # pending: only 09-24 counts
    (d(2026, 10, 10), d(2026, 10, 20), d(2026, 10, 5), Decimal("7200.00")),  # appeal after the payment: 12 days
])
def test_the_late_surcharge_does_not_accrue_during_an_appeal(env, appeal_from, appeal_to, paid_on, surcharge):
    case, day = reach(env, GENERAL, "served")  # due 09-23
    if appeal_from:
        appeal = C.do_record_case_appeal(case, kind="litigation", body="某区人民法院", applied_on=appeal_from,
                                         actor=env.officer)
        if appeal_to:
            C.do_decide_case_appeal(appeal, outcome="dismissed", decided_on=appeal_to, actor=env.officer)
    C.do_record_case_payment(case, amount="20000", actor=env.officer, on=paid_on)
    assert case.payments.get().surcharge_due == surcharge


# ---- pauses: 检测、检验、检疫、鉴定; 公告 --------------------------------------------------------------------

def test_testing_pauses_the_verification_limit_and_then_the_case_time_limit(env):
    case = new_case(env, clue_on=d(2026, 9, 1))
    C.do_verify_case(case, actor=env.officer, on=d(2026, 9, 1))
    verification = obligations(case, "案源核查期限").get()
    due = verification.due
    C.do_pause_case_time_limit(case, reason="检测检验检疫鉴定", note="送检样品", actor=env.officer, on=d(2026, 9, 4))
    C.do_resume_case_time_limit(case, actor=env.officer, on=d(2026, 9, 11))
    verification.refresh_from_db()
    assert verification.due > due  # the 7 testing days do not count (SAMR Art.18)
    assert "没有正在计算的办案期限" in refused(C.do_pause_case_time_limit, case, reason="公告", note="公告",
                                               actor=env.officer, on=d(2026, 9, 12))  # 公告 never pauses verification
    C.do_file_case(case, actor=env.head, on=d(2026, 9, 25))
    C.do_investigate_case(case, actor=env.officer, on=d(2026, 9, 28))
    limit = obligations(case, "办案期限").get()
    assert limit.due == d(2026, 12, 24)
    C.do_pause_case_time_limit(case, reason="公告", note="公告送达调查通知", actor=env.officer, on=d(2026, 10, 9))
    assert "已处于中止状态" in refused(C.do_pause_case_time_limit, case, reason="检测检验检疫鉴定", note="鉴定",
                                       actor=env.officer, on=d(2026, 10, 10))
    C.do_resume_case_time_limit(case, actor=env.officer, on=d(2026, 10, 14))
    limit.refresh_from_db()
    assert limit.due == d(2026, 12, 29)
    assert list(limit.pauses.values_list("reason", flat=True)) == ["公告"]


@pytest.mark.parametrize("reason,note,actor,message,error", [
    ("中止", "x", "officer", "不是可以中止办案期限的事由", RuleViolation),
    ("公告", "", "officer", "具体情况不能为空", RuleViolation),
    ("公告", "公告", "head", "只有本案的承办人", NotPermitted),
    ("公告", "公告", "outsider", "", NotPermitted),
])
def test_bad_pauses_are_refused(env, reason, note, actor, message, error):
    case, day = reach(env, GENERAL, "investigating")
    assert message in refused(C.do_pause_case_time_limit, case, reason=reason, note=note,
                              actor=getattr(env, actor), on=day, error=error)
    assert "没有因检测" in refused(C.do_resume_case_time_limit, case, actor=env.officer, on=day)


# ---- 听证通知 (行政处罚法第六十四条（二）: 7 days = working days, Art.85) ---------------------------------

@pytest.mark.parametrize("notice_on,hearing_on,earliest", [
    (d(2026, 9, 11), d(2026, 9, 22), None),            # Fri → 7 working days: 14‥18, 20 (make-up Sunday), 21
    (d(2026, 9, 11), d(2026, 9, 21), None),
    (d(2026, 9, 11), d(2026, 9, 18), "2026-09-21"),
    (d(2026, 9, 28), d(2026, 10, 12), "2026-10-13"),  # across National Day: 29, 30, 08, 09, 10 (Sat), 12, 13
    (d(2026, 9, 28), d(2026, 10, 13), None),
])
def test_the_hearing_notice_lead(env, notice_on, hearing_on, earliest):
    case, day = reach(env, GENERAL, "hearing")
    if earliest:
        message = refused(C.do_notify_case_hearing, case, hearing_on=hearing_on, place="本局听证室", actor=env.officer,
                          on=notice_on)
        assert f"听证最早于 {earliest} 举行" in message and "7 个工作日" in message
        return
    C.do_notify_case_hearing(case, hearing_on=hearing_on, place="本局听证室", actor=env.officer, on=notice_on)
    case.refresh_from_db()
    assert (case.hearing_notice_on, case.hearing_on) == (notice_on, hearing_on)


def test_no_hearing_without_its_notice_nor_before_the_lead_nor_by_a_handler(env):
    case, day = reach(env, GENERAL, "hearing")
    assert "尚未送达听证通知" in refused(C.do_hold_case_hearing, case, record="听证笔录", actor=env.reviewer,
                                         on=d(2026, 9, 25))
    C.do_notify_case_hearing(case, hearing_on=d(2026, 9, 25), place="本局听证室", actor=env.officer, on=d(2026, 9, 14))
    message = refused(C.do_hold_case_hearing, case, record="听证笔录", actor=env.reviewer, on=d(2026, 9, 21))
    assert "最早于 2026-09-22 举行听证" in message  # Mon 09-14: 15‥18, 20 (make-up Sunday), 21, 22
    refused(C.do_hold_case_hearing, case, record="听证笔录", actor=env.officer, on=d(2026, 9, 25), error=NotPermitted)
    assert "听证日期须晚于通知日期" in refused(C.do_notify_case_hearing, case, hearing_on=d(2026, 9, 14),
                                               place="本局听证室", actor=env.officer, on=d(2026, 9, 14))
    C.do_hold_case_hearing(case, record="听证笔录", actor=env.reviewer, on=d(2026, 9, 25))
    case.refresh_from_db()
    assert case.status == "notified" and case.hearing_held_on == d(2026, 9, 25)


# ---- 行政诉讼法第四十五条: 15 days to sue after a 复议决定 ------------------------------------------------

@pytest.mark.parametrize("outcome,decided_on,received_on,due", [
    ("upheld", d(2026, 9, 30), None, d(2026, 10, 15)),  # 15 days from the decision day (received that day)
    ("upheld", d(2026, 10, 2), d(2026, 10, 2), d(2026, 10, 19)),  # 10-17 a Saturday → Monday
    ("dismissed", d(2026, 9, 18), d(2026, 9, 20), d(2026, 10, 8)),  # 10-05 falls in 国庆 (10-01…10-07)
    ("revoked", d(2026, 10, 9), d(2026, 10, 12), d(2026, 10, 27)),
    ("withdrawn", d(2026, 10, 2), None, None),  # 撤回/终止: no 复议决定, the six months run on
])
def test_a_reconsideration_decision_opens_the_partys_fifteen_days_to_sue(env, outcome, decided_on, received_on, due):
    case, day = reach(env, GENERAL, "served")  # served 09-08: six months to sue, to 2027-03-08
    six_months = obligations(case, R.LITIGATION_WINDOW).get()
    assert six_months.due == d(2027, 3, 8) and six_months.bearer == "party"
    appeal = C.do_record_case_appeal(case, kind="reconsideration", body="某市人民政府", applied_on=d(2026, 9, 10),
                                     actor=env.officer)
    C.do_decide_case_appeal(appeal, outcome=outcome, decided_on=decided_on, received_on=received_on, remake_days=30,
                            actor=env.officer)
    after = obligations(case, R.LITIGATION_WINDOW).exclude(pk=six_months.pk).first()
    six_months.refresh_from_db()
    if due is None:
        assert after is None and six_months.status == "open"
        return
    assert (after.due, after.bearer, after.status, after.rule) == (due, "party", "open",
                                                                   "cases.litigation_after_reconsideration")
    assert six_months.status == "waived" and "第四十五条" in six_months.note
    # the party sues: the window is met; the ledger agrees with every row
    C.do_record_case_appeal(case, kind="litigation", body="某区人民法院", applied_on=max(received_on or decided_on,
                                                                                   d(2026, 10, 14)), actor=env.officer)
    after.refresh_from_db()
    assert after.status == "met"
    for ob in (after, six_months):
        last = LedgerEntry.objects.filter(object_type=ob.ledger_type(), object_id=str(ob.pk)).latest("index")
        assert last.state_digest == ob.ledger_digest()


@pytest.mark.parametrize("kind,received_on,message", [
    ("reconsideration", d(2026, 10, 1), "早于复议决定日期 2026-10-02"),
    ("reconsideration", d(2027, 1, 4), "晚于今天"),
    ("reconsideration", "10月5日", "无效"),
    ("litigation", d(2026, 10, 5), "只适用于复议决定"),
])
def test_a_bad_receipt_date_is_refused_with_nothing_written(env, kind, received_on, message):
    case, day = reach(env, GENERAL, "served")
    appeal = C.do_record_case_appeal(case, kind=kind, body="某市人民政府", applied_on=d(2026, 9, 10), actor=env.officer)
    assert message in refused(C.do_decide_case_appeal, appeal, outcome="upheld", decided_on=d(2026, 10, 2),
                              received_on=received_on, actor=env.officer)
    appeal.refresh_from_db()
    assert appeal.pending
