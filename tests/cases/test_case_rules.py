"""The law in the service layer, table-driven with real dates: each bad input of issue 7 §6 is
refused with its Chinese message and nothing is written."""

import datetime as dt
from decimal import Decimal

import pytest
from cases_cast import D0, INPUTS, new_case, onsite_case, person_with_cert, reach, step
from django.db import transaction

from sanxiang.access.actors import OPERATOR
from sanxiang.cases import actions as C
from sanxiang.cases.models import Case, CaseHandler, CaseParticipant
from sanxiang.cases.review_gate import proposal_of, review_required
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import CertificateKind, PersonKind
from sanxiang.review.procedure import do_record_checklist
from sanxiang.review.testing import all_points, submit_and_assign
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
GENERAL = get_table("penalty_general")


def snapshot():
    return (Case.objects.count(), LedgerEntry.objects.count(), Obligation.objects.count(),
            [c.ledger_digest() for c in Case.objects.order_by("pk")])


def refused(fn, *args, error=RuleViolation, **kw):
    before = snapshot()
    with pytest.raises(error) as caught:
        with transaction.atomic():
            fn(*args, **kw)
    assert snapshot() == before, "a refusal wrote something"
    assert caught.value.message
    return caught.value.message


def ob(case, kind):
    return Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk), kind=kind).latest("id")


# ---- handlers -------------------------------------------------------------------------------------

def test_unqualified_handlers_are_refused(env):
    case = new_case(env, handlers=False)
    expired = person_with_cert(env.agency, env.unit, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2025, 12, 31))
    assert "已于 2025-12-31 到期" in refused(C.do_assign_case_handler, case, expired, actor=env.head, on=D0)
    aux = T.person(env.agency, unit=env.unit, kind=PersonKind.AUXILIARY)
    T.certificate(aux, kind=CertificateKind.WORK, categories=[])
    assert "辅助人员，不得从事行政执法活动" in refused(C.do_assign_case_handler, case, aux, actor=env.head, on=D0)
    other_category = person_with_cert(env.agency, env.unit, categories=("行政检查",))
    assert "不含“行政处罚”" in refused(C.do_assign_case_handler, case, other_category, actor=env.head, on=D0)
    suspended = person_with_cert(env.agency, env.unit)
    A.do_suspend_certificate(suspended.certificates.get(), reason="涉嫌违法执法", actor=OPERATOR)
    assert "已被暂扣" in refused(C.do_assign_case_handler, case, suspended, actor=env.head, on=D0)
    assert "负责人" in refused(C.do_assign_case_handler, case, env.p1, actor=env.officer, on=D0, error=NotPermitted)


def test_a_single_handler_cannot_file_and_a_handler_cannot_approve(env):
    case = new_case(env, handlers=False)
    C.do_assign_case_handler(case, env.p1, actor=env.head, on=D0)
    C.do_verify_case(case, actor=env.officer, on=D0)
    message = refused(C.do_file_case, case, actor=env.head, on=D0 + dt.timedelta(days=1))
    assert "执法人员不得少于两人" in message and "只有 1 名" in message
    C.do_assign_case_handler(case, env.p2, actor=env.head, on=D0)
    head_person = env.head.people.get()
    C.do_assign_case_handler(case, head_person, actor=env.head, on=D0)
    assert "承办人不能审批" in refused(C.do_file_case, case, actor=env.head, on=D0 + dt.timedelta(days=1))
    C.do_file_case(case, actor=env.leader, on=D0 + dt.timedelta(days=1))
    assert case.number.startswith("立〔2026〕")


def test_a_certificate_suspended_after_assignment_stops_the_case(env):
    case, day = reach(env, GENERAL, "filed")
    cert = env.p2.certificates.get()
    A.do_suspend_certificate(cert, reason="调查期间暂扣", actor=OPERATOR)
    try:
        message = refused(C.do_investigate_case, case, actor=env.officer, on=day)
        assert "执法人员不得少于两人" in message and f"执法证 {cert.number} 已被暂扣" in message
    finally:
        A.do_reinstate_certificate(cert, reason="恢复", actor=OPERATOR)


def test_an_outsider_and_a_non_handler_may_not_act(env):
    case, day = reach(env, GENERAL, "filed")
    refused(C.do_investigate_case, case, actor=env.outsider, on=day, error=NotPermitted)
    stranger = T.member(env.agency, "officer", unit=env.unit)
    assert "只有本案的承办人" in refused(C.do_investigate_case, case, actor=stranger, on=day)


# ---- simplified procedure --------------------------------------------------------------------------

@pytest.mark.parametrize("party,penalties,fine,ok", [
    ("person", ["warning"], None, True),
    ("person", ["fine"], "200", True),
    ("person", ["fine"], "200.01", False),
    ("org", ["fine"], "3000", True),
    ("org", ["fine"], "3001", False),
    ("person", ["fine", "confiscate_income"], "50", False),
])
def test_simplified_procedure_only_within_the_statutory_amounts(env, party, penalties, fine, ok):
    who = env.person_party if party == "person" else env.org_party
    if ok:
        case = onsite_case(env, party=who, penalties=penalties, fine=fine)
        C.do_decide_case_on_site(case, actor=env.officer, on=D0)
        assert case.status == "decided" and ob(case, "简易程序材料交回期限").due == dt.date(2026, 9, 10)
    else:
        message = refused(onsite_case, env, party=who, penalties=penalties, fine=fine)
        assert "行政处罚法第五十一条" in message


# ---- notice, windows, Art.45 ----------------------------------------------------------------------

def test_no_decision_before_notice_or_before_the_windows_close(env):
    case, day = reach(env, GENERAL, "concluded")
    assert "的当前状态为“调查终结”，不能执行“作出处罚决定”" in refused(C.do_decide_case, case, actor=env.head, on=day)
    notified_on = dt.date(2026, 9, 30)
    C.do_notify_case(case, actor=env.officer, on=notified_on)
    message = refused(C.do_decide_case, case, actor=env.head, on=dt.date(2026, 10, 13))
    assert "至 2026-10-13 届满" in message
    C.do_decide_case(case, actor=env.head, on=dt.date(2026, 10, 14))
    assert case.status == "decided"


def test_no_heavier_penalty_because_of_a_statement(env):
    case, day = reach(env, GENERAL, "notified")
    C.do_record_case_statement(case, statement="不服", actor=env.officer, on=day)
    C.do_waive_case_rights(case, actor=env.officer, on=day)
    C.do_revise_case_proposal(case, version=case.version, penalties=["warning", "fine"], fine="30000",
                              actor=env.officer)
    message = refused(C.do_decide_case, case, actor=env.head, on=day)
    assert "行政处罚法第四十五条" in message and "罚款由 20000.00 元增至 30000.00 元" in message
    C.do_revise_case_proposal(case, version=case.version, penalties=["warning", "fine"], fine="15000",
                              actor=env.officer)
    C.do_decide_case(case, actor=env.head, on=day)
    assert case.decided_fine == Decimal("15000")


# ---- service -----------------------------------------------------------------------------------------

def test_electronic_service_only_with_a_signed_consent(env):
    case, day = reach(env, GENERAL, "decided")
    message = refused(C.do_serve_case, case, method="electronic", actor=env.officer, on=day)
    assert "未签署同意电子送达的送达地址确认书" in message
    assert "拍照或录像" in refused(C.do_serve_case, case, method="left", actor=env.officer, on=day)


def test_electronic_service_with_consent_and_announcement_deemed_after_30_days(env):
    case = C.do_create_case(env.agency, unit=env.unit, source="complaint", cause="虚假宣传", category="行政处罚",
                            clue_on=D0, actor=env.officer)
    C.do_add_case_party(case, env.org_party, electronic_address="legal@example.cn", address_consent_on=D0,
                        actor=env.officer)
    C.do_assign_case_handler(case, env.p1, actor=env.head, on=D0)
    C.do_assign_case_handler(case, env.p2, actor=env.head, on=D0)
    day = D0
    for action in GENERAL.paths()["decided"]:
        day += dt.timedelta(days=1)
        if action == "decide":
            step(env, GENERAL, case, "waive_rights", day)
        step(env, GENERAL, case, action, day)
    with transaction.atomic():
        C.do_serve_case(case, method="electronic", actor=env.officer, on=day)
        assert case.served_on == day
        transaction.set_rollback(True)
    case.refresh_from_db()
    C.do_serve_case(case, method="announcement", proof="本局网站公告", actor=env.officer, on=dt.date(2026, 9, 20))
    assert case.served_on == dt.date(2026, 10, 20)  # deemed served 30 days after the announcement
    assert ob(case, "罚款缴纳期限").start == dt.date(2026, 10, 20)


# ---- case time limit: pauses and extensions ------------------------------------------------------------

def test_a_case_filed_on_2026_09_25_across_national_day_with_a_suspension(env):
    case = new_case(env)
    C.do_verify_case(case, actor=env.officer, on=dt.date(2026, 9, 21))
    C.do_file_case(case, actor=env.head, on=dt.date(2026, 9, 25))
    assert ob(case, "办案期限").due == dt.date(2026, 12, 24)
    C.do_investigate_case(case, actor=env.officer, on=dt.date(2026, 9, 28))
    C.do_suspend_case(case, reason="等待检验结果", actor=env.head, on=dt.date(2026, 10, 9))
    C.do_resume_case(case, actor=env.head, on=dt.date(2026, 10, 14))
    assert ob(case, "办案期限").due == dt.date(2026, 12, 29)  # 5 paused days do not count


def test_extensions_first_by_the_head_then_only_by_collective_discussion(env):
    case = new_case(env, clue_on=dt.date(2026, 7, 30))
    C.do_verify_case(case, actor=env.officer, on=dt.date(2026, 7, 31))
    C.do_file_case(case, actor=env.head, on=dt.date(2026, 8, 1))
    assert ob(case, "办案期限").due == dt.date(2026, 10, 30)
    C.do_extend_case_time_limit(case, reason="案情复杂", actor=env.head, on=dt.date(2026, 10, 20))
    assert ob(case, "办案期限").due == dt.date(2026, 11, 30)  # +30 days = 11-29, a Sunday
    message = refused(C.do_extend_case_time_limit, case, reason="仍需调查", actor=env.head, on=dt.date(2026, 11, 20))
    assert "集体讨论" in message
    C.do_extend_case_time_limit(case, reason="仍需调查", collective_discussion="2026-11-19 局务会集体讨论同意延期",
                                actor=env.head, on=dt.date(2026, 11, 20))
    assert case.time_limit_extensions == 2


def test_a_hearing_pauses_the_time_limit_and_requires_a_review_after_it(env):
    case, day = reach(env, GENERAL, "notified")
    C.do_request_case_hearing(case, actor=env.officer, on=dt.date(2026, 9, 10))
    C.do_notify_case_hearing(case, hearing_on=dt.date(2026, 9, 22), place="本局听证室", actor=env.officer,
                             on=dt.date(2026, 9, 11))
    C.do_hold_case_hearing(case, record="听证笔录", actor=env.reviewer, on=dt.date(2026, 9, 22))
    assert ob(case, "办案期限").due == dt.date(2026, 12, 14)  # filed 09-03: 12-02 + 12 paused days
    C.do_waive_case_rights(case, actor=env.officer, on=dt.date(2026, 9, 22))
    message = refused(C.do_decide_case, case, actor=env.head, on=dt.date(2026, 9, 23))
    assert "经过听证程序" in message and "行政处罚法第五十八条" in message
    review = submit_and_assign(case, officer=env.officer, reviewer=env.reviewer, on=dt.date(2026, 9, 23))
    refused(C.do_record_case_review, review, opinion="pass", actor=env.officer, error=NotPermitted)
    do_record_checklist(review, points=all_points(), actor=env.reviewer)
    C.do_record_case_review(review, opinion="pass", note="同意", actor=env.reviewer, on=dt.date(2026, 9, 23))
    C.do_decide_case(case, actor=env.head, on=dt.date(2026, 9, 23))
    assert case.status == "decided"


def test_review_gate_art58_flags_and_a_changed_proposal(env):
    case, day = reach(env, GENERAL, "notified")
    C.do_revise_case_proposal(case, version=case.version, penalties=["warning", "fine"], fine="20000",
                              flags=["complex"], actor=env.officer)
    required, rules = review_required(case, proposal_of(case))
    assert required and [r["key"] for r in rules] == ["complex"]
    C.do_waive_case_rights(case, actor=env.officer, on=day)
    assert "疑难复杂" in refused(C.do_decide_case, case, actor=env.head, on=day)
    review = submit_and_assign(case, officer=env.officer, reviewer=env.reviewer, on=day)
    do_record_checklist(review, points=all_points("problem", "证据不足"), actor=env.reviewer)
    C.do_record_case_review(review, opinion="return", note="证据不足", actor=env.reviewer, on=day)
    assert "退回" in refused(C.do_decide_case, case, actor=env.head, on=day)
    review = submit_and_assign(case, officer=env.officer, reviewer=env.reviewer, on=day)
    do_record_checklist(review, points=all_points(), actor=env.reviewer)
    C.do_record_case_review(review, opinion="pass", actor=env.reviewer, on=day)
    C.do_revise_case_proposal(case, version=case.version, penalties=["warning", "fine"], fine="10000",
                              flags=["complex"], actor=env.officer)
    assert "须重新审核" in refused(C.do_decide_case, case, actor=env.head, on=day)
    handler_reviewer = env.officer2
    assert "不是" in refused(submit_and_assign, case, officer=env.officer, reviewer=handler_reviewer,
                           assigner=env.leader, on=day)


# ---- payment -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("paid_on,surcharge", [
    (dt.date(2026, 9, 20), Decimal("0")),         # within 15 days
    (dt.date(2026, 9, 24), Decimal("600.00")),    # one day late: 3 % of ¥20,000
    (dt.date(2026, 10, 26), Decimal("19800.00")),  # 33 days late: 99 %
    (dt.date(2026, 11, 2), Decimal("20000")),     # 40 days late: capped at the fine
])
def test_late_surcharge_three_percent_a_day_capped_at_the_fine(env, paid_on, surcharge):
    case, day = reach(env, GENERAL, "served")  # served 09-08: 15 days, due 09-23
    assert ob(case, "罚款缴纳期限").due == dt.date(2026, 9, 23)
    C.do_record_case_payment(case, amount="20000", actor=env.officer, on=paid_on)
    payment = case.payments.get()
    assert payment.surcharge_due == surcharge
    assert (ob(case, "罚款缴纳期限").status == Obligation.MET) == (surcharge == 0)


# ---- participants, concurrency -------------------------------------------------------------------------

def test_participants_are_structured_and_id_numbers_checked(env):
    case = new_case(env)
    message = refused(C.do_add_case_participant, case, role="agent", name="周律师", id_number="110105194912310021",
                      actor=env.officer)
    assert "校验位错误" in message
    C.do_add_case_participant(case, role="agent", name="周律师", id_number="11010519491231002X", relation="律师",
                              actor=env.officer)
    assert CaseParticipant.objects.get(case=case).get_role_display() == "委托代理人"


def test_stale_edits_are_conflicts(env):
    case = new_case(env)
    seen = Case.objects.get(pk=case.pk)
    C.do_update_case(case, version=seen.version, facts="现场查获过期食品 12 箱", actor=env.officer)
    message = refused(C.do_update_case, seen, version=seen.version, facts="另一版本", actor=env.officer2,
                      error=Conflict)
    assert "已被他人修改" in message
    C.do_verify_case(case, actor=env.officer, on=D0)
    message = refused(C.do_verify_case, seen, actor=env.officer, on=D0, error=Conflict)
    assert "状态已被他人改为“核查中”" in message


def test_onsite_act_records_certificates_shown_and_what_was_told(env):
    case, day = reach(env, GENERAL, "investigating")
    numbers = [h.certificate.number for h in CaseHandler.objects.filter(case=case)]
    act = C.do_record_onsite_act(case, place="某某超市", certificate_numbers=numbers, told_reason_basis_rights=True,
                                 video_recorded=True, date=day, actor=env.officer)
    assert act.certificate_numbers == sorted(numbers)
    assert "至少两名" in refused(C.do_record_onsite_act, case, place="某某超市", certificate_numbers=numbers[:1],
                                told_reason_basis_rights=True, video_recorded=False, date=day, actor=env.officer)
    assert "告知" in refused(C.do_record_onsite_act, case, place="某某超市", certificate_numbers=numbers,
                            told_reason_basis_rights=False, video_recorded=False, date=day, actor=env.officer)


def test_recusal_removes_the_handler(env):
    case, day = reach(env, GENERAL, "investigating")
    handler = case.handlers.get(person=env.p2)
    recusal = C.do_request_recusal(case, handler, requested_by="当事人张三", reason="与当事人有利害关系",
                                   actor=env.officer, on=day)
    assert "待决定的回避申请" in refused(C.do_conclude_case, case, actor=env.officer, on=day,
                                        **{k: v for k, v in INPUTS["conclude"].items()})
    C.do_decide_recusal(recusal, granted=True, actor=env.head, on=day)
    assert "只有 1 名" in refused(C.do_conclude_case, case, actor=env.officer, on=day, **INPUTS["conclude"])


@pytest.mark.parametrize("address, accepted", [
    ("legal@example.cn", True), ("13812345678", True), ("0731-28881234", True), ("+86 731 2888 1234", True),
    ("not an address", False), ("legal@", False), ("123", False),
])
def test_an_electronic_address_is_an_email_phone_or_fax_number(env, address, accepted):
    """Defect 21: 电子送达 goes to 传真、电子邮件 (行政处罚法第六十一条) or a mobile number named by the party."""
    case = C.do_create_case(env.agency, unit=env.unit, source="complaint", cause="虚假宣传", category="行政处罚",
                            clue_on=D0, actor=env.officer)
    size = LedgerEntry.objects.count()
    if accepted:
        link = C.do_add_case_party(case, env.org_party, electronic_address=address, address_consent_on=D0,
                                   actor=env.officer)
        assert link.electronic_address == address
    else:
        with pytest.raises(RuleViolation) as refused:
            C.do_add_case_party(case, env.org_party, electronic_address=address, address_consent_on=D0,
                                actor=env.officer)
        assert refused.value.field == "electronic_address" and "电子送达地址" in refused.value.message
        assert LedgerEntry.objects.count() == size


def test_an_onsite_case_is_recorded_by_one_of_its_officers(env):
    """Defect 21: an officer registering a 当场处罚 that names two other officers is refused (every later
    step would be refused to them), and nothing is written."""
    third = person_with_cert(env.agency, env.unit, name="孙执法")
    size = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation) as refused:
        C.do_create_onsite_case(env.agency, unit=env.unit, cause="占道经营", category="行政处罚",
                                party=env.person_party, handlers=[env.p2, third], penalties=["warning"],
                                on=D0, actor=env.officer)
    assert refused.value.field == "handlers" and "登记人须是所选执法人员之一" in refused.value.message
    assert LedgerEntry.objects.count() == size


def test_a_returned_review_asks_for_the_reason(env):
    case, day = reach(env, GENERAL, "concluded")
    review = submit_and_assign(case, officer=env.officer, reviewer=env.reviewer, on=day)
    with pytest.raises(RuleViolation) as refused:
        C.do_record_case_review(review, opinion="return", note=" ", actor=env.reviewer, on=day)
    assert refused.value.field == "note" and "退回须写明理由" in refused.value.message


@pytest.mark.parametrize("kind, pointer", [("inspection", "/api/v1/inspections/"), ("coercion", "/measures")])
def test_kinds_opened_elsewhere_say_where(env, kind, pointer):
    with pytest.raises(RuleViolation) as refused:
        C.do_create_case(env.agency, unit=env.unit, kind=kind, source="report", cause="x", category="行政处罚",
                         actor=env.officer)
    assert pointer in refused.value.message and "尚未开放" not in refused.value.message


def test_refusal_reasons_are_joined_without_doubled_punctuation(env):
    """Defect 21: "甲。；乙。" reads badly; the joined message is "甲；乙。"."""
    from sanxiang.workflow import join_reasons

    assert join_reasons(["尚未列明当事人。", "执法人员不得少于两人。"]) == "尚未列明当事人；执法人员不得少于两人。"
    case = new_case(env, handlers=False)
    step(env, GENERAL, case, "verify", D0)
    with pytest.raises(RuleViolation) as refused:
        step(env, GENERAL, case, "file", D0)
    assert "。；" not in refused.value.message


# ---- who may act: the platform administrator is not the agency's officer or leadership --------------------

def sysadmin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("platform-admin", password="x-Pass-2026!")


@pytest.mark.parametrize("state, action, inputs", [
    ("clue", "verify", {}),
    ("investigating", "conclude", INPUTS["conclude"]),
    ("verifying", "file", {}),
    ("notified", "decide", {}),
    ("served", "record_payment", {"amount": "100"}),
])
def test_the_platform_administrator_neither_handles_nor_approves(env, state, action, inputs):
    from sanxiang.workflow import available

    case, day = reach(env, GENERAL, state)
    if action == "decide":
        step(env, GENERAL, case, "waive_rights", day)
    admin = sysadmin()
    option = next(o for o in available(case, admin) if o.action == action)
    assert not option.allowed and "系统管理员不是" in option.reason  # the page does not offer it
    text = refused(C.move_case, case, action, actor=admin, on=day, **inputs)
    assert "系统管理员不是" in text and "行政强制法第十八条" in text


def test_the_platform_administrator_does_not_open_staff_or_review_cases(env):
    case, day = reach(env, GENERAL, "concluded")
    admin = sysadmin()
    assert "登记案件" in refused(C.do_create_case, env.agency, unit=env.unit, source="report", cause="无照经营",
                               category="行政处罚", actor=admin, error=NotPermitted)
    refused(C.do_assign_case_handler, case, env.p1, actor=admin, on=day, error=NotPermitted)
    review = submit_and_assign(case, officer=env.officer, reviewer=env.reviewer, on=day)
    refused(C.do_record_case_review, review, opinion="pass", actor=admin, on=day, error=NotPermitted)


def test_the_platform_administrator_with_a_role_in_the_agency_acts_in_that_role(env):
    admin = sysadmin()
    A.do_assign_role(admin, env.agency, "unit_head", unit=env.unit, actor=OPERATOR)
    case, day = reach(env, GENERAL, "verifying")
    assert C.move_case(case, "file", actor=admin, on=day).status == "filed"


# ---- powers: 行政拘留 only by public security, never against an organisation ------------------------------

@pytest.mark.parametrize("police, party, text", [
    (False, "org", "只能由公安机关决定"),
    (False, "person", "只能由公安机关决定"),
    (True, "org", "不能对法人或者其他组织"),
    (True, "person", None),
])
def test_detention_only_by_public_security_and_only_of_a_natural_person(env, police, party, text):
    from sanxiang.cases import forms as F
    from sanxiang.orgs.models import Agency

    if police:
        Agency.objects.filter(pk=env.agency.pk).update(categories=[*env.agency.categories, "治安管理"])
    case, day = reach(env, GENERAL, "investigating", party=env.org_party if party == "org" else env.person_party)
    form = F.TransitionForm(GENERAL.find("investigating", "conclude"), case=Case.objects.get(pk=case.pk))
    assert ("detention" in dict(form.fields["penalties"].choices)) is police
    inputs = {"penalties": ["detention"], "facts": "经查，当事人扰乱公共秩序。"}
    if text is None:
        assert C.move_case(case, "conclude", actor=env.officer, on=day, **inputs).proposed_penalties == ["detention"]
        return
    assert text in refused(C.move_case, case, "conclude", actor=env.officer, on=day, **inputs)


def test_a_revised_proposal_cannot_add_detention(env):
    case, day = reach(env, GENERAL, "concluded")
    text = refused(C.do_revise_case_proposal, case, version=case.version, penalties=["warning", "detention"],
                   actor=env.officer)
    assert "只能由公安机关决定" in text


# ---- kind, category and source agree ------------------------------------------------------------------

def test_an_onsite_penalty_or_an_inspection_under_another_kinds_category_is_refused(env):
    from sanxiang.cases.kinds import inspection as I

    text = refused(C.do_create_onsite_case, env.agency, unit=env.unit, cause="占道经营", category="行政检查",
                   party=env.person_party, handlers=[env.p1, env.p2], penalties=["warning"], on=D0,
                   actor=env.officer)
    assert "不能用于行政处罚案件" in text
    text = refused(I.do_create_inspection, env.agency, unit=env.unit, source="planned", cause="年度计划检查",
                   party=env.org_party, handlers=[env.p1, env.p2], planned_on=D0, category="行政处罚",
                   actor=env.officer)
    assert "不能用于行政检查案件" in text


def test_the_page_and_the_api_refuse_alike(env, client):
    """Defects 2 and 3 as they were found: the page's 调查终结 by the system administrator, the API's 行政拘留."""
    case, day = reach(env, GENERAL, "investigating", party=env.org_party)
    client.force_login(sysadmin())
    before = snapshot()
    r = client.post(f"/cases/{case.pk}/act/conclude/", {"state": "investigating", "version": str(case.version),
                                                         "penalties": ["warning"], "on": str(day)})
    assert r.status_code == 400 and "系统管理员不是" in r.content.decode()
    client.force_login(env.officer)
    r = client.post(f"/api/v1/cases/{case.pk}/actions/conclude", {"penalties": ["detention"], "on": str(day)},
                    content_type="application/json")
    assert r.status_code == 400 and "只能由公安机关决定" in r.json()["message"]
    assert snapshot() == before


def test_the_case_page_offers_the_administrator_no_forms(env, client):
    case, _ = reach(env, GENERAL, "investigating")
    client.force_login(env.head)
    assert 'id="act-handler"' in client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(sysadmin())
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="act-handler"' not in html and 'id="act-participant"' not in html and "系统管理员不是" in html
