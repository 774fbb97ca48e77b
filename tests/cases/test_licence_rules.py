"""The law of the 行政许可, 行政确认 and 劳动保障监察 cases with real 2026 dates (the seeded calendar:
中秋 25 Sep, 国庆 1–7 Oct, make-up working days 20 Sep and 10 Oct), and bad input refused with nothing
written."""

import datetime as dt
import json

import pytest
from django.db import transaction
from kinds_cast import make_kinds_env, new_kind_case, step

from sanxiang.cases import actions as C
from sanxiang.cases.kinds import labour as L
from sanxiang.cases.kinds import licence as LI
from sanxiang.cases.models import Case
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
D = dt.date
LICENCE = get_table("licence_general")
LABOUR = get_table("labour_inspection_general")


@pytest.fixture(scope="module")
def kenv(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_kinds_env(profile_key="urumqi-gxq-hrss")
        transaction.set_rollback(True)


def due(case, kind):
    return Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk), kind=kind).latest("id").due


def state(case):
    obs = Obligation.objects.filter(object_id=str(case.pk), object_type="cases.case")
    return (Case.objects.get(pk=case.pk).ledger_digest(), LedgerEntry.objects.count(),
            sorted(obs.values_list("kind", "status", "due")))


def licence(kenv, received, accepted=None):
    case = new_kind_case(kenv, "licence", on=received)
    if accepted:
        step(kenv, LICENCE, case, "accept", accepted)
    return case


def refused(kenv, table, case, action, on, text, **inputs):
    before = state(case)
    with pytest.raises(RuleViolation) as error:
        step(kenv, table, case, action, on, **inputs)
    assert text in error.value.message
    assert state(case) == before
    return error.value


# 行政许可法 第三十二条、第四十二条、第四十四条 (第八十二条: working days).
@pytest.mark.parametrize("received, accepted, acceptance_due, decision_due, extended_due", [
    (D(2026, 9, 18), D(2026, 9, 21), D(2026, 9, 24), D(2026, 10, 26), D(2026, 11, 9)),  # 20 Sep worked; 中秋, 国庆
    (D(2026, 9, 28), D(2026, 10, 9), D(2026, 10, 10), D(2026, 11, 5), D(2026, 11, 19)),  # 10 Oct is a working day
])
def test_licence_decision_within_20_working_days_of_acceptance_plus_10(kenv, received, accepted, acceptance_due,
                                                                       decision_due, extended_due):
    case = licence(kenv, received)
    assert due(case, LI.ACCEPTANCE) == acceptance_due
    case = step(kenv, LICENCE, case, "accept", accepted)
    assert case.accepted_on == accepted and case.number.startswith("许〔2026〕")
    assert due(case, LI.DECISION) == decision_due
    step(kenv, LICENCE, case, "start_review", accepted)
    step(kenv, LICENCE, case, "extend_decision", accepted + dt.timedelta(days=1))
    assert due(case, LI.DECISION) == extended_due
    refused(kenv, LICENCE, case, "extend_decision", accepted + dt.timedelta(days=2), "已延长过一次")


def test_no_supplement_notice_within_5_working_days_means_accepted_from_receipt(kenv):
    case = licence(kenv, D(2026, 9, 28))  # the notice was due on Saturday 10 Oct, a make-up working day
    refused(kenv, LICENCE, case, "request_supplement", D(2026, 10, 12), "自收到申请材料之日起即为受理")
    case = step(kenv, LICENCE, case, "accept", D(2026, 10, 12))
    assert case.accepted_on == D(2026, 9, 28)
    assert due(case, LI.DECISION) == D(2026, 10, 30)  # 20 working days from receipt, not from 12 Oct
    timely = licence(kenv, D(2026, 9, 28))
    step(kenv, LICENCE, timely, "request_supplement", D(2026, 10, 10))
    step(kenv, LICENCE, timely, "receive_supplement", D(2026, 10, 14))
    refused(kenv, LICENCE, timely, "request_supplement", D(2026, 10, 15), "一次告知")
    timely = step(kenv, LICENCE, timely, "accept", D(2026, 10, 16))
    assert timely.accepted_on == D(2026, 10, 16)


def test_hearing_request_window_notice_lead_and_pause_of_the_decision_limit(kenv):
    case = licence(kenv, D(2026, 9, 18), accepted=D(2026, 9, 21))
    step(kenv, LICENCE, case, "start_review", D(2026, 9, 21))
    refused(kenv, LICENCE, case, "request_hearing", D(2026, 9, 22), "尚未告知听证权利")
    step(kenv, LICENCE, case, "inform_hearing_right", D(2026, 9, 22))
    assert due(case, LI.HEARING_WINDOW) == D(2026, 9, 30)
    refused(kenv, LICENCE, case, "grant", D(2026, 9, 29), "许可听证申请期至 2026-09-30 届满")
    refused(kenv, LICENCE, case, "request_hearing", D(2026, 10, 8), "听证申请期已于 2026-09-30 届满")
    step(kenv, LICENCE, case, "request_hearing", D(2026, 9, 29))
    assert due(case, LI.HEARING_ORGANISE) == D(2026, 11, 2)  # 20 working days from the request (Art.47)
    # Notice at least 7 working days before the hearing (Art.48): noticed 9 Oct → 19 Oct at the earliest.
    refused(kenv, LICENCE, case, "notify_hearing", D(2026, 10, 9), "最早于 2026-10-19 举行",
            hearing_on="2026-10-16")
    step(kenv, LICENCE, case, "notify_hearing", D(2026, 10, 9), hearing_on="2026-10-20")
    refused(kenv, LICENCE, case, "hold_hearing", D(2026, 10, 16), "最早于 2026-10-19 举行")
    handler = T.member(kenv.agency, Role.REVIEWER)
    T.person(kenv.agency, user_obj=handler, name="听证主持人")
    C.move_case(case, "hold_hearing", actor=handler, on=D(2026, 10, 20), record="听证已举行")
    case.refresh_from_db()
    assert case.status == "reviewing" and case.hearing_held_on == D(2026, 10, 20)
    # 4 working days ran before the hearing (22–24, 28 Sep); 16 remain from 20 Oct.
    assert due(case, LI.DECISION) == D(2026, 11, 10)
    case = step(kenv, LICENCE, case, "grant", D(2026, 10, 21))
    assert case.decision_outcome == "granted" and due(case, LI.CERTIFICATE) == D(2026, 11, 4)


def test_the_hearing_is_held_by_a_host_who_is_not_a_handler(kenv):
    case = licence(kenv, D(2026, 9, 1), accepted=D(2026, 9, 1))
    step(kenv, LICENCE, case, "start_review", D(2026, 9, 2))
    step(kenv, LICENCE, case, "order_hearing", D(2026, 9, 2))
    step(kenv, LICENCE, case, "notify_hearing", D(2026, 9, 3), hearing_on="2026-09-22")
    before = state(case)
    with pytest.raises(NotPermitted) as error:
        C.move_case(case, "hold_hearing", actor=kenv.officer, on=D(2026, 9, 22), record="听证")
    assert "举行听证" in error.value.message and state(case) == before
    assert C.move_case(case, "hold_hearing", actor=kenv.reviewer, on=D(2026, 9, 22), record="听证").status == "reviewing"


@pytest.mark.parametrize("granted_on, certificate_due", [(D(2026, 9, 30), D(2026, 10, 20)),
                                                         (D(2026, 9, 2), D(2026, 9, 16))])
def test_certificate_within_10_working_days_of_the_decision(kenv, granted_on, certificate_due):
    case = licence(kenv, D(2026, 9, 1), accepted=D(2026, 9, 1))
    step(kenv, LICENCE, case, "start_review", D(2026, 9, 1))
    step(kenv, LICENCE, case, "grant", granted_on)
    assert due(case, LI.CERTIFICATE) == certificate_due


def _licensed(kenv, valid_until, decided=D(2026, 1, 8)):
    case = licence(kenv, D(2026, 1, 5), accepted=D(2026, 1, 5))
    step(kenv, LICENCE, case, "start_review", D(2026, 1, 6))
    step(kenv, LICENCE, case, "grant", decided)
    return step(kenv, LICENCE, case, "issue_certificate", D(2026, 1, 10), valid_until=valid_until)


def test_extension_applied_30_days_before_expiry_and_deemed_granted_when_undecided(kenv):
    case = _licensed(kenv, "2026-03-31")
    assert case.status == "licensed" and case.licence_valid_until == D(2026, 3, 31)
    refused(kenv, LICENCE, case, "apply_extension", D(2026, 3, 2), "即 2026-03-01 以前提出")
    step(kenv, LICENCE, case, "apply_extension", D(2026, 3, 1))
    assert due(case, LI.EXTENSION_DECISION) == D(2026, 3, 31)
    refused(kenv, LICENCE, case, "deem_extension", D(2026, 3, 31), "届满前应当作出")
    refused(kenv, LICENCE, case, "grant_extension", D(2026, 4, 1), "视为准予延续")
    case = step(kenv, LICENCE, case, "deem_extension", D(2026, 4, 1))
    assert case.status == "licensed" and case.licence_valid_until == D(2026, 6, 21)  # another 82-day term
    case = step(kenv, LICENCE, case, "change_licence", D(2026, 4, 2))
    assert case.licence_changes == [{"on": "2026-04-02", "content": "法定代表人变更为李某"}]
    case = step(kenv, LICENCE, case, "revoke", D(2026, 4, 3))
    case = step(kenv, LICENCE, case, "deregister", D(2026, 4, 7))
    assert (case.status, case.revoked_on, case.deregistered_on) == ("deregistered", D(2026, 4, 3), D(2026, 4, 7))


def test_refused_licence_tells_the_remedies_is_served_and_closed(kenv):
    case = licence(kenv, D(2026, 9, 1), accepted=D(2026, 9, 1))
    step(kenv, LICENCE, case, "start_review", D(2026, 9, 2))
    case = step(kenv, LICENCE, case, "refuse", D(2026, 9, 3))
    entry = LedgerEntry.objects.filter(object_id=str(case.pk), action="refuse_case").get()
    assert "行政复议" in json.loads(entry.entry)["payload"]["remedies"] and case.decision_content == "经营场所不符合条件"
    step(kenv, LICENCE, case, "serve", D(2026, 9, 4))
    assert step(kenv, LICENCE, case, "close", D(2026, 9, 5)).status == "closed"


# 劳动保障监察条例 第十七条: 60 working days from filing, +30 once.
@pytest.mark.parametrize("filed, time_limit_due, extended_due", [
    (D(2026, 8, 3), D(2026, 10, 30), D(2026, 12, 11)),
    (D(2026, 7, 1), D(2026, 9, 22), D(2026, 11, 10)),
])
def test_labour_inspection_within_60_working_days_of_filing_plus_30(kenv, filed, time_limit_due, extended_due):
    case = new_kind_case(kenv, "labour_inspection", on=filed)
    case = step(kenv, LABOUR, case, "file", filed)
    assert case.number.startswith("劳监立〔2026〕") and due(case, "办案期限") == time_limit_due
    step(kenv, LABOUR, case, "investigate", filed)
    step(kenv, LABOUR, case, "extend_time_limit", filed + dt.timedelta(days=1))
    assert due(case, "办案期限") == extended_due
    refused(kenv, LABOUR, case, "extend_time_limit", filed + dt.timedelta(days=2), "已延长过一次",
            collective_discussion="集体讨论同意")


def test_labour_complaint_accepted_within_5_working_days_and_rectification_path(kenv):
    case = new_kind_case(kenv, "labour_inspection", on=D(2026, 9, 28))
    assert due(case, L.ACCEPTANCE) == D(2026, 10, 10)
    step(kenv, LABOUR, case, "file", D(2026, 10, 9))
    assert Obligation.objects.get(object_id=str(case.pk), kind=L.ACCEPTANCE).status == "met"
    step(kenv, LABOUR, case, "investigate", D(2026, 10, 9))
    refused(kenv, LABOUR, case, "order_correction", D(2026, 10, 12), "改正期限须晚于 2026-10-12",
            rectify_by="2026-10-12")
    case = step(kenv, LABOUR, case, "order_correction", D(2026, 10, 12), rectify_by="2026-11-11")
    assert case.status == "rectifying" and due(case, L.RECTIFICATION) == D(2026, 11, 11)
    assert Obligation.objects.get(object_id=str(case.pk), kind="办案期限").status == "met"
    case = step(kenv, LABOUR, case, "confirm_rectified", D(2026, 11, 11))
    assert (case.status, case.rectified_on) == ("closed", D(2026, 11, 11))


def test_labour_cancel_filing_meets_the_time_limit(kenv):
    case = new_kind_case(kenv, "labour_inspection", on=D(2026, 9, 1), source="report")
    assert not Obligation.objects.filter(object_id=str(case.pk), kind=L.ACCEPTANCE).exists()
    step(kenv, LABOUR, case, "file", D(2026, 9, 1))
    step(kenv, LABOUR, case, "investigate", D(2026, 9, 2))
    case = step(kenv, LABOUR, case, "cancel_filing", D(2026, 9, 3))
    assert case.status == "cancelled" and case.decision_outcome == "cancelled"
    assert Obligation.objects.get(object_id=str(case.pk), kind="办案期限").status == "met"


# 工伤保险条例 第二十条 (the HRSS profile): 60 days from acceptance; nothing where no law sets a limit.
@pytest.mark.parametrize("kind, accepted, expected", [
    ("confirmation", D(2026, 9, 4), D(2026, 11, 3)),
    ("adjudication", D(2026, 9, 4), None),
])
def test_confirmation_and_adjudication_limit_from_the_profile(kenv, kind, accepted, expected):
    table = get_table(f"{kind}_general")
    case = new_kind_case(kenv, kind, on=accepted)
    step(kenv, table, case, "accept", accepted)
    found = Obligation.objects.filter(object_id=str(case.pk), object_type="cases.case")
    assert [o.due for o in found] == ([expected] if expected else [])
    step(kenv, table, case, "start_review", accepted)
    step(kenv, table, case, "make_decision", accepted + dt.timedelta(days=3))
    assert not found.filter(status__in=("open", "due_soon", "overdue")).exists()


# ---- bad input: refused with a Chinese message, nothing written -------------------------------------------

@pytest.mark.parametrize("kind, source, category, text", [
    ("licence", "report", "行政许可", "案源应为“申请”"),
    ("confirmation", "complaint", "行政处罚", "案源应为“申请”"),
    ("labour_inspection", "application", "劳动保障监察", "案源应为投诉"),
    ("coercion", "report", "行政处罚", "尚未开放"),
    ("nonsense", "report", "行政处罚", "尚未开放"),
])
def test_opening_a_kind_with_bad_input_writes_nothing(kenv, kind, source, category, text):
    before = (Case.objects.count(), LedgerEntry.objects.count(), Obligation.objects.count())
    with pytest.raises(RuleViolation) as error:
        C.do_create_case(kenv.agency, unit=kenv.unit, kind=kind, source=source, cause="某事项", category=category,
                         actor=kenv.officer)
    assert text in error.value.message
    assert (Case.objects.count(), LedgerEntry.objects.count(), Obligation.objects.count()) == before


def test_an_agency_without_the_function_cannot_open_the_kind(kenv):
    from sanxiang.access.actors import OPERATOR
    from sanxiang.orgs import actions as A

    other = T.agency(categories=("行政处罚", "行政检查"))
    unit = A.do_create_unit(other, "执法队", actor=OPERATOR)
    officer = T.member(other, Role.OFFICER, unit=unit)
    before = (Case.objects.count(), LedgerEntry.objects.count())
    for kind, source, text in (("licence", "application", "没有行政许可职能"),
                               ("labour_inspection", "complaint", "没有劳动保障监察职能")):
        with pytest.raises(RuleViolation) as error:
            C.do_create_case(other, unit=unit, kind=kind, source=source, cause="某事项", category="行政处罚",
                             actor=officer)
        assert text in error.value.message
    assert (Case.objects.count(), LedgerEntry.objects.count()) == before


def test_bad_dates_of_the_licence_are_refused(kenv):
    case = licence(kenv, D(2026, 9, 1), accepted=D(2026, 9, 1))
    step(kenv, LICENCE, case, "start_review", D(2026, 9, 1))
    step(kenv, LICENCE, case, "grant", D(2026, 9, 2))
    refused(kenv, LICENCE, case, "issue_certificate", D(2026, 9, 3), "有效期须晚于 2026-09-03",
            valid_until="2026-09-01")
    refused(kenv, LICENCE, case, "issue_certificate", D(2026, 9, 3), "无效", valid_until="明年")
    refused(kenv, LICENCE, case, "issue_certificate", D(2026, 9, 3), "许可证件编号不能为空", licence_number="")
    case = step(kenv, LICENCE, case, "issue_certificate", D(2026, 9, 3), valid_until="")
    refused(kenv, LICENCE, case, "apply_extension", D(2026, 9, 4), "未定有效期")


def test_the_api_opens_a_licence_and_refuses_in_the_json_error_shape(kenv, client):
    client.force_login(kenv.officer)
    body = {"agency": kenv.agency.code, "unit_id": kenv.unit.pk, "kind": "licence", "source": "application",
            "cause": "食品经营许可", "category": "行政许可", "clue_on": "2026-09-01"}
    made = client.post("/api/v1/cases/", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["kind"] == "licence" and made.json()["status"] == "applied"
    before = (Case.objects.count(), LedgerEntry.objects.count())
    bad = client.post("/api/v1/cases/", {**body, "source": "report"}, content_type="application/json")
    assert bad.status_code == 400
    assert set(bad.json()) >= {"code", "message", "field", "reasons"} and "申请" in bad.json()["message"]
    assert (Case.objects.count(), LedgerEntry.objects.count()) == before
    case_id = made.json()["id"]
    actions = {a["action"]: a for a in client.get(f"/api/v1/cases/{case_id}/actions").json()}
    assert set(actions) == {"accept", "request_supplement", "not_accept"}
    refused_move = client.post(f"/api/v1/cases/{case_id}/actions/accept", {"on": "2026-09-02"},
                               content_type="application/json")
    assert refused_move.status_code == 400 and "承办人" in refused_move.json()["message"]
