"""A general-procedure penalty from clue to closing, with real dates, and what each step opens."""

import datetime as dt
from decimal import Decimal

import pytest
from cases_cast import make_env, new_case

from sanxiang.cases import actions as C
from sanxiang.cases.models import CaseStatus
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger import verify

pytestmark = pytest.mark.django_db


def obligations(case):
    return {o.kind: o for o in Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk))}


def test_general_penalty_from_clue_to_closing():
    env = make_env()
    case = new_case(env, clue_on=dt.date(2026, 9, 21))
    assert case.status == CaseStatus.CLUE and case.number == ""
    # 15 workdays across National Day, from the day the clue was found (程序规定第十八条), not from 开始核查
    assert obligations(case)["案源核查期限"].due == dt.date(2026, 10, 19)
    C.do_verify_case(case, actor=env.officer, on=dt.date(2026, 9, 23))
    assert obligations(case)["案源核查期限"].due == dt.date(2026, 10, 19)
    C.do_file_case(case, actor=env.head, on=dt.date(2026, 9, 25))
    assert case.number == "立〔2026〕0001号" and case.status == CaseStatus.FILED
    obs = obligations(case)
    assert obs["案源核查期限"].status == Obligation.MET
    assert obs["办案期限"].due == dt.date(2026, 12, 24)  # 90 days from filing
    C.do_investigate_case(case, actor=env.officer, on=dt.date(2026, 9, 28))
    C.do_conclude_case(case, penalties=["warning", "fine"], fine="20000", actor=env.officer, on=dt.date(2026, 9, 29))
    C.do_notify_case(case, actor=env.officer, on=dt.date(2026, 9, 30))
    obs = obligations(case)
    assert case.hearing_right  # 20000 ≥ 10000 for a person
    assert obs["陈述申辩期"].due == dt.date(2026, 10, 13)  # 5 workdays: 10-8, 10-9, 10-10 (调休), 10-12, 10-13
    assert obs["听证申请期"].due == dt.date(2026, 10, 13)
    C.do_record_case_statement(case, statement="初次违法，请求从轻", actor=env.officer, on=dt.date(2026, 10, 9))
    C.do_decide_case(case, actor=env.head, on=dt.date(2026, 10, 15))
    assert case.status == CaseStatus.DECIDED and case.decided_fine == Decimal("20000")
    obs = obligations(case)
    assert obs["办案期限"].status == Obligation.MET and obs["陈述申辩期"].status == Obligation.MET
    C.do_serve_case(case, method="direct", actor=env.officer, on=dt.date(2026, 10, 16))
    assert obligations(case)["罚款缴纳期限"].due == dt.date(2026, 11, 2)  # 10-31 is a Saturday
    C.do_record_case_payment(case, amount="20000", actor=env.officer, on=dt.date(2026, 10, 30))
    assert obligations(case)["罚款缴纳期限"].status == Obligation.MET
    C.do_close_case(case, actor=env.head, on=dt.date(2026, 11, 2))
    assert case.status == CaseStatus.CLOSED and obligations(case)["结案期限"].status == Obligation.MET
    report = verify.run()
    assert report.ok, report.findings
