"""Case deadlines: every one in the 承办机构's queue; the party's periods (陈述申辩、听证申请、缴款、复议、
诉讼) expire (已届满) and never count as the agency's lateness; 复议/诉讼 windows on service; remade
decisions; the pauses the law names; 当场收缴; the late surcharge and deferral. Real 2026 dates."""

import datetime as dt
from decimal import Decimal

import pytest
from cases_cast import onsite_case, reach, step
from django.test import Client

from sanxiang.access.actors import JOBS
from sanxiang.cases import actions as C
from sanxiang.cases import pages
from sanxiang.cases import rules as R
from sanxiang.cases.models import Case, CaseStatus
from sanxiang.cases.revocation import _callbacks, on_decision_revoked
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.deadlines.actions import do_mark_overdue_obligations, do_open_obligation
from sanxiang.deadlines.models import Obligation
from sanxiang.deadlines.queries import (
    EXPIRED,
    RED,
    escalated_obligations,
    obligation_warnings,
    obligations_for_unit,
    warning_level,
    workbench_obligations,
)
from sanxiang.ledger.models import LedgerEntry
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
GENERAL, SIMPLIFIED = get_table("penalty_general"), get_table("penalty_simplified")
d = dt.date


def deadlines(case, kind=None):
    found = Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk))
    return found.filter(kind=kind) if kind else found


def one(case, kind):
    return deadlines(case, kind).order_by("-id").first()


def written(case):
    return (LedgerEntry.objects.count(), sorted(deadlines(case).values_list("kind", "status", "due")),
            Case.objects.get(pk=case.pk).ledger_digest())


def refused(fn, *args, error=RuleViolation, **kwargs):
    with pytest.raises(error) as caught:
        fn(*args, **kwargs)
    return caught.value.message


# ---- 1. the handling unit's queue -----------------------------------------------------------------

def test_every_deadline_a_case_opens_reaches_its_unit_and_the_head_sees_it(env):
    case, day = reach(env, GENERAL, "served")  # verification, time limit, windows, service, payment, 复议, 诉讼
    kinds = set(deadlines(case).values_list("kind", flat=True))
    assert {R.VERIFICATION, R.TIME_LIMIT, R.STATEMENT, R.SERVICE, R.PAYMENT, R.RECONSIDERATION_WINDOW,
            R.LITIGATION_WINDOW} <= kinds
    for ob in deadlines(case):
        assert [u.pk for u in ob.responsible_units.all()] == [env.unit.pk], ob.kind
    queue = {ob.kind for ob in obligations_for_unit(env.unit).filter(object_id=str(case.pk))}
    assert {R.PAYMENT, R.RECONSIDERATION_WINDOW, R.LITIGATION_WINDOW} <= queue
    mine = workbench_obligations(env.head, day)
    assert {R.PAYMENT, R.LITIGATION_WINDOW} <= {r["ob"].kind for r in mine["queue"] if r["ob"].object_id == str(case.pk)}


# ---- 2. the party's periods expire, the agency's run late -------------------------------------------

@pytest.mark.parametrize("kind,bearer,today,level,after_sweep", [
    # notified 2026-09-06: 5 working days → 09-11 (陈述申辩期 and 听证申请期, the fine of ¥20,000 carries a hearing)
    (R.STATEMENT, "party", d(2026, 9, 11), None, "open"),
    (R.STATEMENT, "party", d(2026, 9, 14), EXPIRED, "expired"),
    (R.HEARING_REQUEST, "party", d(2026, 9, 14), EXPIRED, "expired"),
    # filed 2026-09-03: 90 days → 12-02; the agency's own deadline goes red after it
    (R.TIME_LIMIT, "agency", d(2026, 12, 3), RED, "overdue"),
])
def test_a_party_period_past_due_is_expired_never_overdue(env, kind, bearer, today, level, after_sweep):
    case, _ = reach(env, GENERAL, "notified")
    ob = one(case, kind)
    assert ob.bearer == bearer
    assert warning_level(ob, today) == level
    do_mark_overdue_obligations(today=today, actor=JOBS)
    ob.refresh_from_db()
    assert ob.status == after_sweep
    late = [o.pk for o, _ in obligation_warnings(env.agency, today)]
    assert (ob.pk in late) == (bearer == "agency" and level is not None)
    assert (ob.pk in [o.pk for o in escalated_obligations(env.agency, ob.leader, today)]) == (level == RED)


def test_the_decision_follows_an_expired_window_and_the_pages_say_expired(env):
    case, _ = reach(env, GENERAL, "notified")
    do_mark_overdue_obligations(today=d(2026, 9, 14), actor=JOBS)
    assert one(case, R.STATEMENT).get_status_display() == "已届满"
    # only passed party windows (the time limit runs to 12-02): not a case with an overdue deadline
    assert not pages.cases_for(env.head, overdue=True).filter(pk=case.pk).exists()
    case = step(env, GENERAL, case, "decide", d(2026, 9, 14))
    assert case.status == CaseStatus.DECIDED
    assert one(case, R.STATEMENT).status == Obligation.EXPIRED  # the decision does not turn it into 已履行
    c = Client()
    c.force_login(env.head)
    card = c.get(f"/cases/{case.pk}/").content.decode().split('id="case-deadlines"')[1].split("</table>")[0]
    row = next(r for r in card.split("<tr") if R.STATEMENT in r)
    assert "已届满" in row and "（当事人期间）" in row and "已逾期" not in row
    service = next(r for r in card.split("<tr") if R.SERVICE in r)  # the agency's, due 09-22 and not served
    assert "已逾期" in service
    api = c.get(f"/api/v1/cases/{case.pk}").json()
    statement = next(x for x in api["deadlines"] if x["kind"] == R.STATEMENT)
    assert (statement["bearer"], statement["status_label"], statement["level"]) == ("party", "已届满", "expired")


def test_the_workbench_shows_a_passed_window_as_expired_before_the_sweep(env):
    case, _ = reach(env, GENERAL, "notified")  # windows due 2026-09-11, never swept here
    c = Client()
    c.force_login(env.head)
    page = c.get("/").content.decode()
    queue = page.split('id="unit-queue"')[1].split("</table>")[0]
    row = next(r for r in queue.split("<tr>") if R.STATEMENT in r)
    assert "已届满" in row and "已逾期" not in row
    found = workbench_obligations(env.head)
    assert all(r["ob"].kind not in R.PARTY_PERIODS for r in found["overdue"] + found["due_soon"])


# ---- 3. 复议 and 诉讼 windows; remade decisions ------------------------------------------------------

@pytest.mark.parametrize("rule,start,due,provisional", [
    ("cases.reconsideration_period", d(2026, 9, 8), d(2026, 11, 9), False),  # 11-07 is a Saturday
    ("cases.reconsideration_period", d(2026, 8, 3), d(2026, 10, 8), False),  # 10-02 falls in 国庆
    ("cases.litigation_period", d(2026, 9, 8), d(2027, 3, 8), True),         # 2027 not yet official
    ("cases.litigation_period", d(2026, 4, 3), d(2026, 10, 8), False),       # 10-03 in 国庆 → 10-08
])
def test_the_appeal_windows_follow_the_profile_and_the_calendar(env, rule, start, due, provisional):
    ob = do_open_obligation(object_type="test.decision", object_id="1", agency=env.agency, kind="窗口", start=start,
                            rule=rule, bearer="party", actor=JOBS)
    assert (ob.due, ob.provisional, ob.bearer) == (due, provisional, "party")


def test_service_opens_the_party_windows_and_an_application_meets_its_own(env):
    case, day = reach(env, GENERAL, "served")
    assert case.served_on == d(2026, 9, 8)
    recon, suit = one(case, R.RECONSIDERATION_WINDOW), one(case, R.LITIGATION_WINDOW)
    assert (recon.due, recon.bearer, suit.due, suit.bearer) == (d(2026, 11, 9), "party", d(2027, 3, 8), "party")
    C.do_record_case_appeal(case, kind="reconsideration", body="某市人民政府", applied_on=d(2026, 9, 20),
                            actor=env.officer)
    assert one(case, R.RECONSIDERATION_WINDOW).status == Obligation.MET
    assert one(case, R.LITIGATION_WINDOW).status == Obligation.OPEN


def test_a_remake_order_opens_the_remaking_deadline_a_new_case_meets(env):
    seen = []

    def withdraw(case, appeal, *, actor):
        seen.append((case.pk, appeal.outcome))

    on_decision_revoked(withdraw)
    try:
        case, _ = reach(env, GENERAL, "served")
        refused(C.do_create_remade_case, case, actor=env.officer, on=d(2026, 10, 5))  # nothing ordered yet
        appeal = C.do_record_case_appeal(case, kind="reconsideration", body="某市人民政府", applied_on=d(2026, 9, 10),
                                         actor=env.officer)
        C.do_decide_case_appeal(appeal, outcome="remake", decided_on=d(2026, 10, 2), remake_days=30,
                                actor=env.officer)
    finally:
        _callbacks.remove(withdraw)
    assert seen == [(case.pk, "remake")]
    remaking = one(case, C.REMAKING)
    assert (remaking.due, remaking.bearer, [u.pk for u in remaking.responsible_units.all()]) == (
        d(2026, 11, 2), "agency", [env.unit.pk])
    new = C.do_create_remade_case(case, actor=env.officer, on=d(2026, 10, 5))
    assert (new.remakes_id, new.status, new.unit_id) == (case.pk, CaseStatus.CLUE, env.unit.pk)
    assert new.cause.startswith("重新作出：")
    assert [p.party_id for p in new.case_parties.all()] == [p.party_id for p in case.case_parties.all()]
    refused(C.do_create_remade_case, case, actor=env.officer, error=Conflict)
    for person, lead in ((env.p1, True), (env.p2, False)):
        C.do_assign_case_handler(new, person, actor=env.head, on=d(2026, 10, 5), lead=lead)
    on = d(2026, 10, 5)
    for action in GENERAL.paths()["decided"]:
        on += dt.timedelta(days=1)
        if action == "decide":
            step(env, GENERAL, new, "waive_rights", on)
        new = step(env, GENERAL, new, action, on)
    assert one(case, C.REMAKING).status == Obligation.MET


def test_a_refusing_revocation_callback_refuses_the_whole_outcome(env):
    case, _ = reach(env, GENERAL, "served")
    appeal = C.do_record_case_appeal(case, kind="litigation", body="某区人民法院", applied_on=d(2026, 9, 10),
                                     actor=env.officer)
    before = written(case)

    def refuse(case, appeal, *, actor):
        raise RuleViolation("公示系统暂不可用，请稍后重试。")

    on_decision_revoked(refuse)
    try:
        assert "公示" in refused(C.do_decide_case_appeal, appeal, outcome="revoked", decided_on=d(2026, 10, 2),
                                 actor=env.officer)
    finally:
        _callbacks.remove(refuse)
    appeal.refresh_from_db()
    assert appeal.pending and written(case) == before


# ---- 4. pauses the law names (程序规定 Art.64, Art.18) ---------------------------------------------

@pytest.mark.parametrize("reason", ["检测检验检疫鉴定", "权利人辨认鉴别", "公告", "责令退款", "中止"])
def test_each_pause_of_the_case_time_limit_over_national_day(env, reason):
    case, _ = reach(env, GENERAL, "investigating")  # filed 2026-09-03: 90 days → 12-02
    assert one(case, R.TIME_LIMIT).due == d(2026, 12, 2)
    if reason == "中止":
        C.do_suspend_case(case, reason="等待另案结果", actor=env.head, on=d(2026, 9, 28))
        C.do_resume_case(case, actor=env.head, on=d(2026, 10, 9))
    else:
        C.do_pause_case_time_limit(case, reason=reason, note="委托检验机构", actor=env.officer, on=d(2026, 9, 28))
        assert one(case, R.TIME_LIMIT).paused and warning_level(one(case, R.TIME_LIMIT), d(2026, 12, 20)) is None
        C.do_resume_case_time_limit(case, actor=env.officer, on=d(2026, 10, 9))
    # 09-28 … 10-08 (11 days, 国庆 inside) do not count: 12-13, a Sunday → 12-14
    assert one(case, R.TIME_LIMIT).due == d(2026, 12, 14)


@pytest.mark.parametrize("reason,due", [("权利人辨认鉴别", d(2026, 10, 12)), ("检测检验检疫鉴定", d(2026, 10, 12))])
def test_identification_by_the_right_holder_pauses_the_verification_too(env, reason, due):
    # clue found 2026-09-01 (verified 09-02): 15 working days from the clue → 09-21 (09-20 is a make-up Sunday)
    case, _ = reach(env, GENERAL, "verifying")
    assert one(case, R.VERIFICATION).due == d(2026, 9, 21)
    C.do_pause_case_time_limit(case, reason=reason, note="请商标权利人辨认", actor=env.officer, on=d(2026, 9, 18))
    C.do_resume_case_time_limit(case, actor=env.officer, on=d(2026, 10, 9))
    # 12 working days counted before 09-18; then 10-09 (Fri), 10-10 (a make-up Saturday) and 10-12 (Mon)
    assert one(case, R.VERIFICATION).due == due


def test_a_pause_for_a_reason_the_law_does_not_name_is_refused_and_writes_nothing(env):
    case, _ = reach(env, GENERAL, "investigating")
    before = written(case)
    assert "不是可以中止办案期限的事由" in refused(C.do_pause_case_time_limit, case, reason="领导出差", note="出差",
                                                   actor=env.officer, on=d(2026, 9, 28))
    assert written(case) == before


# ---- 5. 当场收缴 (行政处罚法第六十八条至第七十一条) ---------------------------------------------------

def served_on_site(env, fine):
    case = onsite_case(env, fine=fine, on=d(2026, 9, 29))
    case = step(env, SIMPLIFIED, case, "decide_on_site", d(2026, 9, 29))
    return step(env, SIMPLIFIED, case, "serve", d(2026, 9, 30))


@pytest.mark.parametrize("fine,ground,receipt,note,problem", [
    ("100", "small", "湘财罚No.0000101", "", None),
    ("150", "small", "湘财罚No.0000102", "", "超过当场收缴上限 100 元"),
    ("100", "small", "", "", "专用票据"),
    ("150", "hard_to_enforce", "湘财罚No.0000103", "", "须写明具体情况"),
    ("150", "remote", "湘财罚No.0000104", "山区牧点，距最近银行 80 公里，当事人提出", None),
    ("150", "", "湘财罚No.0000105", "", "当场收缴情形不能为空"),
    ("150", "by_mood", "湘财罚No.0000106", "", "须选择当场收缴罚款的情形"),
])
def test_on_site_collection(env, fine, ground, receipt, note, problem):
    case = served_on_site(env, fine)
    params = {"amount": fine, "onsite_ground": ground, "receipt": receipt, "note": note}
    if problem:
        before = written(case)
        assert problem in refused(C.move_case, case, "collect_on_site", actor=env.officer, on=d(2026, 9, 30),
                                  **params)
        assert written(case) == before
        return
    case = C.move_case(case, "collect_on_site", actor=env.officer, on=d(2026, 9, 30), **params)
    assert case.status == CaseStatus.EXECUTING and case.payments.get().onsite_ground == ground
    assert one(case, R.PAYMENT).status == Obligation.MET
    handin = one(case, R.ONSITE_HANDIN)  # 2 days from 09-30: 10-02 is in 国庆 → 10-08
    assert (handin.due, handin.bearer, [u.pk for u in handin.responsible_units.all()]) == (
        d(2026, 10, 8), "agency", [env.unit.pk])
    assert warning_level(handin, d(2026, 10, 9)) == RED
    step(env, SIMPLIFIED, case, "hand_in_materials", d(2026, 10, 8))
    assert R.ONSITE_HANDIN in refused(C.move_case, case, "close", actor=env.head, on=d(2026, 10, 8))
    C.move_case(case, "hand_in_collected_fine", actor=env.officer, on=d(2026, 10, 8))
    assert one(case, R.ONSITE_HANDIN).status == Obligation.MET
    assert C.move_case(case, "close", actor=env.head, on=d(2026, 10, 9)).status == CaseStatus.CLOSED


# ---- 6. 加处罚款 and deferral -----------------------------------------------------------------------

@pytest.mark.parametrize("on,owed", [
    (d(2026, 9, 23), Decimal("0")),         # served 09-08: 15 days → 09-23, still within
    (d(2026, 9, 24), Decimal("600.00")),    # 1 day × 3 % of ¥20,000
    (d(2026, 9, 30), Decimal("4200.00")),   # 7 days
    (d(2026, 11, 23), Decimal("20000")),    # capped at the fine
])
def test_the_late_surcharge_owed_on_a_day(env, on, owed):
    case, _ = reach(env, GENERAL, "served")
    assert one(case, R.PAYMENT).due == d(2026, 9, 23)
    assert pages.surcharge_owed(case, on) == owed


def test_an_expired_payment_period_is_not_lateness_and_a_deferral_extends_it(env):
    case, _ = reach(env, GENERAL, "served")
    do_mark_overdue_obligations(today=d(2026, 9, 24), actor=JOBS)
    payment = one(case, R.PAYMENT)
    assert payment.status == Obligation.EXPIRED and payment.pk not in [
        o.pk for o, _ in obligation_warnings(env.agency, d(2026, 9, 24))]
    c = Client()
    c.force_login(env.head)
    assert "截至今日应加处罚款 20000" in c.get(f"/cases/{case.pk}/").content.decode()
    assert Decimal(c.get(f"/api/v1/cases/{case.pk}").json()["late_surcharge"]) == Decimal("20000")
    # the unpaid fine still bars closing
    assert R.PAYMENT in refused(C.move_case, case, "close", actor=env.head, on=d(2026, 9, 25))
    step(env, GENERAL, case, "approve_deferral", d(2026, 9, 25), days=90)
    payment.refresh_from_db()
    assert (payment.status, payment.due) == (Obligation.OPEN, d(2026, 12, 22))  # 90 days from 09-23
    assert pages.surcharge_owed(case, d(2026, 9, 30)) == 0


# ---- the API: remaking and on-site collection with the one error shape ------------------------------

def test_remaking_and_collection_through_the_api(env):
    api = Client()
    api.force_login(env.officer)
    case, _ = reach(env, GENERAL, "served")
    before = written(case)
    r = api.post(f"/api/v1/cases/{case.pk}/remake", {"on": "2026-10-05"}, content_type="application/json")
    assert r.status_code == 400 and "没有被责令重新作出" in r.json()["message"] and r.json()["field"] == "case"
    assert written(case) == before
    appeal = C.do_record_case_appeal(case, kind="litigation", body="某区人民法院", applied_on=d(2026, 9, 10),
                                     actor=env.officer)
    C.do_decide_case_appeal(appeal, outcome="revoked", decided_on=d(2026, 10, 2), remake_days=60, actor=env.officer)
    r = api.post(f"/api/v1/cases/{case.pk}/remake", {"on": "2026-10-05"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["remakes"] == case.pk and r.json()["status"] == "clue", r.content
    assert api.get(f"/api/v1/cases/{case.pk}/remake").json() == {"due": False, "remade_by": [r.json()["id"]]}
    onsite = served_on_site(env, "150")
    before = written(onsite)
    r = api.post(f"/api/v1/cases/{onsite.pk}/actions/collect_on_site",
                 {"on": "2026-09-30", "amount": "150", "onsite_ground": "small", "receipt": "湘财罚No.0000201"},
                 content_type="application/json")
    assert r.status_code == 400 and "超过当场收缴上限" in r.json()["message"], r.content
    assert written(onsite) == before


def test_a_hearing_pauses_the_case_time_limit_from_the_request_to_the_hearing(env):
    case, _ = reach(env, GENERAL, "investigating")  # filed 2026-09-03: 90 days → 12-02
    case = step(env, GENERAL, case, "conclude", d(2026, 9, 24))
    case = step(env, GENERAL, case, "notify", d(2026, 9, 25))  # the ¥20,000 fine carries the right to a hearing
    case = step(env, GENERAL, case, "request_hearing", d(2026, 9, 28))
    assert one(case, R.TIME_LIMIT).paused
    case = step(env, GENERAL, case, "notify_hearing", d(2026, 9, 28), hearing_on="2026-10-20")
    case = step(env, GENERAL, case, "hold_hearing", d(2026, 10, 20))
    # 09-28 … 10-19 (22 days, 国庆 inside) do not count: 12-02 + 22 = 12-24
    assert one(case, R.TIME_LIMIT).due == d(2026, 12, 24)
