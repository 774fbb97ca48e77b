"""Every write of cases: one `do_<verb>_<noun>(…, *, actor)` per act.

Moves of a case go through its transition table (`workflows.py`, `apply`), which checks the
permission, the state and the law (guards) and appends the ledger entry; the acts here add the
rows (handlers, parties, participants, payments…) and the deadlines a move opens only in some
cases, in the same transaction. Any refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from sanxiang.access.policy import can, is_system
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.core.rows import reload_row
from sanxiang.deadlines import actions as D
from sanxiang.deadlines.models import Obligation
from sanxiang.deadlines.workflows import OBLIGATION
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.orgs.guards import can_enforce
from sanxiang.orgs.models import Certificate, CertificateKind
from sanxiang.workflow import apply_consequence, join_reasons

from . import guards as G
from . import rules as R
from .models import (
    WITHDRAWING_OUTCOMES,
    AppealKind,
    AppealOutcome,
    Case,
    CaseAccess,
    CaseAppeal,
    CaseHandler,
    CaseKind,
    CaseParticipant,
    CaseParty,
    CasePayment,
    CaseStatus,
    NoPenaltyGround,
    OnSiteAct,
    OnSiteActKind,
    ParticipantRole,
    PenaltyType,
    Procedure,
    Recusal,
    ReviewFlag,
    Source,
)
from .workflows import TABLES, _number, table_of

register_actions({
    **{table.ledger_action(t): t.label for table in TABLES.values() for t in table.transitions},
    "create_case": "登记案件线索",
    "create_onsite_case": "当场处罚立案",
    "update_case": "修改案件信息",
    "revise_case_proposal": "修改拟处罚内容",
    "assign_case_handler": "指定承办人",
    "remove_case_handler": "承办人退出",
    "add_case_party": "列明当事人",
    "confirm_case_party_address": "登记送达地址确认书",
    "add_case_participant": "登记案件参与人",
    "record_onsite_act": "记录现场执法",
    "request_recusal": "申请回避",
    "decide_recusal": "作出回避决定",
    "submit_case_review": "提交法制审核",
    "record_case_review": "法制审核意见",
    "record_case_payment": "缴款记录",
    "record_case_appeal": "登记行政复议/行政诉讼",
    "decide_case_appeal": "登记复议决定/裁判结果",
    "mark_case_appeal": "标注复议/诉讼状态",
    "pause_case_time_limit": "案件期限中止计算",
    "resume_case_time_limit": "案件期限恢复计算",
    "create_remade_case": "重新作出决定立案",
})

EDITABLE = {"cause": ("案由", 300), "facts": ("违法事实", 5000), "discretion": ("裁量理由", 5000)}


# ---- kinds with a module of their own (sanxiang/cases/kinds/): opening, inputs, consequences -----

KIND_MODULES = {CaseKind.LICENCE: "licence", CaseKind.CONFIRMATION: "decision", CaseKind.ADJUDICATION: "decision",
                CaseKind.LABOUR_INSPECTION: "labour", CaseKind.INSPECTION_PLAN: "inspection_plan"}


def kind_module(case_or_kind):
    """The module of a case's kind (`opening_problem`, `opened`, `clean`, `consequences`), None for penalties."""
    from importlib import import_module

    name = KIND_MODULES.get(getattr(case_or_kind, "kind", case_or_kind))
    return import_module(f"sanxiang.cases.kinds.{name}") if name else None


# ---- helpers ----------------------------------------------------------------------------------

def _text(value, label, field, max_length, required=True) -> str:
    return inputs.text(value, label=label, field=field, max_length=max_length, required=required,
                       empty="{label}不能为空。")


def _lock(case) -> Case:
    # FOR UPDATE OF the case row only: without `of` the join would lock the agency row too on
    # PostgreSQL (every case of it); the agency and the unit come along because every move asks
    # for them (the owner of its entries and deadlines, the queue they reach).
    return Case.objects.select_related("agency", "unit").select_for_update(of=("self",)).get(pk=case.pk)


def lock_for_move(case) -> Case:
    """`_lock`, with the handlers, their people and certificates read along (2 queries): nearly
    every move's guards ask who handles the case and whether they may enforce."""
    handlers = CaseHandler.objects.select_related("person", "certificate").prefetch_related("person__certificates")
    return (Case.objects.select_related("agency", "unit").select_for_update(of=("self",))
            .prefetch_related(Prefetch("handlers", queryset=handlers)).get(pk=case.pk))


def may_act(actor, action: str, obj) -> bool:
    """`can`, without the platform administrator's pass: cases are handled by the agency's own people
    (`guards.platform_admin_problem`). `obj` is a case or an agency."""
    return can(actor, action, obj) and not G.platform_admin_problem(getattr(obj, "agency", obj), actor)


def _check_version(locked: Case, version) -> None:
    if version is not None and int(version) != locked.version:
        raise Conflict(f"案件{locked.title}已被他人修改（当前第 {locked.version} 版，您看到的是第 {version} 版），"
                       "请刷新后重试。", field="version")


def _obligation(case, kind, states=D.OPEN_STATES):
    return (Obligation.objects.filter(object_type=case.ledger_type(), object_id=str(case.pk), kind=kind,
                                      status__in=states).order_by("-id").first())


def _open(case, kind, rule, start, actor, **period):
    """Open a deadline of the case: in its 承办机构's queue, held by the party or the agency per `kind`."""
    D.do_open_obligation(object_type=case.ledger_type(), object_id=case.pk, agency=case.agency, kind=kind,
                         start=start, rule=rule, units=case.obligation_units(), bearer=R.bearer(kind), actor=actor,
                         **period)


def _approver(actor):
    if is_system(actor) and not getattr(actor, "pk", None):
        return None
    return actor if getattr(actor, "pk", None) else None


def _extend(case, kind, rule, *, actor, reason, on, count=None, unit=None):
    ob = _obligation(case, kind, D.UNSETTLED)  # 延期缴纳 may follow a payment period that ran out
    if ob is None:
        raise RuleViolation(f"本案没有进行中的{kind}，无需延长。", field="action")
    if count is None:
        found = R.period(case, rule, on)
        if found is None:
            raise RuleViolation(f"{case.agency.name}的规则配置不允许延长{kind}。")
        count, unit = found
    D.do_extend_obligation(ob, count=count, unit=unit, approver=_approver(actor), reason=reason, date=on,
                           actor=actor)


def _pause(case, reason, note, on, actor):
    ob = _obligation(case, R.TIME_LIMIT)
    if ob is not None and not ob.paused:
        # The day the limit starts never counts (起算当日不计入), so a pause from that day (a hearing
        # requested on the day of filing) is a pause from the next one.
        start = max(on, ob.start + dt.timedelta(days=1))
        D.do_pause_obligation(ob, start=start, reason=reason, note=note, actor=actor)


def _resume_day(ob, pause, on):
    """A pause moved off the limit's start day (`_pause`) that ends that same day ends where it began."""
    return pause.start if on == ob.start and pause.start == ob.start + dt.timedelta(days=1) else on


def _resume(case, on, actor):
    ob = _obligation(case, R.TIME_LIMIT)
    pause = ob.pauses.filter(end__isnull=True).first() if ob is not None else None
    if pause is not None:
        D.do_resume_obligation(ob, end=_resume_day(ob, pause, on), actor=actor)


def _waive(case, kind, reason, actor):
    ob = _obligation(case, kind, D.UNSETTLED)
    if ob is not None:
        apply_consequence(ob, "waive", actor=actor, table=OBLIGATION, reason=reason)


def _penalties(value) -> list[str]:
    if isinstance(value, str):
        value = [p for p in value.replace("，", ",").split(",") if p.strip()]
    if not isinstance(value, (list, tuple)) or not value:
        raise RuleViolation("须写明处罚种类。", field="penalties")
    unknown = [str(p) for p in value if p not in PenaltyType.values]
    if unknown:
        raise RuleViolation(f"未知的处罚种类：{'、'.join(unknown)}（行政处罚法第九条）。", field="penalties")
    return list(dict.fromkeys(value))


def _flags(value) -> list[str]:
    if isinstance(value, str):
        value = [p for p in value.replace("，", ",").split(",") if p.strip()]
    value = list(value or [])
    unknown = [str(f) for f in value if f not in ReviewFlag.values]
    if unknown:
        raise RuleViolation(f"未知的法制审核情形：{'、'.join(unknown)}。", field="flags")
    return sorted(set(value))


def _proposal(penalties, fine, confiscation, flags) -> dict:
    penalties = _penalties(penalties)
    fine, confiscation = R.as_amount(fine, "fine"), R.as_amount(confiscation, "confiscation")
    if PenaltyType.FINE in penalties and not fine:
        raise RuleViolation("处罚种类含罚款的，须写明罚款数额。", field="fine")
    if PenaltyType.FINE not in penalties and fine:
        raise RuleViolation("处罚种类不含罚款，不应填写罚款数额。", field="fine")
    confiscating = {PenaltyType.CONFISCATE_INCOME, PenaltyType.CONFISCATE_PROPERTY} & set(penalties)
    if not confiscating and confiscation:
        raise RuleViolation("处罚种类不含没收，不应填写没收金额。", field="confiscation")
    return {"penalties": penalties, "fine": fine, "confiscation": confiscation, "flags": _flags(flags)}


def _conclusion(case, penalties, fine, confiscation, flags, ground) -> dict:
    """The proposal of 调查终结 or 修改拟处罚内容: penalties, or — 拟不予行政处罚 — a ground and nothing else
    (decision 0075)."""
    if not ground:
        return {**_proposal(penalties, fine, confiscation, flags), "no_penalty_ground": ""}
    if ground not in NoPenaltyGround.values:
        raise RuleViolation(f"未知的不予行政处罚情形：{ground}（行政处罚法第三十条、第三十一条、第三十三条、第五十七条）。",
                            field="no_penalty_ground")
    if "decide_no_penalty" not in table_of(case).actions():
        raise RuleViolation(f"{table_of(case).label}没有不予行政处罚决定这一步，不能拟不予行政处罚。",
                            field="no_penalty_ground")
    if isinstance(penalties, str):
        penalties = [p for p in penalties.replace("，", ",").split(",") if p.strip()]
    if penalties or R.as_amount(fine, "fine") or R.as_amount(confiscation, "confiscation"):
        raise RuleViolation("拟不予行政处罚的，不应同时拟定处罚种类、罚款或没收金额。", field="penalties")
    return {"penalties": [], "fine": None, "confiscation": None, "flags": _flags(flags), "no_penalty_ground": ground}


def _hearing_date(value_, notice_on):
    """The hearing's date: a future date is the point (unlike the other dates of a move)."""
    found = inputs.day(value_, field="hearing_on", label="听证日期", empty=inputs.REQUIRED,
                       invalid="须写明听证日期（YYYY-MM-DD）。", required="须写明听证日期（YYYY-MM-DD）。")
    if found <= notice_on:
        raise RuleViolation("听证日期须晚于通知日期。", field="hearing_on")
    return found


def _clean(case, action, params: dict) -> dict:
    """Inputs of the API and forms (strings) made the types the guards and effects read."""
    params = dict(params)
    params["on"] = R.as_date(params.get("on"))  # every move takes the day it happened (default today)
    if params["on"] < case.clue_on:
        raise RuleViolation(f"日期 {params['on']:%Y-%m-%d} 早于发现线索之日 {case.clue_on:%Y-%m-%d}。", field="on")
    if action == "conclude":
        params.update(_conclusion(case, params.get("penalties"), params.get("fine"), params.get("confiscation"),
                                  params.get("flags"), params.get("no_penalty_ground") or ""))
    if action == "notify_hearing":
        params["hearing_on"] = _hearing_date(params.get("hearing_on"), params["on"])
    if action in ("record_payment", "collect_on_site"):
        amount = R.as_amount(params.get("amount"), "amount")
        if not amount:
            raise RuleViolation("缴款金额须大于 0。", field="amount")
        params["amount"] = amount
    if action == "approve_deferral":
        try:
            days = int(params.get("days"))
        except (TypeError, ValueError):
            raise RuleViolation("延长天数须为正整数。", field="days") from None
        if not 0 < days <= 3650:
            raise RuleViolation("延长天数须为 1 至 3650 之间的整数。", field="days")
        params["days"] = days
    kind = kind_module(case)
    return kind.clean(case, action, params) if kind else params


# ---- moves of the tables ----------------------------------------------------------------------

def move_case(case, action: str, *, actor, version=None, **params) -> Case:
    """Perform `action` of the case's table with its consequences (the one path every interface uses)."""
    table = table_of(case)
    try:
        with transaction.atomic():
            locked = lock_for_move(case)
            if case.status == locked.status:  # else `apply` names the state someone else moved it to
                _check_version(locked, version)
            params = _clean(locked, action, params)
            on = params.get("on") or timezone.localdate()
            # Every move is a new version, so a form or API call filled in before it is refused as stale
            # (also the moves that keep the state: two sessions registering the same payment).
            locked.version += 1
            moved = table.apply(case, action, actor=actor, locked=locked, **params)
            kind = kind_module(moved)
            (kind.consequences if kind else _consequences)(moved, action, actor=actor, on=on, params=params)
    except IntegrityError:
        raise Conflict("另一用户刚刚为同一机关立案，案号冲突，请重试。", field="number") from None
    reload_row(case)
    case.__dict__.pop("_prefetched_objects_cache", None)
    return case


def _consequences(case, action, *, actor, on, params):
    if action == "verify":  # a clue registered before its limit opened with it
        _open_verification(case, actor)
    elif action == "extend_verification":
        _extend(case, R.VERIFICATION, "cases.verification_extension", actor=actor, reason=params["reason"], on=on)
    elif action == "suspend":
        _pause(case, "中止", params["reason"], on, actor)
    elif action == "resume" or action == "hold_hearing":
        _resume(case, on, actor)
    elif action == "terminate":
        _resume(case, on, actor)
        _waive(case, R.TIME_LIMIT, f"终止调查：{params['reason']}", actor)
        _open(case, R.CLOSING, "cases.closing_limit", on, actor)
    elif action == "notify" and case.hearing_right:
        _open(case, R.HEARING_REQUEST, "cases.hearing_request_window", on, actor)
    elif action == "request_hearing":
        _pause(case, "听证", "当事人申请听证", on, actor)
    elif action == "extend_time_limit":
        reason = params["reason"]
        if params.get("collective_discussion"):
            reason = f"{reason}（经负责人集体讨论）"
        _extend(case, R.TIME_LIMIT, "cases.penalty_time_extension", actor=actor, reason=reason, on=on)
    elif action == "serve":
        if case.decided_fine:
            _open(case, R.PAYMENT, "cases.payment_limit", case.served_on, actor)
        else:
            _open(case, R.CLOSING, "cases.closing_limit", case.served_on, actor)
        _open_appeal_windows(case, actor)
    elif action == "record_payment":
        _payment(case, params, actor)
    elif action == "collect_on_site":
        _payment(case, params, actor)
        _open(case, R.ONSITE_HANDIN, "cases.onsite_collection_handin", on, actor)
    elif action in ("decide", "decide_on_site", "decide_no_penalty") and case.remakes_id:
        D.meet_obligations_of(object_type=case.ledger_type(), object_id=case.remakes_id, kinds=[REMAKING],
                              actor=actor)
    elif action == "approve_deferral":
        _extend(case, R.PAYMENT, "", actor=actor, reason=params["reason"], on=on, count=params["days"], unit="days")
    elif action == "apply_court":
        _waive(case, R.PAYMENT, f"申请人民法院强制执行{('：' + params['note']) if params.get('note') else ''}", actor)
        _open(case, R.CLOSING, "cases.closing_limit", on, actor)


def _payment(case, params, actor):
    paid_on = params["on"]
    surcharge = G.late_surcharge(case, paid_on)
    payment = CasePayment.objects.create(case=case, amount=params["amount"], surcharge_due=surcharge, paid_on=paid_on,
                                         receipt=params.get("receipt") or "", onsite_ground=params.get("onsite_ground") or "")
    append_entry(action="record_case_payment", actor=actor, obj=payment,
                 payload={"case": case.number, "amount": payment.amount, "surcharge_due": surcharge,
                          **({"onsite_ground": payment.onsite_ground} if payment.onsite_ground else {})})
    if case.paid_total >= (case.decided_fine or 0) + surcharge:
        D.meet_obligations_of(object_type=case.ledger_type(), object_id=case.pk, kinds=[R.PAYMENT], actor=actor,
                              states=D.UNSETTLED)  # a fine paid after its period ran out is paid all the same
        if not _obligation(case, R.CLOSING):
            _open(case, R.CLOSING, "cases.closing_limit", paid_on, actor)


def do_verify_case(case, *, actor, on=None):
    """开始核查: the clue is verified within the profile's limit."""
    return move_case(case, "verify", actor=actor, on=on)


def do_extend_case_verification(case, *, reason, actor, on=None):
    return move_case(case, "extend_verification", actor=actor, reason=reason, on=on)


def do_file_case(case, *, actor, on=None):
    """立案: the head files the case; it gets its number and its time limit starts."""
    return move_case(case, "file", actor=actor, on=on)


def do_not_file_case(case, *, reason, actor, on=None):
    return move_case(case, "not_file", actor=actor, reason=reason, on=on)


def do_investigate_case(case, *, actor, on=None):
    return move_case(case, "investigate", actor=actor, on=on)


def do_suspend_case(case, *, reason, actor, on=None):
    """中止调查: the case time limit pauses."""
    return move_case(case, "suspend", actor=actor, reason=reason, on=on)


def do_resume_case(case, *, actor, on=None):
    return move_case(case, "resume", actor=actor, on=on)


def do_terminate_case(case, *, reason, actor, on=None):
    return move_case(case, "terminate", actor=actor, reason=reason, on=on)


def do_conclude_case(case, *, penalties, actor, fine=None, confiscation=None, flags=(), facts="", discretion="",
                     on=None, no_penalty_ground=""):
    """调查终结 with the proposed decision (penalties, or 拟不予行政处罚 with its ground and no penalties)."""
    return move_case(case, "conclude", actor=actor, penalties=penalties, fine=fine, confiscation=confiscation,
                     flags=flags, facts=facts, discretion=discretion, on=on, no_penalty_ground=no_penalty_ground)


def do_reinvestigate_case(case, *, reason, actor, on=None):
    return move_case(case, "reinvestigate", actor=actor, reason=reason, on=on)


def do_notify_case(case, *, actor, on=None):
    """告知: the statement window (and the hearing window where the proposal carries the right) opens."""
    return move_case(case, "notify", actor=actor, on=on)


def do_record_case_statement(case, *, statement, actor, on=None):
    return move_case(case, "record_statement", actor=actor, statement=statement, on=on)


def do_waive_case_rights(case, *, actor, note="", on=None):
    return move_case(case, "waive_rights", actor=actor, note=note, on=on)


def do_request_case_hearing(case, *, actor, on=None):
    return move_case(case, "request_hearing", actor=actor, on=on)


def do_notify_case_hearing(case, *, hearing_on, place, actor, on=None):
    """送达听证通知 on `on` for a hearing on `hearing_on` — at least `cases.hearing_notice_lead` later."""
    return move_case(case, "notify_hearing", actor=actor, hearing_on=hearing_on, place=place, on=on)


def do_hold_case_hearing(case, *, record, actor, on=None):
    return move_case(case, "hold_hearing", actor=actor, record=record, on=on)


def do_decide_case(case, *, actor, on=None, version=None):
    """作出处罚决定 of the current proposal (gated by notice, windows, Art.45 and the legal review)."""
    return move_case(case, "decide", actor=actor, on=on, version=version)


def do_decide_case_no_penalty(case, *, actor, on=None, version=None):
    """作出不予行政处罚决定 on the proposal 拟不予行政处罚 (gated by the legal review like any decision)."""
    return move_case(case, "decide_no_penalty", actor=actor, on=on, version=version)


def do_serve_case(case, *, method, actor, proof="", on=None):
    return move_case(case, "serve", actor=actor, method=method, proof=proof, on=on)


def do_record_case_payment(case, *, amount, actor, receipt="", on=None):
    return move_case(case, "record_payment", actor=actor, amount=amount, receipt=receipt, on=on)


def do_approve_case_deferral(case, *, days, reason, actor, on=None):
    return move_case(case, "approve_deferral", actor=actor, days=days, reason=reason, on=on)


def do_apply_case_court(case, *, actor, note="", on=None):
    return move_case(case, "apply_court", actor=actor, note=note, on=on)


def do_close_case(case, *, actor, note="", on=None):
    return move_case(case, "close", actor=actor, note=note, on=on)


def do_extend_case_time_limit(case, *, reason, actor, collective_discussion="", on=None):
    return move_case(case, "extend_time_limit", actor=actor, reason=reason,
                     collective_discussion=collective_discussion, on=on)


def do_decide_case_on_site(case, *, actor, on=None):
    return move_case(case, "decide_on_site", actor=actor, on=on)


def do_hand_in_case_materials(case, *, actor, on=None):
    return move_case(case, "hand_in_materials", actor=actor, on=on)


# ---- creating a case --------------------------------------------------------------------------

def _check_opening(agency, unit, category, kind, actor, source=None):
    if not may_act(actor, "open_case", agency):
        raise NotPermitted(f"只有“{agency.name}”的执法人员或科室负责人可以登记案件。")
    if unit is None or unit.agency_id != agency.pk:
        raise RuleViolation(f"承办机构须为{agency.name}的科室或所队。", field="unit")
    if kind != CaseKind.PENALTY:
        module = kind_module(kind)
        if module is None:
            label = CaseKind(kind).label if kind in CaseKind.values else kind
            if kind == CaseKind.INSPECTION:
                raise RuleViolation("行政检查请通过“登记行政检查”登记（接口 POST /api/v1/inspections/）。", field="kind")
            if kind == CaseKind.COERCION:
                raise RuleViolation("行政强制措施在所属案件中提请（案件页“提请行政强制措施”，接口 "
                                    "POST /api/v1/coercion/cases/{案件}/measures）。", field="kind")
            raise RuleViolation(f"“{label}”案件的办理流程尚未开放。", field="kind")
        problem = module.opening_problem(agency, kind, source)
        if problem:
            raise RuleViolation(problem, field="kind" if "案源" not in problem else "source")
    if category not in (agency.categories or []):
        known = "、".join(agency.categories or []) or "无"
        raise RuleViolation(f"执法类别“{category}”不在{agency.name}的执法类别（{known}）之中。", field="category")
    problem = G.opening_category_problem(kind, category, source)
    if problem:
        raise RuleViolation(problem, field="source" if "案源" in problem else "category")


@transaction.atomic
def do_create_case(agency, *, unit, source, cause, category, actor, kind=CaseKind.PENALTY, clue_on=None,
                   confidentiality="internal", on_the_spot=False) -> Case:
    """登记线索: a clue of a general-procedure case, handled by `unit`.

    `on_the_spot`: a licence application whose matter may be decided on the spot (行政许可法第三十四条第二款)."""
    _check_opening(agency, unit, category, kind, actor, source)
    if on_the_spot and kind != CaseKind.LICENCE:
        raise RuleViolation("只有行政许可申请可以注明“可当场作出决定”。", field="on_the_spot")
    if source not in Source.values:
        raise RuleViolation(f"未知的案源“{source}”。", field="source")
    cause = _text(cause, "案由", "cause", 300)
    from sanxiang.orgs.marks import Confidentiality

    if confidentiality not in Confidentiality.values:
        raise RuleViolation(f"未知的保密标识“{confidentiality}”。", field="confidentiality")
    initial = TABLES[f"{kind}_{Procedure.GENERAL}"].initial
    case = Case.objects.create(agency=agency, unit=unit, kind=kind, procedure=Procedure.GENERAL, source=source,
                               cause=cause, category=category, status=initial, clue_on=R.as_date(clue_on, "clue_on"),
                               confidentiality=confidentiality, decidable_on_the_spot=bool(on_the_spot),
                               created_at=timezone.now())
    append_entry(action="create_case", actor=actor, obj=case,
                 payload={"cause": cause, "source": source, "category": category, "unit": unit.name,
                          **({"kind": kind} if kind != CaseKind.PENALTY else {}),
                          **({"on_the_spot": True} if on_the_spot else {})})
    module = kind_module(kind)
    if module is not None:
        module.opened(case, actor=actor)
    _open_verification(case, actor)
    return case


def _open_verification(case, actor):
    """案源核查期限 of a penalty clue runs from the day the clue was found or the materials received
    (市场监督管理行政处罚程序规定第十八条), not from the day someone starts checking it."""
    if case.workflow_table() == "penalty_general" and _obligation(case, R.VERIFICATION, D.UNSETTLED) is None:
        _open(case, R.VERIFICATION, "cases.verification_limit", case.clue_on, actor)


def do_create_onsite_case(agency, *, unit, cause, category, party, handlers, penalties, actor, fine=None, on=None,
                          electronic_address="", address_consent_on=None) -> Case:
    """当场处罚立案 (简易程序): the case, its party and its handlers, filed on site.

    `handlers` is a list of `orgs.Person` (their usable certificate is found) or (person, certificate).
    Only a warning or a fine within the profile's amounts for the party's kind (行政处罚法第五十一条).
    """
    try:
        with transaction.atomic():
            _check_opening(agency, unit, category, CaseKind.PENALTY, actor)
            cause = _text(cause, "案由", "cause", 300)
            on = R.as_date(on)
            proposal = _proposal(penalties, fine, None, ())
            case = Case(agency=agency, unit=unit, kind=CaseKind.PENALTY, procedure=Procedure.SIMPLIFIED,
                        source=Source.INSPECTION, cause=cause, category=category, status=CaseStatus.FILED,
                        clue_on=on, filed_on=on, proposed_penalties=proposal["penalties"], proposed_fine=proposal["fine"],
                        created_at=timezone.now())
            _number(case, on)
            case.save()
            append_entry(action="create_onsite_case", actor=actor, obj=case,
                         payload={"cause": cause, "category": category, "unit": unit.name,
                                  "penalties": proposal["penalties"], "fine": proposal["fine"]})
            _add_party(case, party, electronic_address, address_consent_on, actor)
            for h in handlers:
                person, cert = h if isinstance(h, (tuple, list)) else (h, None)
                _assign(case, person, cert, on, False, actor)
            problem = G.simplified_problem(case, case.proposed_penalties, case.proposed_fine)
            if problem:
                raise RuleViolation(problem, field="fine" if "元" in problem else "penalties")
            problems = G.handler_problems(case, on)
            if problems:
                raise RuleViolation(join_reasons(problems), reasons=problems, field="handlers")
            # The one who records it decided it on site: otherwise every later step of the case is theirs
            # to take and would be refused (由本案承办人办理).
            if G.actor_handles(case, actor, on=on):
                raise RuleViolation("当场处罚由在场的执法人员当场作出：登记人须是所选执法人员之一。", field="handlers")
            return case
    except IntegrityError:
        raise Conflict("另一用户刚刚为同一机关立案，案号冲突，请重试。", field="number") from None


# ---- edits (optimistic concurrency through `version`) ------------------------------------------

@transaction.atomic
def do_update_case(case, *, version, actor, **fields) -> Case:
    """修改案由、违法事实、裁量理由、保密标识: refused as a conflict when someone saved meanwhile."""
    locked = _lock(case)
    if not may_act(actor, "change", locked):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以修改案件信息。")
    _check_version(locked, version)
    changes = {}
    for name, value in fields.items():
        if name == "confidentiality":
            from sanxiang.orgs.marks import Confidentiality

            if value not in Confidentiality.values:
                raise RuleViolation(f"未知的保密标识“{value}”。", field=name)
        elif name in EDITABLE:
            label, max_length = EDITABLE[name]
            value = _text(value, label, name, max_length, required=name == "cause")
        else:
            raise RuleViolation(f"不能修改“{name}”。", field=name)
        if getattr(locked, name) != value:
            changes[name] = [getattr(locked, name), value]
            setattr(locked, name, value)
    if not changes:
        return locked
    locked.version += 1
    locked.save()
    append_entry(action="update_case", actor=actor, obj=locked, payload={"changes": changes, "version": locked.version})
    case.refresh_from_db()
    return locked


@transaction.atomic
def do_revise_case_proposal(case, *, version, penalties, actor, fine=None, confiscation=None, flags=(),
                            no_penalty_ground="") -> Case:
    """修改拟处罚内容 after the investigation (a heavier one than notified is refused at decision); with
    `no_penalty_ground` and no penalties: 拟不予行政处罚 (e.g. the party's 陈述申辩 adopted)."""
    locked = _lock(case)
    if not may_act(actor, "change", locked):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以修改拟处罚内容。")
    _check_version(locked, version)
    if locked.procedure != Procedure.GENERAL or locked.status not in (CaseStatus.CONCLUDED, CaseStatus.NOTIFIED):
        raise RuleViolation(f"案件{locked.title}当前为“{locked.status_label}”，不能修改拟处罚内容。", field="status")
    reason = G.actor_handles(locked, actor)
    if reason:
        raise NotPermitted(reason)
    from .review_gate import proposal_change_problem

    problem = proposal_change_problem(locked)
    if problem:
        raise RuleViolation(problem, field="status")
    proposal = _conclusion(locked, penalties, fine, confiscation, flags, no_penalty_ground or "")
    problem = G.penalty_powers_problem(locked, proposal["penalties"])
    if problem:
        raise RuleViolation(problem, field="penalties")
    before = {"penalties": locked.proposed_penalties, "fine": locked.proposed_fine,
              "confiscation": locked.proposed_confiscation, "flags": locked.review_flags,
              "no_penalty_ground": locked.no_penalty_ground}
    locked.proposed_penalties, locked.proposed_fine = proposal["penalties"], proposal["fine"]
    locked.proposed_confiscation, locked.review_flags = proposal["confiscation"], proposal["flags"]
    locked.no_penalty_ground = proposal["no_penalty_ground"]
    locked.version += 1
    locked.save()
    append_entry(action="revise_case_proposal", actor=actor, obj=locked,
                 payload={"before": before, "after": proposal, "version": locked.version})
    case.refresh_from_db()
    return locked


# ---- people around the case -------------------------------------------------------------------

def _usable_certificate(person, category, on):
    for cert in person.certificates.filter(kind=CertificateKind.ENFORCEMENT).order_by("-valid_to"):
        if category in (cert.categories or []) and can_enforce(person, category, on).ok:
            cert.person = person
            from sanxiang.orgs.guards import certificate_usable

            if certificate_usable(cert, on):
                return cert
    return None


def _assign(case, person, certificate, on, lead, actor) -> CaseHandler:
    if person.agency_id != case.agency_id:
        raise RuleViolation(f"{person.name}不是{case.agency.name}的人员。", field="person")
    decision = can_enforce(person, case.category, on)
    if not decision.ok:
        raise RuleViolation(f"{person.name}不能担任承办人：" + "；".join(decision.reasons), reasons=decision.reasons,
                            field="person")
    if certificate is None:
        certificate = _usable_certificate(person, case.category, on)
    elif not isinstance(certificate, Certificate) or certificate.person_id != person.pk:
        raise RuleViolation(f"该执法证不属于{person.name}。", field="certificate")
    else:
        from sanxiang.orgs.guards import certificate_problems

        certificate.person = person
        problems = certificate_problems(certificate, on)
        if case.category not in (certificate.categories or []):
            problems.append(f"执法证 {certificate.number} 的执法类别不含“{case.category}”。")
        if problems:
            raise RuleViolation(join_reasons(problems), reasons=problems, field="certificate")
    if certificate is None:
        raise RuleViolation(f"{person.name}没有可用于“{case.category}”的有效执法证。", field="certificate")
    if case.handlers.filter(person=person, until__isnull=True).exists():
        raise RuleViolation(f"{person.name}已是本案承办人。", field="person")
    if case.recusals.filter(handler__person=person, decision=Recusal.GRANTED).exists():
        raise RuleViolation(f"{person.name}已决定回避本案，不能再担任承办人。", field="person")
    handler = CaseHandler.objects.create(case=case, person=person, certificate=certificate, lead=lead, since=on)
    if person.user_id:
        CaseAccess.objects.get_or_create(case=case, user_id=person.user_id, reason=CaseAccess.HANDLER)
    append_entry(action="assign_case_handler", actor=actor, obj=handler,
                 payload={"case": case.number, "person": person.name, "certificate": certificate.number})
    return handler


@transaction.atomic
def do_assign_case_handler(case, person, *, actor, certificate=None, lead=False, on=None) -> CaseHandler:
    """指定承办人: a person of the agency who may enforce the case's category on that day."""
    case = _lock(case)
    if not may_act(actor, "assign", case):
        raise NotPermitted("只有承办机构的负责人可以指定承办人。")
    if case.status in (CaseStatus.CLOSED, CaseStatus.NOT_FILED, CaseStatus.NOT_ACCEPTED, CaseStatus.DEREGISTERED,
                       CaseStatus.CANCELLED):
        raise RuleViolation(f"案件{case.title}已“{case.status_label}”，不能再指定承办人。", field="status")
    return _assign(case, person, certificate, R.as_date(on), lead, actor)


# 电子送达 to what the party named in the 送达地址确认书: 传真、电子邮件 (行政处罚法第六十一条) or a mobile number.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
PHONE_OR_FAX = re.compile(r"\+?\d[\d\- ]{5,18}\d")


def _service_address(electronic_address, address_consent_on) -> tuple:
    address = _text(electronic_address, "电子送达地址", "electronic_address", 200, required=False)
    if address and not (EMAIL.fullmatch(address) or PHONE_OR_FAX.fullmatch(address)):
        raise RuleViolation(f"电子送达地址“{address}”无效：应为电子邮箱、手机号码或传真号码（行政处罚法第六十一条）。",
                            field="electronic_address")
    consent = R.as_date(address_consent_on, "address_consent_on") if address_consent_on else None
    if consent and not address:
        raise RuleViolation("签署电子送达确认的，须写明电子送达地址。", field="electronic_address")
    return address, consent


@transaction.atomic
def do_confirm_case_party_address(link: CaseParty, *, electronic_address, address_consent_on, actor) -> CaseParty:
    """送达地址确认书 signed after the party was listed: the electronic address it consents to (or none)."""
    case = _lock(link.case)
    if not can(actor, "change", case):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以登记送达地址确认书。")
    if case.status in (CaseStatus.CLOSED, CaseStatus.NOT_FILED):
        raise RuleViolation(f"案件{case.title}当前为“{case.status_label}”，不能再登记送达地址确认书。", field="status")
    address, consent = _service_address(electronic_address, address_consent_on)
    link = CaseParty.objects.select_for_update().get(pk=link.pk)
    link.electronic_address, link.address_consent_on = address, consent
    link.save(update_fields=["electronic_address", "address_consent_on"])
    append_entry(action="confirm_case_party_address", actor=actor, obj=link,
                 payload={"case": case.number, "party": link.party.name, "electronic_consent": bool(consent)})
    return link


def _add_party(case, party, electronic_address, address_consent_on, actor) -> CaseParty:
    if party.agency_id != case.agency_id:
        raise RuleViolation(f"当事人“{party.name}”不是{case.agency.name}登记的当事人。", field="party")
    if case.case_parties.filter(party=party).exists():
        raise RuleViolation(f"“{party.name}”已是本案当事人。", field="party")
    address, consent = _service_address(electronic_address, address_consent_on)
    link = CaseParty.objects.create(case=case, party=party, electronic_address=address, address_consent_on=consent,
                                    added_at=timezone.now())
    append_entry(action="add_case_party", actor=actor, obj=link,
                 payload={"case": case.number, "party": party.name, "electronic_consent": bool(consent)})
    return link


@transaction.atomic
def do_add_case_party(case, party, *, actor, electronic_address="", address_consent_on=None) -> CaseParty:
    """列明当事人, with the electronic address the party consented to in a signed 送达地址确认书 (if any)."""
    case = _lock(case)
    if not may_act(actor, "change", case):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以列明当事人。")
    if case.status not in (CaseStatus.CLUE, CaseStatus.VERIFYING, CaseStatus.FILED, CaseStatus.INVESTIGATING,
                           CaseStatus.APPLIED, CaseStatus.SUPPLEMENT_REQUESTED, CaseStatus.ACCEPTED, CaseStatus.REVIEWING):
        raise RuleViolation(f"案件{case.title}当前为“{case.status_label}”，不能再增加当事人。", field="status")
    return _add_party(case, party, electronic_address, address_consent_on, actor)


@transaction.atomic
def do_add_case_participant(case, *, role, name, actor, id_number="", relation="", phone="",
                            for_party=None) -> CaseParticipant:
    """登记委托代理人、见证人或翻译人员."""
    from sanxiang.parties.identity import check_named_person

    case = _lock(case)
    if not may_act(actor, "change", case):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以登记案件参与人。")
    if role not in ParticipantRole.values:
        raise RuleViolation(f"未知的参与人身份“{role}”。", field="role")
    label = ParticipantRole(role).label
    name, id_number = check_named_person(name, id_number, label=label)
    if for_party is not None and for_party.case_id != case.pk:
        raise RuleViolation("所代理的当事人不是本案当事人。", field="for_party")
    row = CaseParticipant.objects.create(case=case, role=role, name=name, id_number=id_number,
                                         relation=_text(relation, "关系", "relation", 100, required=False),
                                         phone=_text(phone, "电话", "phone", 40, required=False), for_party=for_party)
    append_entry(action="add_case_participant", actor=actor, obj=row, payload={"case": case.number, "role": role})
    return row


def onsite_act_choices(case, on=None) -> list[tuple[str, str]]:
    """The on-site acts an officer of `case` may record on `on`: 现场检查 always; the others (封存, 强制拆除,
    送检样品) only where the agency's 音像记录事项清单 (its profile, records/catalogue.py) names them for a
    case of this kind — 人社 has no 强制拆除 or 送检样品, and a 强制拆除 needs a 限期拆除 decision and its
    公告 first (行政强制法第四十四条), never a 行政检查 or 行政许可."""
    from sanxiang.records import catalogue

    listed = catalogue.catalogue(case.agency, on, case.kind).entries
    out = []
    for key, label in OnSiteActKind.choices:
        if key == OnSiteActKind.INSPECTION:
            out.append((key, label))
        elif key in listed and not (key == OnSiteActKind.DEMOLITION and case.kind in NO_DEMOLITION_KINDS):
            out.append((key, label))
    return out


# 强制拆除 follows a 限期拆除 decision and its 公告 (行政强制法第四十四条): never within these kinds of case.
NO_DEMOLITION_KINDS = ("inspection", "licence", "confirmation", "adjudication", "labour_inspection")


@transaction.atomic
def do_record_onsite_act(case, *, place, certificate_numbers, told_reason_basis_rights, video_recorded, actor,
                         date=None, note="", act=OnSiteActKind.INSPECTION) -> OnSiteAct:
    """现场执法: what was done on site (现场检查, 封存, 强制拆除, 送检样品 — the acts a 音像记录事项清单 names),
    the certificates shown, that reason, basis and rights were told, whether it was filmed."""
    if act not in OnSiteActKind.values:
        raise RuleViolation("请选择现场执法活动的种类（现场检查、封存、强制拆除或送检样品）。", field="act")
    case = _lock(case)
    if not may_act(actor, "change", case):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以记录现场执法。")
    date = R.as_date(date, "date")
    reason = G.actor_handles(case, actor, on=date)
    if reason:
        raise NotPermitted(reason)
    if act not in dict(onsite_act_choices(case, date)):
        label = OnSiteActKind(act).label
        if act == OnSiteActKind.DEMOLITION and case.kind in NO_DEMOLITION_KINDS:
            raise RuleViolation(f"{case.get_kind_display()}案件中不能记录强制拆除：强制拆除须依据限期拆除决定并予公告"
                                "（行政强制法第四十四条）。", field="act")
        raise RuleViolation(f"本机关的音像记录事项清单中没有“{label}”这项现场执法活动，请选择现场检查或清单中的活动。",
                            field="act")
    place = _text(place, "执法地点", "place", 300)
    numbers = [str(n).strip() for n in (certificate_numbers or []) if str(n).strip()]
    handlers = {h.certificate.number: h for h in G.active_handlers(case, date)}
    unknown = [n for n in numbers if n not in handlers]
    if unknown:
        raise RuleViolation(f"出示的执法证 {'、'.join(unknown)} 不是本案承办人当日所持的执法证。",
                            field="certificate_numbers")
    if len(set(numbers)) < 2:
        raise RuleViolation("现场执法须至少两名执法人员出示执法证件（行政处罚法第四十二条、第五十五条）。",
                            field="certificate_numbers")
    problems = G.handler_problems(case, date)
    if problems:
        raise RuleViolation(join_reasons(problems), reasons=problems, field="certificate_numbers")
    if told_reason_basis_rights is not True:
        raise RuleViolation("现场执法须告知当事人执法事由、依据和权利义务（行政执法监督条例第十一条）。",
                            field="told_reason_basis_rights")
    kind = act
    act = OnSiteAct.objects.create(case=case, act=kind, date=date, place=place, certificate_numbers=sorted(set(numbers)),
                                   told_reason_basis_rights=True, video_recorded=bool(video_recorded),
                                   note=_text(note, "备注", "note", 500, required=False))
    append_entry(action="record_onsite_act", actor=actor, obj=act,
                 payload={"case": case.number, "place": place, "video_recorded": act.video_recorded,
                          **({"act": kind} if kind != OnSiteActKind.INSPECTION else {})})
    return act


@transaction.atomic
def do_request_recusal(case, handler, *, requested_by, reason, actor, on=None) -> Recusal:
    """申请回避 (by the party or the handler)."""
    case = _lock(case)
    if not may_act(actor, "change", case):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以登记回避申请。")
    if handler.case_id != case.pk or handler.until is not None:
        raise RuleViolation("被申请回避的人不是本案现任承办人。", field="handler")
    row = Recusal.objects.create(case=case, handler=handler,
                                 requested_by=_text(requested_by, "申请人", "requested_by", 100),
                                 reason=_text(reason, "回避理由", "reason", 500), requested_on=R.as_date(on))
    append_entry(action="request_recusal", actor=actor, obj=row, payload={"case": case.number,
                                                                         "handler": handler.person.name})
    return row


@transaction.atomic
def do_decide_recusal(recusal, *, granted: bool, actor, reason="", on=None) -> Recusal:
    """回避决定 by the head (never a handler of the case); a granted one removes the handler."""
    recusal = Recusal.objects.select_for_update().get(pk=recusal.pk)
    case = recusal.case
    if not may_act(actor, "assign", case):
        raise NotPermitted("回避由承办机构的负责人决定。")
    problem = G.actor_not_handler(case, actor)
    if problem:
        raise NotPermitted(problem)
    if recusal.decision != Recusal.PENDING:
        raise Conflict("该回避申请已作出决定。", field="decision")
    on = R.as_date(on)
    recusal.decision = Recusal.GRANTED if granted else Recusal.REFUSED
    recusal.decided_by, recusal.decided_on = actor if getattr(actor, "pk", None) else None, on
    recusal.decision_reason = _text(reason, "决定理由", "reason", 500, required=not granted)
    recusal.save()
    append_entry(action="decide_recusal", actor=actor, obj=recusal, payload={"granted": bool(granted)})
    if granted:
        handler = recusal.handler
        handler.until = on
        handler.save()
        CaseAccess.objects.filter(case=case, user_id=handler.person.user_id, reason=CaseAccess.HANDLER).delete()
        append_entry(action="remove_case_handler", actor=actor, obj=handler, payload={"reason": "回避"})
    return recusal


# ---- legal review (the procedure is sanxiang/review; the API's one-step calls) -------------------

@transaction.atomic
def do_submit_case_review(case, *, materials, note="", actor, on=None):
    """提交法制审核 from the case: the handling unit states each of the track's materials (provided or,
    optional ones only, not applicable) exactly as `review.procedure.do_submit_review`, which this is.
    The reviewer is not chosen here: 确定审核人员 is the legal office's act (`do_assign_reviewer`).
    Returns the `ReviewRound`."""
    from sanxiang.review.procedure import do_submit_review

    return do_submit_review(case, materials=materials, note=note, actor=actor, on=on)


@transaction.atomic
def do_record_case_review(review, *, opinion, actor, note="", return_grounds=(), on=None):
    """法制审核意见 in two words (the cases API): 同意 (pass) or 退回 (return, with the reason in `note`),
    recorded as the track's agree kind or its first other kind (sanxiang/review `do_record_opinion`)."""
    from sanxiang.review.procedure import do_record_pass_or_return

    return do_record_pass_or_return(review, opinion=opinion, note=note, return_grounds=return_grounds, actor=actor,
                                    on=on)


# ---- 行政复议 / 行政诉讼 ---------------------------------------------------------------------------

# The states after a decision the party may challenge (行政复议法 2023 第十一条, 行政诉讼法第十二条: 行政处罚, 行政强制,
# 行政许可 — granted or refused, and the licence it issued —, 确认/裁决 and 劳动保障监察的处理决定; s23 decision 0083).
# A licence 撤销 or 注销 is a new act of its own (the grant is no longer what would be challenged): not here.
APPEALABLE = (CaseStatus.DECIDED, CaseStatus.SERVED, CaseStatus.EXECUTING, CaseStatus.COURT, CaseStatus.CLOSED,
              CaseStatus.GRANTED, CaseStatus.REFUSED, CaseStatus.LICENSED, CaseStatus.EXTENDING)
WITHDRAWAL = "撤下已公开决定"
REMAKING = "重新作出行政处罚决定"
# The party's windows a served decision opens (行政复议法 2023 第二十条; 行政诉讼法 第四十六条).
APPEAL_WINDOWS = {AppealKind.RECONSIDERATION: (R.RECONSIDERATION_WINDOW, "cases.reconsideration_period"),
                  AppealKind.LITIGATION: (R.LITIGATION_WINDOW, "cases.litigation_period")}
# 撤销、部分撤销 may order remaking (行政复议法第六十四条, 行政诉讼法第七十条); 责令重新作出 always does.
MAY_ORDER_REMAKING = {AppealOutcome.REVOKED, AppealOutcome.PARTLY_REVOKED, AppealOutcome.REMAKE}


def _open_appeal_windows(case, actor):
    """From the day the decision is served (the party knows it) the party may apply for 行政复议
    (60 days) or sue (6 months); both are the party's periods, so they expire, never run late."""
    for kind, rule in APPEAL_WINDOWS.values():
        _open(case, kind, rule, case.served_on, actor)


def _mark_appeal(case, pending, actor):
    """The case row changes too (复议/诉讼中), so it gets its own entry (`sanxiang verify` compares rows)."""
    case.appeal_pending = pending
    case.version += 1
    case.save(update_fields=["appeal_pending", "version"])
    append_entry(action="mark_case_appeal", actor=actor, obj=case,
                 payload={"number": case.number, "appeal_pending": pending, "version": case.version})


# A measure taken (行政强制法第十八条 实施) is an act the party may challenge, whether or not it still holds.
TAKEN_MEASURES = ("in_force", "testing", "emergency", "released", "disposed")


def _appealed_measure(case, measure):
    from .models import CoerciveMeasure

    pk = getattr(measure, "pk", measure)
    found = CoerciveMeasure.objects.filter(case=case, pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise RuleViolation("本案没有该行政强制措施。", field="measure")
    if found.status not in TAKEN_MEASURES or found.implemented_on is None:
        raise RuleViolation(f"该{found.get_kind_display()}措施当前为“{found.get_status_display()}”，尚未实施，"
                            "不能登记行政复议或行政诉讼。", field="measure")
    return found


def _decision_word(case) -> str:
    return {"penalty": "处罚决定", "labour_inspection": "处罚决定", "licence": "许可决定"}.get(case.kind, "决定")


def _optional_date(value_, field):
    return R.as_date(value_, field, empty=None)


@transaction.atomic
def do_record_case_appeal(case, *, kind, body, applied_on, actor, accepted_on=None, note="",
                          measure=None) -> CaseAppeal:
    """登记行政复议申请或行政诉讼: the case shows 复议/诉讼中 until the outcome is recorded. Against the case's
    decision, or (`measure`) against a 行政强制措施 of the case once it was taken (decision 0083)."""
    case = _lock(case)
    if not may_act(actor, "change", case):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以登记行政复议或行政诉讼。")
    if measure not in (None, ""):
        measure = _appealed_measure(case, measure)
        decided_on, what = measure.implemented_on, f"{measure.get_kind_display()}措施实施"
    elif case.status not in APPEALABLE or case.decided_on is None:
        raise RuleViolation(f"案件{case.title}当前为“{case.status_label}”，尚未作出决定，不能登记行政复议或行政诉讼。",
                            field="status")
    else:
        measure, decided_on, what = None, case.decided_on, _decision_word(case)
    if kind not in AppealKind.values:
        raise RuleViolation(f"未知的救济途径“{kind}”，应为行政复议或行政诉讼。", field="kind")
    label = AppealKind(kind).label
    body = _text(body, "复议机关" if kind == AppealKind.RECONSIDERATION else "受理法院", "body", 200)
    applied_on = R.as_date(applied_on, "applied_on")
    if applied_on < decided_on:
        raise RuleViolation(f"申请日期 {applied_on:%Y-%m-%d} 早于{what}日期 {decided_on:%Y-%m-%d}。",
                            field="applied_on")
    accepted_on = _optional_date(accepted_on, "accepted_on")
    if accepted_on and accepted_on < applied_on:
        raise RuleViolation("受理日期不能早于申请日期。", field="accepted_on")
    if case.appeals.filter(outcome="").exists():
        raise Conflict(f"案件{case.title}已有尚未终结的行政复议或行政诉讼，请先登记其结果。", field="kind")
    appeal = CaseAppeal.objects.create(case=case, kind=kind, body=body, applied_on=applied_on, accepted_on=accepted_on,
                                       note=_text(note, "备注", "note", 1000, required=False), measure=measure)
    payload = {"case": case.number, "kind": label, "body": body, "applied_on": applied_on}
    if measure is not None:
        payload["measure"] = f"{measure.get_kind_display()}（{measure.implemented_on:%Y-%m-%d}）"
    append_entry(action="record_case_appeal", actor=actor, obj=appeal, payload=payload)
    _mark_appeal(case, True, actor)
    if measure is not None:
        return appeal  # the windows the decision's service opened are the decision's, not the measure's
    # The party used the window: it is met (an application after it expired leaves it 已届满).
    D.meet_obligations_of(object_type=case.ledger_type(), object_id=case.pk, kinds=[APPEAL_WINDOWS[kind][0]],
                          actor=actor)
    return appeal


@transaction.atomic
def do_decide_case_appeal(appeal, *, outcome, decided_on, actor, accepted_on=None, remake_days=None,
                          note="", received_on=None) -> CaseAppeal:
    """登记复议决定或裁判结果. 撤销、部分撤销、变更、确认违法、确认无效、责令重新作出 open the deadline to take
    the published decision down (行政处罚法第四十八条); 责令重新作出 also the period the decision set for remaking.
    A 复议决定 opens the party's 15 days to sue from `received_on` (收到复议决定书, default the decision day)."""
    appeal = CaseAppeal.objects.select_for_update().get(pk=appeal.pk)
    case = _lock(appeal.case)
    if not may_act(actor, "change", case):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以登记复议决定或裁判结果。")
    if not appeal.pending:
        raise Conflict(f"该{appeal.get_kind_display()}已登记结果“{appeal.get_outcome_display()}”。", field="outcome")
    if outcome not in AppealOutcome.values:
        raise RuleViolation(f"未知的结果“{outcome}”。", field="outcome")
    decided_on = R.as_date(decided_on, "decided_on")
    accepted_on = _optional_date(accepted_on, "accepted_on") or appeal.accepted_on
    if accepted_on and accepted_on < appeal.applied_on:
        raise RuleViolation("受理日期不能早于申请日期。", field="accepted_on")
    if decided_on < (accepted_on or appeal.applied_on):
        raise RuleViolation(f"结果日期 {decided_on:%Y-%m-%d} 早于申请或受理日期。", field="decided_on")
    if outcome == AppealOutcome.REMAKE or (outcome in MAY_ORDER_REMAKING and remake_days not in (None, "")):
        try:
            remake_days = int(remake_days)
        except (TypeError, ValueError):
            raise RuleViolation("责令重新作出的，须写明决定书规定的重新作出期限（天数）。", field="remake_days") from None
        if not 0 < remake_days <= 3650:
            raise RuleViolation("重新作出期限须为 1 至 3650 之间的天数。", field="remake_days")
    else:
        remake_days = None  # only these outcomes order remaking
    received_on = _litigation_start(appeal, outcome, decided_on, received_on)
    appeal.outcome, appeal.decided_on, appeal.accepted_on = outcome, decided_on, accepted_on
    appeal.note = "\n".join(filter(None, [appeal.note, _text(note, "备注", "note", 500, required=False)]))[:1000]
    appeal.save()
    append_entry(action="decide_case_appeal", actor=actor, obj=appeal,
                 payload={"case": case.number, "outcome": appeal.get_outcome_display(), "decided_on": decided_on})
    _mark_appeal(case, False, actor)
    if outcome in WITHDRAWING_OUTCOMES:
        _open(case, WITHDRAWAL, "publicity.withdrawal_deadline", decided_on, actor)
    if isinstance(remake_days, int) and appeal.measure_id is None:  # a measure is not remade as a penalty is
        _open(case, REMAKING, "", decided_on, actor, count=remake_days, unit="days",
              note=f"{appeal.get_kind_display()}：{appeal.body}")
    if received_on is not None:
        _open_litigation_after_reconsideration(case, appeal, received_on, actor)
    if outcome in WITHDRAWING_OUTCOMES:
        from .revocation import decision_revoked

        decision_revoked(case, appeal, actor=actor)
    return appeal


# 行政诉讼法 第四十五条: after a 复议决定 the party may sue within 15 days of receiving it.
LITIGATION_AFTER_RECONSIDERATION = "cases.litigation_after_reconsideration"


def _litigation_start(appeal, outcome, decided_on, received_on):
    """The day the party's window to sue after a 复议决定 starts, or None when none opens: a court's
    judgment, or a 复议 withdrawn or terminated (no 复议决定; the window of 第四十六条 runs on)."""
    if appeal.kind != AppealKind.RECONSIDERATION:
        if received_on not in (None, ""):
            raise RuleViolation("收到决定书日期只适用于复议决定（据以计算起诉期限）。", field="received_on")
        return None
    received_on = _optional_date(received_on, "received_on") or decided_on
    if received_on < decided_on:
        raise RuleViolation(f"收到复议决定书日期 {received_on:%Y-%m-%d} 早于复议决定日期 {decided_on:%Y-%m-%d}。",
                            field="received_on")
    return None if outcome == AppealOutcome.WITHDRAWN else received_on


def _open_litigation_after_reconsideration(case, appeal, received_on, actor):
    """The party's 提起行政诉讼期限 from receiving the 复议决定书; the six months of 第四十六条 still running
    since service no longer govern (the suit now follows the 复议), so they are waived with that reason.
    A 诉讼 recorded later meets it (`do_record_case_appeal`)."""
    superseded = Obligation.objects.select_for_update().filter(
        object_type=case.ledger_type(), object_id=str(case.pk), kind=R.LITIGATION_WINDOW, status=Obligation.OPEN)
    for ob in superseded:
        apply_consequence(ob, "waive", actor=actor, table=OBLIGATION,
                          reason="已经行政复议：起诉期限自收到复议决定书之日起计算（行政诉讼法第四十五条）")
    _open(case, R.LITIGATION_WINDOW, LITIGATION_AFTER_RECONSIDERATION, received_on, actor,
          note=f"不服{appeal.body}的复议决定（{appeal.get_outcome_display()}），自收到复议决定书之日起算")


def remaking_due(case) -> bool:
    """An outcome ordered the decision remade and no new case does it yet."""
    return _obligation(case, REMAKING) is not None and not case.remade_by.exists()


@transaction.atomic
def do_create_remade_case(case, *, actor, cause="", on=None) -> Case:
    """重新作出: a new case (a clue of the same unit, parties and category) that `remakes` the one whose
    decision a 复议/诉讼 outcome ordered remade. The old case keeps its decision, its file and its
    publication record (withdrawn by the publicity issue); the new one is handled afresh — verification,
    filing, investigation, notice with the party's rights again — and its decision meets the old case's
    remaking deadline. (行政诉讼法第七十一条: not the same decision on the same facts and reasons.)"""
    old = _lock(case)
    if not may_act(actor, "open_case", old.agency) or not may_act(actor, "change", old):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以重新立案。")
    if old.remade_by.exists():
        raise Conflict(f"案件{old.title}已登记重新作出的案件。", field="case")
    if _obligation(old, REMAKING) is None:
        raise RuleViolation(f"案件{old.title}没有被责令重新作出的决定（或已重新作出）。", field="case")
    cause = _text(cause or f"重新作出：{old.cause}", "案由", "cause", 300)
    new = Case.objects.create(agency=old.agency, unit=old.unit, kind=old.kind, procedure=Procedure.GENERAL,
                              source=old.source, cause=cause, category=old.category, status=CaseStatus.CLUE,
                              clue_on=R.as_date(on), confidentiality=old.confidentiality, created_at=timezone.now(),
                              remakes=old)
    append_entry(action="create_remade_case", actor=actor, obj=new,
                 payload={"cause": cause, "remakes": old.number, "unit": old.unit.name})
    for link in old.case_parties.select_related("party"):
        _add_party(new, link.party, link.electronic_address, link.address_consent_on, actor)
    _open_verification(new, actor)
    return new


# ---- pauses of the case time limit (检测、检验、检疫、鉴定; 公告) ---------------------------------------

# 市场监督管理行政处罚程序规定 第六十四条: these periods do not count towards the case time limit; Art.18:
# 检测、检验、检疫、鉴定 do not count towards the verification limit either.
# 权利人辨认或者鉴别 likewise (Art.64, Art.18); 责令退还多收价款 the case time limit (Art.64).
PAUSE_REASONS = {"检测检验检疫鉴定": (R.TIME_LIMIT, R.VERIFICATION), "权利人辨认鉴别": (R.TIME_LIMIT, R.VERIFICATION),
                 "公告": (R.TIME_LIMIT,), "责令退款": (R.TIME_LIMIT,)}


def _running_limit(case, kinds):
    for kind in kinds:
        ob = _obligation(case, kind)
        if ob is not None:
            return ob
    return None


@transaction.atomic
def do_pause_case_time_limit(case, *, reason, note, actor, on=None):
    """检测、检验、检疫、鉴定 or 公告 begins: the case's running limit (办案期限, or 案源核查期限 for
    检测/鉴定 during verification) stops counting from `on`."""
    case = _lock(case)
    if not may_act(actor, "change", case):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以登记期限中止。")
    problem = G.actor_handles(case, actor)
    if problem:
        raise NotPermitted(problem)
    if reason not in PAUSE_REASONS:
        raise RuleViolation(f"“{reason}”不是可以中止办案期限的事由（检测、检验、检疫、鉴定，权利人辨认或者鉴别，"
                            "公告，责令退还多收价款）。", field="reason")
    note = _text(note, "具体情况", "note", 300)
    on = R.as_date(on)
    ob = _running_limit(case, PAUSE_REASONS[reason])
    if ob is None:
        kinds = "或".join(PAUSE_REASONS[reason])
        raise RuleViolation(f"案件{case.title}当前没有正在计算的{kinds}，无需中止。", field="reason")
    start = max(on, ob.start + dt.timedelta(days=1))  # as `_pause`: the start day never counts
    pause = D.do_pause_obligation(ob, start=start, reason=reason, note=note, actor=actor)  # refusals: DeadlineError
    append_entry(action="pause_case_time_limit", actor=actor, obj=case,
                 payload={"number": case.number, "deadline": ob.kind, "reason": reason, "note": note, "on": on})
    return pause


@transaction.atomic
def do_resume_case_time_limit(case, *, actor, on=None):
    """检测、检验、检疫、鉴定 or 公告 ended: the paused limit counts again from `on`."""
    case = _lock(case)
    if not may_act(actor, "change", case):
        raise NotPermitted("只有本科室的执法人员、本案承办人或科室负责人可以登记期限恢复。")
    problem = G.actor_handles(case, actor)
    if problem:
        raise NotPermitted(problem)
    on = R.as_date(on)
    for kind in (R.TIME_LIMIT, R.VERIFICATION):
        ob = _obligation(case, kind)
        pause = ob.pauses.filter(end__isnull=True).first() if ob else None
        if pause is not None and pause.reason in PAUSE_REASONS:
            break
    else:
        raise RuleViolation(f"案件{case.title}没有因检测鉴定、辨认鉴别、公告或责令退款而中止的期限。", field="on")
    D.do_resume_obligation(ob, end=_resume_day(ob, pause, on), actor=actor)
    append_entry(action="resume_case_time_limit", actor=actor, obj=case,
                 payload={"number": case.number, "deadline": ob.kind, "reason": pause.reason, "on": on})
    return ob
