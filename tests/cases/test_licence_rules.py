"""The law of the 行政许可, 行政确认 and 劳动保障监察 cases with real 2026 dates (the seeded calendar:
中秋 25 Sep, 国庆 1–7 Oct, make-up working days 20 Sep and 10 Oct), and bad input refused with nothing
written."""

import datetime as dt
import json

import pytest
from django.db import transaction
from kinds_cast import INPUTS, make_kinds_env, new_kind_case, step

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
L_INPUTS = INPUTS["transfer_case"]


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
    from sanxiang.records import catalogue, evidence

    for missing in catalogue.missing_recordings(case):  # 举行听证: 宜音像记录 — the handler says why not
        evidence.do_explain_missing_recording(case, missing.occurrence.ref, reason="听证室未配备录像设备，全程书面记录",
                                              actor=kenv.officer)
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
    ("coercion", "report", "行政处罚", "在所属案件中提请"),
    ("nonsense", "report", "行政处罚", "尚未开放"),
    # a kind under another kind's 执法类别, a penalty on application (defect 19)
    ("confirmation", "application", "行政处罚", "不能用于行政确认案件"),
    ("adjudication", "application", "行政许可", "不能用于行政裁决案件"),
    ("licence", "application", "行政处罚", "不能用于行政许可案件"),
    ("penalty", "report", "行政许可", "不能用于行政处罚案件"),
    ("penalty", "application", "行政处罚", "案源不能为“申请”"),
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
    assert set(actions) == {"accept", "request_supplement", "not_accept", "decide_on_the_spot", "withdraw_application"}
    refused_move = client.post(f"/api/v1/cases/{case_id}/actions/accept", {"on": "2026-09-02"},
                               content_type="application/json")
    assert refused_move.status_code == 400 and "承办人" in refused_move.json()["message"]


# ---- 当场决定 (行政许可法第三十四条第二款), 撤回申请 ------------------------------------------------------

@pytest.mark.parametrize("on_the_spot, received, supplement, decided, refusal", [
    (True, D(2026, 9, 30), None, D(2026, 9, 30), None),
    (False, D(2026, 9, 30), None, D(2026, 9, 30), "未注明该事项可以当场作出决定"),
    (True, D(2026, 9, 29), None, D(2026, 9, 30), "于 2026-09-29 收到，当场作出决定须在当日"),
    # 补正 then complete on 30 Sep: decided on the spot that day, no longer on the day of receipt.
    (True, D(2026, 9, 28), (D(2026, 9, 28), D(2026, 9, 30)), D(2026, 9, 30), None),
    (True, D(2026, 9, 28), (D(2026, 9, 28), D(2026, 9, 30)), D(2026, 10, 8), "于 2026-09-30 收到"),
])
def test_on_the_spot_decision_only_for_a_decidable_matter_on_the_day_complete(kenv, on_the_spot, received,
                                                                              supplement, decided, refusal):
    case = new_kind_case(kenv, "licence", on=received, on_the_spot=on_the_spot)
    if supplement:
        step(kenv, LICENCE, case, "request_supplement", supplement[0])
        step(kenv, LICENCE, case, "receive_supplement", supplement[1])
    if refusal:
        refused(kenv, LICENCE, case, "decide_on_the_spot", decided, refusal)
        return
    case = step(kenv, LICENCE, case, "decide_on_the_spot", decided)
    assert (case.status, case.decision_outcome, case.accepted_on, case.decided_on) == ("granted", "granted", decided,
                                                                                      decided)
    assert case.number.startswith("许〔2026〕") and case.decided_by == kenv.head
    assert Obligation.objects.filter(object_id=str(case.pk), kind=LI.ACCEPTANCE).latest("id").status == "met"
    assert not Obligation.objects.filter(object_id=str(case.pk), kind=LI.DECISION).exists()
    assert due(case, LI.CERTIFICATE) == D(2026, 10, 20)  # 10 working days after 30 Sep (国庆, 10 Oct worked)
    assert step(kenv, LICENCE, case, "issue_certificate", decided).status == "licensed"


def test_on_the_spot_is_the_heads_and_only_for_licences(kenv):
    case = new_kind_case(kenv, "licence", on=D(2026, 9, 1), on_the_spot=True)
    before = state(case)
    with pytest.raises(NotPermitted):
        C.move_case(case, "decide_on_the_spot", actor=kenv.officer, on=D(2026, 9, 1))
    assert state(case) == before
    entry = LedgerEntry.objects.filter(object_id=str(case.pk), action="create_case").get()
    assert json.loads(entry.entry)["payload"]["on_the_spot"] is True
    counts = (Case.objects.count(), LedgerEntry.objects.count(), Obligation.objects.count())
    with pytest.raises(RuleViolation) as error:
        C.do_create_case(kenv.agency, unit=kenv.unit, kind="labour_inspection", source="complaint", cause="欠薪",
                         category="劳动保障监察", on_the_spot=True, actor=kenv.officer)
    assert "只有行政许可申请" in error.value.message
    assert (Case.objects.count(), LedgerEntry.objects.count(), Obligation.objects.count()) == counts


def test_same_day_acceptance_is_recorded_as_on_the_spot(kenv):
    for accepted, expected in ((D(2026, 9, 1), True), (D(2026, 9, 2), False)):
        case = step(kenv, LICENCE, licence(kenv, D(2026, 9, 1)), "accept", accepted)
        entry = LedgerEntry.objects.filter(object_id=str(case.pk), action="accept_case").get()
        assert json.loads(entry.entry)["payload"]["on_the_spot"] is expected


@pytest.mark.parametrize("moves, waived", [
    ([], [LI.ACCEPTANCE]),
    ([("accept", D(2026, 9, 1)), ("start_review", D(2026, 9, 2)), ("inform_hearing_right", D(2026, 9, 2)),
      ("request_hearing", D(2026, 9, 3))], [LI.DECISION, LI.HEARING_ORGANISE]),
    ([("request_supplement", D(2026, 9, 2))], []),
])
def test_the_applicant_withdraws_before_the_decision_and_the_deadlines_end(kenv, moves, waived):
    case = licence(kenv, D(2026, 9, 1))
    for action, on in moves:
        step(kenv, LICENCE, case, action, on)
    case = step(kenv, LICENCE, case, "withdraw_application", D(2026, 9, 4), requested_by="申请人孙某")
    assert (case.status, case.closed_on) == ("withdrawn", D(2026, 9, 4))
    assert case.end_reason == "申请人孙某申请撤回：经营场所另行选址" and not case.decision_outcome
    obs = Obligation.objects.filter(object_id=str(case.pk), object_type="cases.case")
    assert sorted(obs.filter(status="waived").values_list("kind", flat=True)) == sorted(waived)
    assert not obs.filter(status__in=("open", "overdue", "expired")).exists()
    entry = LedgerEntry.objects.filter(object_id=str(case.pk), action="withdraw_application_case").get()
    payload = json.loads(entry.entry)["payload"]
    assert (payload["requested_by"], payload["on"], payload["to"]) == ("申请人孙某", "2026-09-04", "withdrawn")


def test_withdrawal_after_the_decision_or_without_who_asked_is_refused(kenv):
    case = licence(kenv, D(2026, 9, 1), accepted=D(2026, 9, 1))
    step(kenv, LICENCE, case, "start_review", D(2026, 9, 2))
    refused(kenv, LICENCE, case, "withdraw_application", D(2026, 9, 3), "提出撤回的申请人或其代理人不能为空",
            requested_by="  ")
    step(kenv, LICENCE, case, "grant", D(2026, 9, 3))
    refused(kenv, LICENCE, case, "withdraw_application", D(2026, 9, 4), "不能执行“申请人撤回申请”")


def test_the_case_page_offers_the_new_moves_and_shows_what_was_recorded(kenv, client):
    case = new_kind_case(kenv, "licence", on=D(2026, 9, 1), on_the_spot=True)
    client.force_login(kenv.head)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "当场作出准予许可决定" in html and "可以当场作出书面的行政许可决定" in html
    client.force_login(kenv.officer)
    posted = client.post(f"/cases/{case.pk}/act/withdraw_application/",
                         {"state": "applied", "version": case.version, "on": "2026-09-02", "requested_by": ""})
    assert posted.status_code == 400 and Case.objects.get(pk=case.pk).status == "applied"
    posted = client.post(f"/cases/{case.pk}/act/withdraw_application/",
                         {"state": "applied", "version": case.version, "on": "2026-09-02",
                          "requested_by": "申请人孙某", "reason": "不再经营"})
    assert posted.status_code == 302
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已撤回申请（终止办理）" in html and "申请人孙某申请撤回：不再经营" in html


# ---- 劳动保障监察: 时效 (第二十条) and 移送 (第十八条第二款) -------------------------------------------------

@pytest.mark.parametrize("act_on, ended, received, refusal", [
    (D(2024, 9, 1), None, D(2026, 9, 1), None),  # the last day of the two years
    (D(2024, 8, 31), None, D(2026, 9, 1), "查处时效自行为发生之日 2024-08-31 起计算 2 年，至 2026-08-31 届满；"
                                            "该违法行为在此期间内未被发现，也未被举报、投诉，本案于 2026-09-01"),
    (D(2023, 1, 10), D(2024, 12, 31), D(2026, 9, 1), None),  # continuing: from its end
    (D(2023, 1, 10), D(2024, 8, 30), D(2026, 9, 1), "自行为终了之日 2024-08-30 起计算"),
    (D(2024, 2, 29), None, D(2026, 2, 28), None),  # 29 Feb + two years = 28 Feb
    (D(2024, 2, 29), None, D(2026, 3, 2), "至 2026-02-28 届满"),
])
def test_labour_violation_not_filed_after_two_years(kenv, act_on, ended, received, refusal):
    case = new_kind_case(kenv, "labour_inspection", on=received)
    dates = {"act_on": act_on.isoformat(), "act_ended_on": ended.isoformat() if ended else ""}
    if refusal:
        error = refused(kenv, LABOUR, case, "file", received, refusal, **dates)
        assert "劳动保障监察条例第二十条" in error.message
        return
    case = step(kenv, LABOUR, case, "file", received, **dates)
    assert (case.status, case.act_on, case.act_ended_on) == ("filed", act_on, ended)


@pytest.mark.parametrize("dates, text", [
    ({"act_on": ""}, "须写明违法行为发生日期"),
    ({"act_on": "2026-09-02"}, "晚于发现或者接到举报、投诉之日 2026-09-01"),
    ({"act_on": "2026-05-01", "act_ended_on": "2026-04-30"}, "早于行为发生日期 2026-05-01"),
    ({"act_on": "去年"}, "无效"),
])
def test_bad_violation_dates_are_refused(kenv, dates, text):
    case = new_kind_case(kenv, "labour_inspection", on=D(2026, 9, 1))
    refused(kenv, LABOUR, case, "file", D(2026, 9, 1), text, **dates)


def test_the_limitation_is_a_profile_value_of_the_hrss_agency_only():
    from sanxiang.deadlines.queries import profile_value

    assert profile_value("urumqi-gxq-hrss", "cases.labour_limitation_period", D(2026, 9, 1)) == {
        "count": 24, "unit": "months"}
    for code in ("urumqi-gxq-amr", "zhuzhou-amr", "quanzhou-licheng-amr", "pingluo-commerce"):
        assert profile_value(code, "cases.labour_limitation_period", D(2026, 9, 1)) is None


def test_labour_case_transferred_ends_the_agencys_handling(kenv):
    case = new_kind_case(kenv, "labour_inspection", on=D(2026, 9, 1))
    step(kenv, LABOUR, case, "file", D(2026, 9, 1))
    step(kenv, LABOUR, case, "investigate", D(2026, 9, 2))
    step(kenv, LABOUR, case, "order_correction", D(2026, 9, 3), rectify_by="2026-09-18")
    refused(kenv, LABOUR, case, "transfer_case", D(2026, 9, 21), "须选择移送情形", transfer_ground="police")
    refused(kenv, LABOUR, case, "transfer_case", D(2026, 9, 21), "接收移送的机关不能为空", recipient="")
    before = state(case)
    with pytest.raises(NotPermitted):
        C.move_case(case, "transfer_case", actor=kenv.officer, on=D(2026, 9, 21), **L_INPUTS)
    assert state(case) == before
    case = step(kenv, LABOUR, case, "transfer_case", D(2026, 9, 21))
    assert (case.status, case.transfer_ground, case.transferred_to, case.closed_on) == (
        "transferred", "crime", "某市公安局某分局", D(2026, 9, 21))
    assert "拒不支付劳动报酬罪" in case.end_reason
    assert Obligation.objects.get(object_id=str(case.pk), kind=L.RECTIFICATION).status == "met"
    entry = LedgerEntry.objects.filter(object_id=str(case.pk), action="transfer_case_case").get()
    assert json.loads(entry.entry)["payload"]["ground"] == "涉嫌犯罪，依法移送司法机关"
    refused(kenv, LABOUR, case, "transfer_case", D(2026, 9, 22), "不能执行“移送”")


def test_a_complaint_outside_labour_inspection_is_transferred_from_the_clue(kenv, client):
    case = new_kind_case(kenv, "labour_inspection", on=D(2026, 9, 1))
    client.force_login(kenv.head)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="act_on"' in html and "违法行为发生日期" in html and "不属于劳动保障监察事项" in html
    posted = client.post(f"/cases/{case.pk}/act/transfer_case/",
                         {"state": "clue", "version": case.version, "on": "2026-09-02",
                          "transfer_ground": "not_competent", "recipient": "区住房和建设局",
                          "reason": "投诉事项为物业服务纠纷，不属于劳动保障监察事项"})
    assert posted.status_code == 302, posted.content.decode()[:2000]
    case.refresh_from_db()
    assert case.status == "transferred"
    assert Obligation.objects.get(object_id=str(case.pk), kind=L.ACCEPTANCE).status == "met"
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "移送区住房和建设局（不属于劳动保障监察事项，移送有关部门处理）" in html


@pytest.mark.parametrize("moves, met, waived", [
    ([], [L.ACCEPTANCE], []),
    ([("file", D(2026, 9, 2)), ("investigate", D(2026, 9, 2)), ("conclude", D(2026, 9, 3)), ("notify", D(2026, 9, 4))],
     [L.ACCEPTANCE, "办案期限"], ["听证申请期", "陈述申辩期"]),  # a ¥200,000 fine: the right to a hearing too
    ([("file", D(2026, 9, 2)), ("investigate", D(2026, 9, 2)), ("suspend", D(2026, 9, 3))], [L.ACCEPTANCE, "办案期限"],
     []),
])
def test_a_transfer_meets_the_agencys_deadlines_and_ends_the_partys(kenv, moves, met, waived):
    case = new_kind_case(kenv, "labour_inspection", on=D(2026, 9, 1))
    for action, on in moves:
        step(kenv, LABOUR, case, action, on)
    case = step(kenv, LABOUR, case, "transfer_case", D(2026, 9, 7))
    obs = Obligation.objects.filter(object_id=str(case.pk), object_type="cases.case")
    assert sorted(obs.filter(status="met").values_list("kind", flat=True)) == sorted(met)
    assert sorted(obs.filter(status="waived").values_list("kind", flat=True)) == sorted(waived)
    assert not obs.filter(status__in=("open", "overdue")).exists()


def test_the_api_takes_the_new_moves_and_refuses_in_the_json_error_shape(kenv, client):
    client.force_login(kenv.officer)
    body = {"agency": kenv.agency.code, "unit_id": kenv.unit.pk, "kind": "licence", "source": "application",
            "cause": "食品经营许可（即办）", "category": "行政许可", "clue_on": "2026-09-01", "on_the_spot": True}
    made = client.post("/api/v1/cases/", body, content_type="application/json")
    assert made.status_code == 201 and Case.objects.get(pk=made.json()["id"]).decidable_on_the_spot
    bad = client.post("/api/v1/cases/", {**body, "kind": "confirmation", "category": "劳动保障监察"},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "on_the_spot"
    case = new_kind_case(kenv, "labour_inspection", on=D(2026, 9, 1))
    client.force_login(kenv.head)
    before = state(case)
    late = client.post(f"/api/v1/cases/{case.pk}/actions/file", {"on": "2026-09-01", "act_on": "2024-08-01"},
                       content_type="application/json")
    assert late.status_code == 400 and set(late.json()) >= {"code", "message", "field", "reasons"}
    assert "至 2026-08-01 届满" in late.json()["message"] and state(case) == before
    wrong = client.post(f"/api/v1/cases/{case.pk}/actions/transfer_case",
                        {"on": "2026-09-02", "transfer_ground": "nowhere", "recipient": "某局", "reason": "不属于"},
                        content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["field"] == "transfer_ground" and state(case) == before
    filed = client.post(f"/api/v1/cases/{case.pk}/actions/file",
                        {"on": "2026-09-01", "act_on": "2025-01-01", "act_ended_on": "2026-08-20"},
                        content_type="application/json")
    assert filed.status_code == 200 and filed.json()["status"] == "filed"


def test_the_new_case_page_registers_an_application_decidable_on_the_spot(kenv, client):
    client.force_login(kenv.officer)
    form = client.get("/cases/new/").content.decode()
    assert 'name="on_the_spot"' in form and "可当场作出许可决定" in form
    posted = client.post("/cases/new/", {"unit": str(kenv.unit.pk), "kind": "licence", "source": "application",
                                         "cause": "食品经营许可（即办件）", "category": "行政许可",
                                         "clue_on": "2026-09-01", "on_the_spot": "on"})
    assert posted.status_code == 302
    assert Case.objects.get(cause="食品经营许可（即办件）").decidable_on_the_spot


def test_unset_new_fields_leave_the_digest_of_cases_ledgered_before(kenv):
    case = new_kind_case(kenv, "labour_inspection", on=D(2026, 9, 1))
    state_ = Case.objects.get(pk=case.pk).ledger_state()
    assert not set(state_) & {"decidable_on_the_spot", "act_on", "act_ended_on", "transfer_ground", "transferred_to"}
    case = step(kenv, LABOUR, case, "file", D(2026, 9, 1))
    assert Case.objects.get(pk=case.pk).ledger_state()["act_on"] == D(2026, 6, 1)


# 行政许可法 第四十七条: a requested hearing is organised within 20 days of the request.
@pytest.mark.parametrize("notice_on, hearing_on, allowed", [
    (D(2026, 10, 9), "2026-11-02", True),    # the last day of 组织听证期限 (20 working days from 29 Sep)
    (D(2026, 10, 9), "2026-11-03", False),   # after it
    (D(2026, 10, 26), "2026-11-04", True),   # noticed too late to keep it: the first day the notice allows
    (D(2026, 10, 26), "2026-11-05", False),  # …and no later
])
def test_a_requested_licence_hearing_is_held_within_the_organising_limit(kenv, notice_on, hearing_on, allowed):
    case = licence(kenv, D(2026, 9, 18), accepted=D(2026, 9, 21))
    for action, on in (("start_review", D(2026, 9, 21)), ("inform_hearing_right", D(2026, 9, 22)),
                       ("request_hearing", D(2026, 9, 29))):
        step(kenv, LICENCE, case, action, on)
    assert due(case, LI.HEARING_ORGANISE) == D(2026, 11, 2)
    if allowed:
        assert step(kenv, LICENCE, case, "notify_hearing", notice_on, hearing_on=hearing_on).hearing_on == \
            D.fromisoformat(hearing_on)
    else:
        refused(kenv, LICENCE, case, "notify_hearing", notice_on, "组织听证期限至 2026-11-02 届满", hearing_on=hearing_on)


def test_an_expired_licence_or_labour_limit_is_not_extended(kenv):
    case = licence(kenv, D(2026, 9, 18), accepted=D(2026, 9, 21))  # 许可决定期限 due 2026-10-26
    step(kenv, LICENCE, case, "start_review", D(2026, 9, 21))
    refused(kenv, LICENCE, case, "extend_decision", D(2026, 10, 27), "已于 2026-10-26 届满")
    step(kenv, LICENCE, case, "extend_decision", D(2026, 10, 26))
    labour = new_kind_case(kenv, "labour_inspection", on=D(2026, 7, 1))  # 办案期限 due 2026-09-22
    step(kenv, LABOUR, labour, "file", D(2026, 7, 1))
    step(kenv, LABOUR, labour, "investigate", D(2026, 7, 1))
    refused(kenv, LABOUR, labour, "extend_time_limit", D(2026, 9, 23), "劳动保障监察条例第十七条")
    step(kenv, LABOUR, labour, "extend_time_limit", D(2026, 9, 22))
