"""行政许可 (`licence_general`): from the application to the certificate, and the licence's later life.

行政许可法: 申请 → 受理 (or 一次告知补正, Art.32: otherwise deemed accepted from receipt) / 不予受理 →
审查 (Art.34 on-site verification by two staff; Art.36 interested parties heard) ⇄ 听证 (Art.46–48) and
检验检测鉴定专家评审 (Art.45: not counted) → 准予 / 不予许可 (Art.38, Art.42: 20 + 10 working days from
acceptance) → 颁发许可证件 (Art.44: within 10 working days) → 已发证. A granted licence's later moves stay on
the same case (one row per licence, its whole history on one timeline): 变更 (Art.49), 延续 (Art.50: applied
30 days before expiry, decided before it, else deemed granted), 撤销 (Art.69), 注销 (Art.70).
当场决定 (Art.34 第二款): an application registered as decidable on the spot, its materials complete, is
granted the day they were received. 撤回申请: the applicant withdraws before the decision → 终止办理, the
licence deadlines end unmet (waived), nothing decided.
Every period is a `cases.licence_*` profile value (Art.82: working days).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.core import inputs
from sanxiang.core.errors import RuleViolation
from sanxiang.workflow import Opens, Param, Table, Transition, register

from .. import guards as G
from .. import rules as R
from ..models import Case, CaseKind, CaseStatus, DecisionOutcome, Source
from ..workflows import (
    HEAD,
    HEARING_HOST,
    NOTE,
    OFFICER,
    ON,
    REASON,
    SERVE_PARAMS,
    _number,
    _start,
    close_effect,
    end_effect,
    hearing_effect,
    hearing_notice_effect,
    serve_effect,
    statement_effect,
)

S = CaseStatus
ACCEPTANCE = "许可受理期限"
DECISION = "许可决定期限"
HEARING_WINDOW = "许可听证申请期"
HEARING_ORGANISE = "组织听证期限"
CERTIFICATE = "许可证件颁发期限"
EXTENSION_DECISION = "许可延续决定期限"
REMEDIES = "申请人享有依法申请行政复议或者提起行政诉讼的权利（行政许可法第三十八条第二款）"


# ---- shared by the kinds of this package ------------------------------------------------------

def obligation(case, kind):
    from sanxiang.deadlines.actions import OPEN_STATES
    from sanxiang.deadlines.models import Obligation

    return (Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk), kind=kind,
                                      status__in=OPEN_STATES).order_by("-id").first())


def last_obligation(case, kind):
    from sanxiang.deadlines.models import Obligation

    return (Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk), kind=kind)
            .order_by("-id").first())


def open_obligation(case, kind, *, actor, start, rule="", count=None, unit=None, note=""):
    from sanxiang.deadlines.actions import do_open_obligation

    return do_open_obligation(object_type=case.ledger_type(), object_id=case.pk, agency=case.agency, kind=kind,
                              start=start, rule=rule, count=count, unit=unit, note=note, actor=actor)


def pause(case, kind, reason, note, on, actor):
    from sanxiang.deadlines.actions import do_pause_obligation

    ob = obligation(case, kind)
    if ob is not None and not ob.pauses.filter(end__isnull=True).exists():
        do_pause_obligation(ob, start=on, reason=reason, note=note, actor=actor)


def resume(case, kind, on, actor):
    from sanxiang.deadlines.actions import do_resume_obligation

    ob = obligation(case, kind)
    if ob is not None and ob.pauses.filter(end__isnull=True).exists():
        do_resume_obligation(ob, end=on, actor=actor)


def extend(case, kind, rule, *, actor, reason, on):
    from sanxiang.deadlines.actions import do_extend_obligation

    ob = obligation(case, kind)
    if ob is None:
        raise RuleViolation(f"本案没有进行中的{kind}，无需延长。", field="action")
    found = R.period(case, rule, on)
    if found is None:
        raise RuleViolation(f"{case.agency.name}的规则配置不允许延长{kind}。")
    approver = actor if getattr(actor, "pk", None) else None
    do_extend_obligation(ob, count=found[0], unit=found[1], approver=approver, reason=reason, date=on, actor=actor)


def end_deadlines(case, reason, actor):
    """Every unsettled deadline of the case ends unmet (免除): the matter is no longer handled."""
    from sanxiang.deadlines.actions import UNSETTLED
    from sanxiang.deadlines.models import Obligation
    from sanxiang.deadlines.workflows import OBLIGATION
    from sanxiang.workflow import apply_consequence

    for ob in Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk), status__in=UNSETTLED):
        apply_consequence(ob, "waive", actor=actor, table=OBLIGATION, reason=reason)


def due_date(case, rule, start):
    from sanxiang.deadlines.engine import compute_due
    from sanxiang.deadlines.queries import get_calendar

    count, unit = R.period(case, rule, start)
    return compute_due(start, count, unit, calendar=get_calendar()).due


def later_date(value, field, label, after):
    """A date that may lie in the future (a validity's end, a rectification deadline), after `after`."""
    value = inputs.day(value, field=field, label=label, empty=None)
    if value is None:
        return None
    if value <= after:
        raise RuleViolation(f"{label}须晚于 {after:%Y-%m-%d}。", field=field)
    return value


def _day(on):
    return G._day(on)


def _decided(case, actor, on, outcome, content):
    case.decision_outcome, case.decision_content = outcome, content or ""
    case.decided_on = on or timezone.localdate()
    case.decided_by = actor if getattr(actor, "pk", None) and hasattr(actor, "people") else None


# ---- guards -----------------------------------------------------------------------------------
# Guards about a day check the move's own date; asked without one (`available()`), they let the form be
# offered, since the move may be recorded for an earlier day — the move itself is checked with its date.

def supplement_in_time(case, actor, on=None, **params):
    """补正须在收到申请材料后的期限内一次告知全部内容（行政许可法第三十二条）"""
    if case.supplement_requested_on:
        return "已一次告知需要补正的全部内容，不能再次要求补正（行政许可法第三十二条：一次告知）。"
    ob = last_obligation(case, ACCEPTANCE)
    if on is not None and ob is not None and _day(on) > ob.due:
        return (f"补正告知期限已于 {ob.due:%Y-%m-%d} 届满：逾期不告知的，自收到申请材料之日起即为受理"
                "（行政许可法第三十二条），应当受理。")
    return None


def hearing_right_not_told(case, actor, **params):
    """尚未告知听证权利"""
    if case.hearing_right:
        return "已告知申请人、利害关系人享有听证的权利。"
    return None


def hearing_not_held(case, actor, **params):
    """本申请尚未举行听证"""
    if case.hearing_held_on:
        return "本申请已举行听证。"
    return None


def hearing_requestable(case, actor, on=None, **params):
    """已告知听证权利，且在听证申请期内（行政许可法第四十七条）"""
    if case.hearing_held_on:
        return "本申请已举行听证。"
    if not case.hearing_right:
        return "尚未告知听证权利：直接涉及申请人与他人之间重大利益关系的，先告知申请人、利害关系人享有听证的权利。"
    ob = last_obligation(case, HEARING_WINDOW)
    if on is not None and ob is not None and _day(on) > ob.due:
        return f"听证申请期已于 {ob.due:%Y-%m-%d} 届满（行政许可法第四十七条：被告知听证权利之日起五日内提出）。"
    return None


def hearing_window_over(case, actor, on=None, **params):
    """听证申请期已届满（告知听证权利的）"""
    ob = obligation(case, HEARING_WINDOW)
    if ob is not None and ob.due >= _day(on):
        return f"{HEARING_WINDOW}至 {ob.due:%Y-%m-%d} 届满，届满前不能作出决定（行政许可法第四十七条）。"
    return None


def _earliest_hearing(case, notice_on):
    count, unit = R.period(case, "cases.licence_hearing_notice_lead", notice_on)
    words = f"{count} 个工作日" if unit == "workdays" else f"{count} 日"
    return due_date(case, "cases.licence_hearing_notice_lead", notice_on), words


def hearing_within_organise_limit(case, actor, on=None, hearing_on=None, **params):
    """申请听证的，在组织听证期限内举行（行政许可法第四十七条：收到申请之日起二十日内组织听证）"""
    ob = obligation(case, HEARING_ORGANISE)
    if ob is None or hearing_on is None:
        return None  # a hearing the agency ordered itself (第四十六条) has no such limit
    # Noticed too late to keep the limit, the hearing is held on the first day the notice allows (late, and shown so).
    latest = max(ob.due, _earliest_hearing(case, _day(on))[0])
    if hearing_on > latest:
        return (f"{HEARING_ORGANISE}至 {ob.due:%Y-%m-%d} 届满（行政许可法第四十七条：应当在收到听证申请之日起二十日内"
                f"组织听证），听证不能安排在 {hearing_on:%Y-%m-%d}，最晚于 {latest:%Y-%m-%d} 举行。")
    return None


def licence_notice_lead_kept(case, actor, on=None, hearing_on=None, **params):
    """听证日期不早于通知后的许可听证通知提前期（cases.licence_hearing_notice_lead）"""
    if hearing_on is None:
        return None
    earliest, words = _earliest_hearing(case, _day(on))
    if hearing_on < earliest:
        return (f"应当于举行听证的 {words}前通知申请人、利害关系人（行政许可法第四十八条）：{_day(on):%Y-%m-%d} "
                f"通知的，听证最早于 {earliest:%Y-%m-%d} 举行。")
    return None


def licence_notice_served(case, actor, on=None, **params):
    """已通知听证的时间、地点，且举行日不早于通知提前期届满"""
    if not case.hearing_notice_on:
        return "尚未通知听证的时间、地点（行政许可法第四十八条）。"
    earliest, words = _earliest_hearing(case, case.hearing_notice_on)
    if _day(on) < earliest:
        return f"听证通知于 {case.hearing_notice_on:%Y-%m-%d} 送达，须满 {words}，最早于 {earliest:%Y-%m-%d} 举行。"
    return None


def decidable_on_the_spot(case, actor, on=None, **params):
    """申请事项可以当场作出决定，且当日收到齐全的申请材料（行政许可法第三十四条第二款）"""
    if not case.decidable_on_the_spot:
        return ("登记申请时未注明该事项可以当场作出决定：应当受理，并在法定期限内审查后作出决定"
                "（行政许可法第三十四条第二款：申请材料齐全、符合法定形式，能够当场作出决定的，才当场作出书面决定）。")
    ob = last_obligation(case, ACCEPTANCE)
    complete_on = ob.start if ob is not None else case.clue_on
    if on is not None and _day(on) != complete_on:
        return (f"齐全的申请材料于 {complete_on:%Y-%m-%d} 收到，当场作出决定须在当日；"
                f"{_day(on):%Y-%m-%d} 已不是当场，应当受理后审查决定。")
    return None


def decision_extension_lawful(case, actor, on=None, **params):
    """许可决定期限届满前经负责人批准，只能延长一次（行政许可法第四十二条）"""
    if R.period(case, "cases.licence_decision_extension") is None:
        return f"{case.agency.name}的规则配置不允许延长许可决定期限。"
    if case.time_limit_extensions >= 1:
        return "许可决定期限已延长过一次（行政许可法第四十二条：可以延长十日）。"
    if obligation(case, DECISION) is None:
        return "本申请没有进行中的许可决定期限。"
    return G.expired_problem(case, DECISION, on, "行政许可法第四十二条")


def has_validity(case, actor, **params):
    """许可定有有效期"""
    if not case.licence_valid_until:
        return "该许可未定有效期，无需延续。"
    return None


def extension_applied_in_time(case, actor, on=None, **params):
    """延续申请在有效期届满三十日前提出（行政许可法第五十条）"""
    if not case.licence_valid_until or on is None:
        return None
    count, unit = R.period(case, "cases.licence_extension_application_lead")
    latest = case.licence_valid_until - dt.timedelta(days=count)
    if _day(on) > latest:
        return (f"许可有效期至 {case.licence_valid_until:%Y-%m-%d}，延续申请应当在届满 {count} 日前、即 "
                f"{latest:%Y-%m-%d} 以前提出（行政许可法第五十条）。")
    return None


def before_expiry(case, actor, on=None, **params):
    """在许可有效期届满前作出延续决定"""
    if on is not None and case.licence_valid_until and _day(on) > case.licence_valid_until:
        return (f"许可有效期已于 {case.licence_valid_until:%Y-%m-%d} 届满，逾期未作决定的视为准予延续"
                "（行政许可法第五十条），应登记“视为准予延续”。")
    return None


def expiry_passed(case, actor, on=None, **params):
    """有效期届满仍未作出延续决定（视为准予延续）"""
    if on is not None and case.licence_valid_until and _day(on) <= case.licence_valid_until:
        return f"许可有效期至 {case.licence_valid_until:%Y-%m-%d}，届满前应当作出是否准予延续的决定。"
    return None


def change_review_passed(case, actor, on=None, **params):
    """依法须经法制审核的变更许可决定，审核已通过（本机关法制审核目录清单）"""
    return G.decision_review_passed(case, "change", on)


def extension_review_passed(case, actor, on=None, **params):
    """依法须经法制审核的延续许可决定（准予或不予延续），审核已通过（本机关法制审核目录清单）"""
    return G.decision_review_passed(case, "extension", on)


def revocation_review_passed(case, actor, on=None, **params):
    """依法须经法制审核的撤销许可决定，审核已通过（本机关法制审核目录清单）"""
    return G.decision_review_passed(case, "revocation", on)


def deregistration_review_passed(case, actor, on=None, **params):
    """依法须经法制审核的注销许可决定，审核已通过（本机关法制审核目录清单）"""
    return G.decision_review_passed(case, "deregistration", on)


# ---- effects ----------------------------------------------------------------------------------

def accept_effect(case, actor, on=None, **params):
    on = on or timezone.localdate()
    ob = last_obligation(case, ACCEPTANCE)
    # 行政许可法第三十二条: not told within the period to supplement → accepted from the day of receipt.
    deemed = not case.supplement_requested_on and ob is not None and on > ob.due
    case.accepted_on = case.clue_on if deemed else on
    _number(case, case.accepted_on)
    case.number = "许" + case.number[1:]
    # 当场受理 (Art.32(5)): accepted the day the complete materials were received.
    on_the_spot = not deemed and ob is not None and on == ob.start
    return {"number": case.number, "accepted_on": case.accepted_on, "deemed": deemed, "on_the_spot": on_the_spot}


def on_the_spot_effect(case, actor, on=None, content="", **params):
    """受理 and 准予 in one act, the day the complete materials were received (行政许可法第三十四条第二款)."""
    on = on or timezone.localdate()
    case.accepted_on = on
    _number(case, on)
    case.number = "许" + case.number[1:]
    _decided(case, actor, on, DecisionOutcome.GRANTED, content)
    return {"number": case.number, "accepted_on": on, "outcome": DecisionOutcome.GRANTED.label, "on_the_spot": True}


def withdraw_effect(case, actor, on=None, requested_by="", reason="", **params):
    case.closed_on = on or timezone.localdate()
    case.end_reason = f"{requested_by}申请撤回：{reason}" if reason else f"{requested_by}申请撤回"
    return {"requested_by": requested_by}


def supplement_effect(case, actor, on=None, materials="", **params):
    case.supplement_requested_on, case.supplement_materials = on or timezone.localdate(), materials
    return None


def inform_hearing_effect(case, actor, on=None, **params):
    case.hearing_right, case.notified_on = True, on or timezone.localdate()
    return None


def hearing_request_effect(case, actor, on=None, **params):
    case.hearing_requested_on = on or timezone.localdate()
    return None


def grant_effect(case, actor, on=None, content="", **params):
    _decided(case, actor, on, DecisionOutcome.GRANTED, content)
    return {"outcome": DecisionOutcome.GRANTED.label}


def refuse_effect(case, actor, on=None, reason="", **params):
    _decided(case, actor, on, DecisionOutcome.REFUSED, reason)
    return {"outcome": DecisionOutcome.REFUSED.label, "remedies": REMEDIES}


def issue_effect(case, actor, on=None, licence_number="", valid_until=None, **params):
    case.certificate_issued_on = on or timezone.localdate()
    case.licence_number, case.licence_valid_from, case.licence_valid_until = licence_number, case.decided_on, valid_until
    return {"licence_number": licence_number, "valid_until": valid_until}


def change_effect(case, actor, on=None, content="", **params):
    case.licence_changes = [*case.licence_changes, {"on": (on or timezone.localdate()).isoformat(), "content": content}]
    return None


def apply_extension_effect(case, actor, on=None, **params):
    case.extension_applied_on = on or timezone.localdate()
    return {"valid_until": case.licence_valid_until}


def grant_extension_effect(case, actor, on=None, valid_until=None, **params):
    before, case.licence_valid_until = case.licence_valid_until, valid_until
    return {"valid_until": [before, valid_until]}


def deem_extension_effect(case, actor, on=None, **params):
    """视为准予延续: the licence runs for another term of the same length."""
    before = case.licence_valid_until
    term = before - (case.licence_valid_from or case.certificate_issued_on or before)
    case.licence_valid_until = before + max(term, dt.timedelta(days=1))
    return {"valid_until": [before, case.licence_valid_until], "deemed": True}


def revoke_effect(case, actor, on=None, reason="", **params):
    case.revoked_on, case.end_reason = on or timezone.localdate(), reason
    return None


def deregister_effect(case, actor, on=None, reason="", **params):
    case.deregistered_on, case.end_reason = on or timezone.localdate(), reason
    return None


def extension_count_effect(case, actor, **params):
    case.time_limit_extensions += 1
    return {"extensions": case.time_limit_extensions}


# ---- the table --------------------------------------------------------------------------------

STAFF = (G.actor_handles,)
HEAD_GUARDS = (G.actor_not_handler,)
HEARING_PARAMS = {**ON, "hearing_on": Param("听证日期", text=False), "place": Param("听证地点", max_length=300)}
DECIDING = (S.ACCEPTED, S.REVIEWING)

# Before the decision: the applicant may withdraw (撤回申请 → 终止办理).
UNDECIDED = (S.APPLIED, S.SUPPLEMENT_REQUESTED, S.ACCEPTED, S.REVIEWING, S.ASSESSING, S.HEARING)
LICENCE_STATES = [S.APPLIED, S.SUPPLEMENT_REQUESTED, S.NOT_ACCEPTED, S.ACCEPTED, S.REVIEWING, S.ASSESSING, S.HEARING,
                  S.GRANTED, S.REFUSED, S.SERVED, S.CLOSED, S.LICENSED, S.EXTENDING, S.REVOKED, S.DEREGISTERED,
                  S.WITHDRAWN]

LICENCE_GENERAL = register(Table(
    name="licence_general", label="行政许可", model=Case, state_field="status",
    states={s.value: s.label for s in LICENCE_STATES}, initial=S.APPLIED,
    subject=lambda case: f"许可申请 {case.number}" if case.number else "该许可申请",
    payload=lambda case: {"number": case.number, "status": case.status},
    transitions=[
        Transition("accept", S.APPLIED, S.ACCEPTED, "受理", roles=OFFICER, params=ON,
                   guards=(*STAFF, G.has_party), effect=accept_effect, closes=(ACCEPTANCE,),
                   opens=(Opens(DECISION, rule="cases.licence_decision_limit", start=lambda c, p: c.accepted_on),)),
        Transition("request_supplement", S.APPLIED, S.SUPPLEMENT_REQUESTED, "一次告知补正", roles=OFFICER,
                   params={**ON, "materials": Param("需要补正的全部内容", max_length=2000)},
                   guards=(*STAFF, supplement_in_time), effect=supplement_effect, closes=(ACCEPTANCE,)),
        Transition("receive_supplement", S.SUPPLEMENT_REQUESTED, S.APPLIED, "收到补正材料", roles=OFFICER, params=ON,
                   guards=STAFF, opens=(Opens(ACCEPTANCE, rule="cases.licence_acceptance_limit", start=_start),)),
        Transition("not_accept", (S.APPLIED, S.SUPPLEMENT_REQUESTED), S.NOT_ACCEPTED, "不予受理", roles=HEAD,
                   params=REASON, guards=HEAD_GUARDS, effect=end_effect, closes=(ACCEPTANCE,)),
        Transition("start_review", S.ACCEPTED, S.REVIEWING, "开始审查", roles=OFFICER, params=ON, guards=STAFF),
        Transition("verify_on_site", S.REVIEWING, S.REVIEWING, "实地核查", roles=OFFICER,
                   params={**ON, "place": Param("核查地点", max_length=300),
                           "findings": Param("核查情况", max_length=2000)},
                   guards=(*STAFF, G.two_qualified_handlers)),
        Transition("notify_interested", S.REVIEWING, S.REVIEWING, "告知利害关系人", roles=OFFICER,
                   params={**ON, "interested": Param("利害关系人", max_length=500),
                           "note": Param("告知情况", required=False, max_length=500)}, guards=STAFF),
        Transition("record_statement", S.REVIEWING, S.REVIEWING, "记录陈述申辩", roles=OFFICER,
                   params={**ON, "statement": Param("陈述申辩内容", max_length=5000)}, guards=STAFF,
                   effect=statement_effect),
        Transition("inform_hearing_right", S.REVIEWING, S.REVIEWING, "告知听证权利", roles=OFFICER, params=ON,
                   guards=(*STAFF, hearing_right_not_told), effect=inform_hearing_effect,
                   opens=(Opens(HEARING_WINDOW, rule="cases.licence_hearing_request_window", start=_start),)),
        Transition("order_hearing", S.REVIEWING, S.HEARING, "决定举行听证", roles=HEAD, params=REASON,
                   guards=(*HEAD_GUARDS, hearing_not_held)),
        Transition("request_hearing", S.REVIEWING, S.HEARING, "申请听证", roles=OFFICER, params=ON,
                   guards=(*STAFF, hearing_requestable), effect=hearing_request_effect, closes=(HEARING_WINDOW,),
                   opens=(Opens(HEARING_ORGANISE, rule="cases.licence_hearing_organise_limit", start=_start),)),
        Transition("notify_hearing", S.HEARING, S.HEARING, "送达听证通知", roles=OFFICER, params=HEARING_PARAMS,
                   guards=(*STAFF, licence_notice_lead_kept, hearing_within_organise_limit),
                   effect=hearing_notice_effect),
        Transition("hold_hearing", S.HEARING, S.REVIEWING, "举行听证", roles=HEARING_HOST,
                   params={**ON, "record": Param("听证情况", max_length=5000)},
                   guards=(G.actor_not_handler, licence_notice_served), effect=hearing_effect,
                   closes=(HEARING_ORGANISE,)),
        Transition("start_assessment", S.REVIEWING, S.ASSESSING, "检验检测鉴定或专家评审", roles=OFFICER,
                   params={**ON, "matter": Param("事项（已书面告知申请人所需时间）", max_length=500)}, guards=STAFF),
        Transition("finish_assessment", S.ASSESSING, S.REVIEWING, "检验检测鉴定或专家评审完毕", roles=OFFICER, params=ON,
                   guards=STAFF),
        *[Transition("extend_decision", state, state, "延长许可决定期限", roles=HEAD,
                     params={**ON, "reason": Param("延长理由（告知申请人）", max_length=500)},
                     guards=(*HEAD_GUARDS, decision_extension_lawful), effect=extension_count_effect)
          for state in DECIDING],
        Transition("grant", S.REVIEWING, S.GRANTED, "准予行政许可", roles=HEAD, approval=True,
                   params={**ON, "content": Param("许可内容", required=False, max_length=2000)},
                   guards=(*HEAD_GUARDS, G.has_party, hearing_window_over, G.review_passed), effect=grant_effect,
                   closes=(DECISION, HEARING_WINDOW),
                   opens=(Opens(CERTIFICATE, rule="cases.licence_certificate_limit", start=_start),)),
        Transition("refuse", S.REVIEWING, S.REFUSED, "不予行政许可", roles=HEAD, approval=True,
                   params={**ON, "reason": Param("不予许可的理由", max_length=2000)},
                   guards=(*HEAD_GUARDS, hearing_window_over, G.review_passed), effect=refuse_effect,
                   closes=(DECISION, HEARING_WINDOW)),
        Transition("issue_certificate", S.GRANTED, S.LICENSED, "颁发许可证件", roles=OFFICER,
                   params={**ON, "licence_number": Param("许可证件编号", max_length=100),
                           "valid_until": Param("有效期至", required=False, text=False)},
                   guards=STAFF, effect=issue_effect, closes=(CERTIFICATE,)),
        Transition("serve", S.REFUSED, S.SERVED, "送达", roles=OFFICER, params=SERVE_PARAMS,
                   guards=(*STAFF, G.service_lawful), effect=serve_effect),
        Transition("close", S.SERVED, S.CLOSED, "结案", roles=HEAD, approval=True, params=NOTE, guards=HEAD_GUARDS,
                   effect=close_effect),
        Transition("change_licence", S.LICENSED, S.LICENSED, "变更许可", roles=HEAD,
                   params={**ON, "content": Param("变更事项", max_length=1000)}, guards=(*HEAD_GUARDS, change_review_passed),
                   effect=change_effect),
        Transition("apply_extension", S.LICENSED, S.EXTENDING, "申请延续", roles=OFFICER, params=ON,
                   guards=(*STAFF, has_validity, extension_applied_in_time), effect=apply_extension_effect),
        Transition("grant_extension", S.EXTENDING, S.LICENSED, "准予延续", roles=HEAD, approval=True,
                   params={**ON, "valid_until": Param("延续后有效期至", text=False)},
                   guards=(*HEAD_GUARDS, before_expiry, extension_review_passed), effect=grant_extension_effect, closes=(EXTENSION_DECISION,)),
        Transition("refuse_extension", S.EXTENDING, S.LICENSED, "不予延续", roles=HEAD, approval=True, params=REASON,
                   guards=(*HEAD_GUARDS, before_expiry, extension_review_passed), closes=(EXTENSION_DECISION,)),
        Transition("deem_extension", S.EXTENDING, S.LICENSED, "视为准予延续", roles=OFFICER, params=ON,
                   guards=(*STAFF, expiry_passed), effect=deem_extension_effect, closes=(EXTENSION_DECISION,)),
        Transition("revoke", S.LICENSED, S.REVOKED, "撤销许可", roles=HEAD,
                   params={**ON, "reason": Param("撤销理由和依据", max_length=1000)}, guards=(*HEAD_GUARDS, revocation_review_passed),
                   effect=revoke_effect),
        Transition("deregister", (S.LICENSED, S.REVOKED), S.DEREGISTERED, "注销许可", roles=HEAD, params=REASON,
                   guards=(*HEAD_GUARDS, deregistration_review_passed), effect=deregister_effect),
        # 当场作出书面的行政许可决定 (Art.34 第二款) and 申请人撤回申请 (终止办理)
        Transition("decide_on_the_spot", S.APPLIED, S.GRANTED, "当场作出准予许可决定", roles=HEAD,
                   params={**ON, "content": Param("许可内容", required=False, max_length=2000)},
                   guards=(*HEAD_GUARDS, G.has_party, decidable_on_the_spot, G.review_passed),
                   effect=on_the_spot_effect, closes=(ACCEPTANCE,),
                   opens=(Opens(CERTIFICATE, rule="cases.licence_certificate_limit", start=_start),)),
        Transition("withdraw_application", UNDECIDED, S.WITHDRAWN, "申请人撤回申请", roles=OFFICER,
                   params={**ON, "requested_by": Param("提出撤回的申请人或其代理人", max_length=100),
                           "reason": Param("撤回理由", required=False, max_length=500)},
                   guards=STAFF, effect=withdraw_effect),
    ],
))

TABLES = {"licence_general": LICENCE_GENERAL}


# ---- the hooks `actions.py` calls for this kind -----------------------------------------------

def opening_problem(agency, kind, source):
    if "行政许可" not in (agency.categories or []):
        return f"{agency.name}没有行政许可职能，不能登记行政许可申请。"
    if source != Source.APPLICATION:
        return "行政许可依申请办理：案源应为“申请”。"
    return None


def opened(case, *, actor):
    """The application was received (`clue_on`): 受理 or 一次告知补正 within the profile's period."""
    open_obligation(case, ACCEPTANCE, actor=actor, start=case.clue_on, rule="cases.licence_acceptance_limit")


def clean(case, action, params):
    on = params["on"]
    if action == "issue_certificate":
        params["valid_until"] = later_date(params.get("valid_until"), "valid_until", "有效期", on)
    if action == "grant_extension":
        after = max(on, case.licence_valid_until or on)
        params["valid_until"] = later_date(params.get("valid_until"), "valid_until", "延续后的有效期", after)
        if params["valid_until"] is None:
            raise RuleViolation("须写明延续后的有效期。", field="valid_until")
    return params


def consequences(case, action, *, actor, on, params):
    if action == "request_hearing":
        pause(case, DECISION, "听证", "申请人、利害关系人申请听证（行政许可法第四十五条）", on, actor)
    elif action == "order_hearing":
        pause(case, DECISION, "听证", f"行政机关决定举行听证：{params['reason']}", on, actor)
    elif action == "start_assessment":
        pause(case, DECISION, "other", f"检验、检测、检疫、鉴定或专家评审（行政许可法第四十五条）：{params['matter']}",
              on, actor)
    elif action in ("hold_hearing", "finish_assessment"):
        resume(case, DECISION, on, actor)
    elif action == "extend_decision":
        extend(case, DECISION, "cases.licence_decision_extension", actor=actor, reason=params["reason"], on=on)
    elif action == "withdraw_application":
        end_deadlines(case, f"申请人撤回申请，终止办理（{case.end_reason}）", actor)
    elif action == "apply_extension":
        days = (case.licence_valid_until - on).days
        open_obligation(case, EXTENSION_DECISION, actor=actor, start=on, count=days, unit="days",
                        note="有效期届满前作出是否准予延续的决定（行政许可法第五十条）")


# ---- actions -----------------------------------------------------------------------------------

def _move(case, action, **kwargs):
    from ..actions import move_case

    return move_case(case, action, **kwargs)


def do_accept_licence(case, *, actor, on=None):
    """受理 (deemed from receipt when the supplement notice came too late); the decision period starts."""
    return _move(case, "accept", actor=actor, on=on)


def do_request_licence_supplement(case, *, materials, actor, on=None):
    return _move(case, "request_supplement", actor=actor, materials=materials, on=on)


def do_receive_licence_supplement(case, *, actor, on=None):
    return _move(case, "receive_supplement", actor=actor, on=on)


def do_not_accept_licence(case, *, reason, actor, on=None):
    return _move(case, "not_accept", actor=actor, reason=reason, on=on)


def do_start_licence_review(case, *, actor, on=None):
    return _move(case, "start_review", actor=actor, on=on)


def do_verify_licence_on_site(case, *, place, findings, actor, on=None):
    return _move(case, "verify_on_site", actor=actor, place=place, findings=findings, on=on)


def do_inform_licence_hearing_right(case, *, actor, on=None):
    return _move(case, "inform_hearing_right", actor=actor, on=on)


def do_request_licence_hearing(case, *, actor, on=None):
    return _move(case, "request_hearing", actor=actor, on=on)


def do_grant_licence(case, *, actor, content="", on=None):
    return _move(case, "grant", actor=actor, content=content, on=on)


def do_refuse_licence(case, *, reason, actor, on=None):
    return _move(case, "refuse", actor=actor, reason=reason, on=on)


def do_issue_licence_certificate(case, *, licence_number, actor, valid_until=None, on=None):
    return _move(case, "issue_certificate", actor=actor, licence_number=licence_number, valid_until=valid_until, on=on)


def do_change_licence(case, *, content, actor, on=None):
    return _move(case, "change_licence", actor=actor, content=content, on=on)


def do_apply_licence_extension(case, *, actor, on=None):
    return _move(case, "apply_extension", actor=actor, on=on)


def do_revoke_licence(case, *, reason, actor, on=None):
    return _move(case, "revoke", actor=actor, reason=reason, on=on)


def do_deregister_licence(case, *, reason, actor, on=None):
    return _move(case, "deregister", actor=actor, reason=reason, on=on)


# ---- demo --------------------------------------------------------------------------------------

DEMO_ITEMS = {"pingluo-commerce": "成品油零售经营许可"}


def demo_case(loader, kind, cause, ago, party, *, source=Source.APPLICATION, category=None, on_the_spot=False):
    """A case of `kind` received `ago` days ago, with its party and the loader's two handlers."""
    from .. import actions as C

    agency = loader.agency
    # A licence is handled under 行政许可 (the demo officers' certificates cover it, orgs/demo.py); a 行政确认 or
    # 行政裁决 under the agency's field, never another kind's name (guards.KIND_CATEGORIES).
    category = category or ("行政许可" if kind == CaseKind.LICENCE else
                            next(c for c in ("劳动保障监察", "市场监督管理", "商务执法") if c in (agency.categories or [])))
    case = C.do_create_case(agency, unit=loader.unit, kind=kind, source=source, cause=cause, category=category,
                            clue_on=loader.day(ago), on_the_spot=on_the_spot, actor=loader.officer_user)
    C.do_add_case_party(case, party, actor=loader.officer_user)
    C.do_assign_case_handler(case, loader.officer, lead=True, on=loader.day(ago), actor=loader.head_user)
    C.do_assign_case_handler(case, loader.second, on=loader.day(ago), actor=loader.head_user)
    return case


def demo_licence(loader) -> int:
    """行政许可 demo cases of an agency with the licensing function (the SAMR agencies, the commerce bureau):
    a new application, one under review past its 20 working days, one waiting for the head's decision, one in
    a hearing the applicant asked for, a granted licence with its certificate, one granted on the spot and one
    the applicant withdrew."""
    if "行政许可" not in (loader.agency.categories or []):
        return 0
    item = DEMO_ITEMS.get(loader.agency.code, "食品经营许可")
    demo_case(loader, CaseKind.LICENCE, f"{item}（新办申请）", 1, loader.org)
    loader.run(demo_case(loader, CaseKind.LICENCE, f"{item}（新办，超期未决）", 42, loader.person),
               [("accept", 42, {}), ("start_review", 41, {})])
    loader.run(demo_case(loader, CaseKind.LICENCE, f"{item}（待负责人决定）", 12, loader.org),
               [("accept", 12, {}), ("start_review", 11, {}),
                ("verify_on_site", 10, {"place": "申请人经营场所", "findings": "场所布局、设施设备符合要求"})])
    loader.run(demo_case(loader, CaseKind.LICENCE, f"{item}（相邻住户申请听证）", 14, loader.org),
               [("accept", 14, {}), ("start_review", 13, {}), ("inform_hearing_right", 12, {}),
                ("request_hearing", 10, {})])
    valid_until = (loader.today.replace(year=loader.today.year + 5)).isoformat()
    loader.run(demo_case(loader, CaseKind.LICENCE, f"{item}（已发证）", 60, loader.org),
               [("accept", 60, {}), ("start_review", 59, {}),
                ("verify_on_site", 57, {"place": "申请人经营场所", "findings": "符合条件"}),
                ("grant", 50, {"content": f"准予{item}"}),
                ("issue_certificate", 45, {"licence_number": f"JY1{loader.agency.pk:05d}0000001",
                                           "valid_until": valid_until})])
    loader.run(demo_case(loader, CaseKind.LICENCE, f"{item}（变更经营项目，当场办结）", 20, loader.org, on_the_spot=True),
               [("decide_on_the_spot", 20, {"content": f"准予{item}（当场决定）"}),
                ("issue_certificate", 20, {"licence_number": f"JY1{loader.agency.pk:05d}0000002",
                                           "valid_until": valid_until})])
    loader.run(demo_case(loader, CaseKind.LICENCE, f"{item}（申请人撤回）", 30, loader.person),
               [("accept", 29, {}), ("start_review", 28, {}),
                ("withdraw_application", 25, {"requested_by": "申请人本人", "reason": "经营场所另行选址"})])
    return 7
