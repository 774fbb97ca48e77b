"""Time and order of a penalty case's steps, with real 2026 dates: a move is a new version (a stale
session is refused); no payment above what is owed; a limit is extended only before it runs out;
案源核查 counts from the clue; a decision is not dated before the steps it follows; service fits the
procedure; a hearing may be requested on the day of filing. Each refusal writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from cases_cast import new_case, reach, step

from sanxiang.cases import actions as C
from sanxiang.cases import rules as R
from sanxiang.cases.models import Case
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review.procedure import do_record_checklist
from sanxiang.review.testing import all_points, submit_and_assign
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
GENERAL, SIMPLIFIED = get_table("penalty_general"), get_table("penalty_simplified")
d = dt.date


def one(case, kind):
    return Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk), kind=kind).latest("id")


def written(case):
    obligations = Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk))
    return (LedgerEntry.objects.count(), sorted(obligations.values_list("kind", "status", "due")),
            Case.objects.get(pk=case.pk).ledger_digest())


def refused(fn, *args, **kwargs):
    with pytest.raises(RuleViolation) as caught:
        fn(*args, **kwargs)
    return caught.value.message


# ---- 5. payments: versions and the amount owed ------------------------------------------------------

def test_every_move_is_a_new_version_so_a_stale_session_cannot_pay_twice(env):
    case, day = reach(env, GENERAL, "served")  # fine ¥20,000
    seen = case.version
    C.move_case(case, "record_payment", actor=env.officer, version=seen, amount="100", receipt="R9", on=day)
    assert case.version == seen + 1 and case.paid_total == Decimal("100")
    before = written(case)
    with pytest.raises(Conflict) as error:  # the second session, filled in before the first paid
        C.move_case(case, "record_payment", actor=env.officer, version=seen, amount="100", receipt="R9", on=day)
    assert "已被他人修改" in error.value.message
    assert written(case) == before and case.payments.count() == 1


@pytest.mark.parametrize("late_days,amount,allowed", [
    (0, "20000.00", True),    # within the period: the fine
    (0, "20000.01", False),   # a cent more
    (2, "21200.00", True),    # two days late: + 3 % × 2 of 加处罚款 (行政处罚法第七十二条)
    (2, "21200.01", False),
])
def test_no_payment_above_what_is_owed(env, late_days, amount, allowed):
    case, _ = reach(env, GENERAL, "served")
    on = one(case, R.PAYMENT).due + dt.timedelta(days=late_days)
    if allowed:
        C.do_record_case_payment(case, amount=amount, actor=env.officer, on=on)
        assert one(case, R.PAYMENT).status == "met"
        return
    before = written(case)
    assert "超过尚未缴纳的罚款" in refused(C.do_record_case_payment, case, amount=amount, actor=env.officer, on=on)
    assert written(case) == before


def test_the_rest_of_an_on_site_fine_only(env):
    case, day = reach(env, SIMPLIFIED, "served")  # ¥150
    C.do_record_case_payment(case, amount="100", actor=env.officer, on=day)
    assert "超过尚未缴纳的罚款 50.00 元" in refused(C.do_record_case_payment, case, amount="60", actor=env.officer, on=day)


# ---- 6. extensions before expiry ---------------------------------------------------------------------

@pytest.mark.parametrize("on,allowed", [
    (d(2026, 9, 29), True),   # filed 2026-07-01: 90 days → 09-29, approved on its last day
    (d(2026, 9, 30), False),  # the day after: late, and it stays late (程序规定第六十四条)
])
def test_the_case_time_limit_is_extended_only_before_it_expires(env, on, allowed):
    case = new_case(env, clue_on=d(2026, 7, 1))
    for action in ("verify", "file", "investigate"):
        step(env, GENERAL, case, action, d(2026, 7, 1))
    assert one(case, R.TIME_LIMIT).due == d(2026, 9, 29)
    if allowed:
        C.do_extend_case_time_limit(case, reason="案情复杂", actor=env.head, on=on)
        assert one(case, R.TIME_LIMIT).due == d(2026, 10, 29)
        return
    before = written(case)
    assert "已于 2026-09-29 届满" in refused(C.do_extend_case_time_limit, case, reason="案情复杂", actor=env.head, on=on)
    assert written(case) == before and one(case, R.TIME_LIMIT).due == d(2026, 9, 29)


def test_the_verification_limit_is_extended_only_before_it_expires(env):
    case = new_case(env, clue_on=d(2026, 7, 1))  # 15 working days → 07-22
    step(env, GENERAL, case, "verify", d(2026, 7, 20))
    assert "已于 2026-07-22 届满" in refused(C.do_extend_case_verification, case, reason="线索复杂", actor=env.head,
                                            on=d(2026, 7, 23))
    C.do_extend_case_verification(case, reason="线索复杂", actor=env.head, on=d(2026, 7, 22))


# ---- 7. 案源核查 from the clue ----------------------------------------------------------------------

@pytest.mark.parametrize("clue_on,verified_on,due", [
    (d(2026, 10, 27), d(2026, 11, 24), d(2026, 11, 17)),  # checked late: the limit ran from the clue
    (d(2026, 9, 21), d(2026, 9, 21), d(2026, 10, 19)),    # across National Day
])
def test_the_verification_limit_runs_from_the_day_the_clue_was_found(env, clue_on, verified_on, due):
    case = new_case(env, clue_on=clue_on)
    assert (one(case, R.VERIFICATION).start, one(case, R.VERIFICATION).due) == (clue_on, due)  # a clue is timed too
    step(env, GENERAL, case, "verify", verified_on)
    assert (one(case, R.VERIFICATION).start, one(case, R.VERIFICATION).due) == (clue_on, due)


# ---- 8. a decision follows what gates it ---------------------------------------------------------------

def test_a_decision_is_not_dated_before_the_legal_review_or_the_notice(env):
    case, day = reach(env, GENERAL, "notified")  # notified 2026-09-06
    before = written(case)
    assert "早于告知之日 2026-09-06" in refused(C.do_decide_case, case, actor=env.head, on=d(2026, 9, 5))
    assert written(case) == before
    step(env, GENERAL, case, "waive_rights", d(2026, 9, 7))
    review = submit_and_assign(case, officer=env.officer, reviewer=env.reviewer, on=d(2026, 9, 8))
    assert "早于提交审核之日" in refused(C.do_record_case_review, review, opinion="pass", actor=env.reviewer,
                                         on=d(2026, 9, 7))
    do_record_checklist(review, points=all_points(), actor=env.reviewer)
    C.do_record_case_review(review, opinion="pass", actor=env.reviewer, on=d(2026, 9, 10))
    for on in (d(2026, 9, 7), d(2026, 9, 9)):  # the latest step names itself
        before = written(case)
        assert "早于法制审核通过之日 2026-09-10" in refused(C.do_decide_case, case, actor=env.head, on=on)
        assert written(case) == before
    assert C.do_decide_case(case, actor=env.head, on=d(2026, 9, 10)).decided_on == d(2026, 9, 10)


# ---- 9. service -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("table,method,proof,problem", [
    (SIMPLIFIED, "announcement", "下落不明", "当场交付当事人（行政处罚法第五十二条）"),
    (SIMPLIFIED, "post", "", "当场交付当事人"),
    (SIMPLIFIED, "direct", "", None),
    (GENERAL, "announcement", "", "须写明其他方式无法送达的原因"),
    (GENERAL, "announcement", "当事人下落不明，直接送达、邮寄送达均被退回；公告张贴于经营场所并拍照", None),
])
def test_service_fits_the_procedure_and_an_announcement_says_why(env, table, method, proof, problem):
    case, day = reach(env, table, "decided")
    if problem is None:
        C.do_serve_case(case, method=method, proof=proof, actor=env.officer, on=day)
        assert case.status == "served"
        if method == "announcement":  # deemed served 30 days after publication: 10-07 is a holiday → 10-08
            assert (day, case.served_on) == (d(2026, 9, 7), d(2026, 10, 8))
        return
    before = written(case)
    assert problem in refused(C.do_serve_case, case, method=method, proof=proof, actor=env.officer, on=day)
    assert written(case) == before


# ---- 11. a hearing requested on the day of filing ---------------------------------------------------------

def test_a_hearing_may_be_requested_on_the_day_the_case_was_filed(env):
    day = d(2026, 10, 12)
    case = new_case(env, clue_on=day)
    for action in ("verify", "file", "investigate", "conclude", "notify"):
        step(env, GENERAL, case, action, day)
    assert case.hearing_right  # ¥20,000 for a person
    C.do_request_case_hearing(case, actor=env.officer, on=day)
    limit = one(case, R.TIME_LIMIT)
    assert case.status == "hearing" and limit.paused
    # the filing day never counts, so the pause runs from the next day: 10-13 … 10-29 (17 days) do not count
    step(env, GENERAL, case, "notify_hearing", d(2026, 10, 20), hearing_on="2026-10-30", place="本局听证室")
    step(env, GENERAL, case, "hold_hearing", d(2026, 10, 30))
    assert one(case, R.TIME_LIMIT).due == d(2027, 1, 10) + dt.timedelta(days=17)  # 90 days from 10-12: 2027-01-10



def test_testing_sent_on_the_day_of_filing_pauses_the_limit_from_the_next_day(env):
    day = d(2026, 10, 12)
    case = new_case(env, clue_on=day)
    for action in ("verify", "file", "investigate"):
        step(env, GENERAL, case, action, day)
    C.do_pause_case_time_limit(case, reason="检测检验检疫鉴定", note="样品送检", actor=env.officer, on=day)
    C.do_resume_case_time_limit(case, actor=env.officer, on=d(2026, 10, 20))
    # 10-13 … 10-19 (7 days) do not count: 2027-01-10 + 7 = 01-17, a Sunday → 01-18
    assert one(case, R.TIME_LIMIT).due == d(2027, 1, 18)
