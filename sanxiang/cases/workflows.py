"""The transition tables of cases (状态流转表): 行政处罚 普通程序 and 简易程序（当场处罚）.

Each move names who may take it, the law it checks (guards.py) and the deadlines it opens and
meets. Conditional deadlines (a hearing window only when the notice carried the right to a
hearing, the payment deadline only when there is a fine) and pauses are opened by the actions
(actions.py) in the same transaction.
"""

from dataclasses import replace

from django.utils import timezone

from sanxiang.orgs.models import Role
from sanxiang.workflow import Opens, Param, Table, Transition, obligations_met, register

from . import guards as G
from . import rules as R
from .kinds import coercion as coercion_kind  # 行政强制: its table, and the guard of 结案
from .models import Case, CaseStatus

S = CaseStatus
OFFICER = (Role.OFFICER,)
HEAD = (Role.UNIT_HEAD, Role.AGENCY_LEADER)  # 负责人: approvals never by a handler (actor_not_handler)
HEARING_HOST = (Role.REVIEWER, Role.UNIT_HEAD, Role.AGENCY_LEADER)

ON = {"on": Param("日期", required=False, text=False)}
REASON = {**ON, "reason": Param("理由", max_length=500)}
NOTE = {**ON, "note": Param("说明", required=False, max_length=500)}


def _start(case, params):
    return params.get("on") or timezone.localdate()


def _number(case, on):
    """案号: per agency and year, in filing order (the unique constraint catches a concurrent filing)."""
    last = (Case.objects.filter(agency_id=case.agency_id, number_year=on.year).exclude(pk=case.pk)
            .order_by("-number_seq").values_list("number_seq", flat=True).first()) or 0
    case.number_year, case.number_seq = on.year, last + 1
    prefix = "简" if case.procedure == "simplified" else "立"
    case.number = f"{prefix}〔{on.year}〕{case.number_seq:04d}号"


def file_effect(case, actor, on=None, **params):
    on = on or timezone.localdate()
    case.filed_on = on
    _number(case, on)
    return {"number": case.number}


def end_effect(case, actor, reason="", **params):
    case.end_reason = reason
    return None


def conclude_effect(case, actor, penalties=(), fine=None, confiscation=None, flags=(), facts="", discretion="",
                    no_penalty_ground="", **params):
    case.proposed_penalties, case.proposed_fine, case.proposed_confiscation = list(penalties), fine, confiscation
    case.no_penalty_ground = no_penalty_ground or ""
    case.review_flags = list(flags or [])
    if facts:
        case.facts = facts
    if discretion:
        case.discretion = discretion
    return None


def notify_effect(case, actor, on=None, **params):
    on = on or timezone.localdate()
    case.notified_penalties = list(case.proposed_penalties)
    case.notified_fine, case.notified_confiscation = case.proposed_fine, case.proposed_confiscation
    case.notified_on = on
    case.hearing_right = G.hearing_right(case, case.proposed_penalties, case.proposed_fine,
                                         case.proposed_confiscation, on)
    return {"penalties": case.notified_penalties, "fine": case.notified_fine,
            "confiscation": case.notified_confiscation, "hearing_right": case.hearing_right}


def statement_effect(case, actor, on=None, statement="", **params):
    case.statement_on, case.statement = on or timezone.localdate(), statement
    return None


def waive_effect(case, actor, on=None, **params):
    case.rights_waived_on = on or timezone.localdate()
    return None


def hearing_request_effect(case, actor, on=None, **params):
    case.hearing_requested_on = on or timezone.localdate()
    return None


def hearing_notice_effect(case, actor, on=None, hearing_on=None, place="", **params):
    case.hearing_notice_on, case.hearing_on = on or timezone.localdate(), hearing_on
    return {"hearing_on": hearing_on, "place": place}


def hearing_effect(case, actor, on=None, **params):
    case.hearing_held_on = on or timezone.localdate()
    return None


def decide_effect(case, actor, on=None, **params):
    case.decided_penalties = list(case.proposed_penalties)
    case.decided_fine, case.decided_confiscation = case.proposed_fine, case.proposed_confiscation
    case.decided_on = on or timezone.localdate()
    case.decided_by = actor if getattr(actor, "pk", None) and hasattr(actor, "people") else None
    return {"penalties": case.decided_penalties, "fine": case.decided_fine,
            "confiscation": case.decided_confiscation}


def no_penalty_effect(case, actor, on=None, **params):
    """不予行政处罚决定: the decision names no penalty; the ground stays the proposal's (decision 0075)."""
    case.decided_penalties, case.decided_fine, case.decided_confiscation = [], None, None
    case.decided_on = on or timezone.localdate()
    case.decided_by = actor if getattr(actor, "pk", None) and hasattr(actor, "people") else None
    return {"penalties": [], "no_penalty_ground": case.no_penalty_ground}


def onsite_decide_effect(case, actor, on=None, **params):
    extra = decide_effect(case, actor, on=on)
    return extra


def serve_effect(case, actor, on=None, method="", proof="", **params):
    on = on or timezone.localdate()
    case.service_method, case.service_proof, case.service_started_on = method, proof, on
    if method == "announcement":
        from sanxiang.deadlines.engine import compute_due
        from sanxiang.deadlines.queries import get_calendar

        count, unit = R.period(case, "cases.announcement_service_period", on)
        case.served_on = compute_due(on, count, unit, calendar=get_calendar()).due  # deemed served
    else:
        case.served_on = on
    return {"served_on": case.served_on}


def payment_effect(case, actor, amount=None, **params):
    case.paid_total = (case.paid_total or 0) + (amount or 0)
    return {"paid_total": case.paid_total}


def close_effect(case, actor, on=None, note="", **params):
    case.closed_on, case.closing_note = on or timezone.localdate(), note or ""
    return None


def extension_effect(case, actor, collective_discussion="", **params):
    case.time_limit_extensions += 1
    if collective_discussion:
        case.collective_discussion = "\n".join(filter(None, [case.collective_discussion, collective_discussion]))
    return {"extensions": case.time_limit_extensions}


CONCLUDE_PARAMS = {**ON, "penalties": Param("处罚种类", required=False, text=False), "fine": Param("罚款数额", required=False, text=False),
                   "confiscation": Param("没收金额", required=False, text=False),
                   "flags": Param("法制审核情形", required=False, text=False),
                   "no_penalty_ground": Param("拟不予行政处罚的情形", required=False, max_length=24),
                   "facts": Param("违法事实", required=False, max_length=5000),
                   "discretion": Param("裁量理由", required=False, max_length=5000)}
SERVE_PARAMS = {**ON, "method": Param("送达方式", max_length=16), "proof": Param("送达凭证", required=False)}
PAYMENT_PARAMS = {**ON, "amount": Param("缴款金额", text=False), "receipt": Param("缴款凭证号", required=False, max_length=100)}
# 当场收缴 (行政处罚法第六十八条至第七十条): the ground, and the number of the 专用票据 handed to the party.
ONSITE_PARAMS = {**ON, "amount": Param("收缴金额", text=False), "onsite_ground": Param("当场收缴情形", max_length=16),
                 "receipt": Param("专用票据号码", max_length=100), "note": Param("具体情况", required=False, max_length=500)}
EXTENSION_PARAMS = {**REASON, "collective_discussion": Param("集体讨论情况", required=False, max_length=2000)}
# States in which the case time limit runs and may be extended.
RUNNING = (S.FILED, S.INVESTIGATING, S.SUSPENDED, S.CONCLUDED, S.NOTIFIED, S.HEARING)
HANDLING = (G.actor_handles, G.two_qualified_handlers)

PENALTY_GENERAL_STATES = [S.CLUE, S.VERIFYING, S.NOT_FILED, S.FILED, S.INVESTIGATING, S.SUSPENDED, S.TERMINATED,
                          S.CONCLUDED, S.NOTIFIED, S.HEARING, S.DECIDED, S.SERVED, S.EXECUTING, S.COURT, S.CLOSED]

PENALTY_GENERAL = register(Table(
    name="penalty_general", label="行政处罚案件（普通程序）", model=Case, state_field="status",
    side_roads=("decide_no_penalty",),  # 已决定 by the main road is a penalty decided (paths())
    states={s.value: s.label for s in PENALTY_GENERAL_STATES}, initial=S.CLUE,
    subject=lambda case: f"案件 {case.number}" if case.number else "该线索",
    payload=lambda case: {"number": case.number, "status": case.status},
    transitions=[
        Transition("verify", S.CLUE, S.VERIFYING, "开始核查", roles=OFFICER, params=ON, guards=(G.acts_for_agency,)),
        Transition("extend_verification", S.VERIFYING, S.VERIFYING, "延长核查期限", roles=HEAD, params=REASON,
                   guards=(G.actor_not_handler, G.verification_not_extended)),
        Transition("file", S.VERIFYING, S.FILED, "立案", roles=HEAD, approval=True, params=ON,
                   guards=(G.actor_not_handler, G.has_party, G.two_qualified_handlers), effect=file_effect,
                   closes=(R.VERIFICATION,),
                   opens=(Opens(R.TIME_LIMIT, rule="cases.penalty_time_limit", start=_start),)),
        Transition("not_file", S.VERIFYING, S.NOT_FILED, "不予立案", roles=HEAD, approval=True, params=REASON,
                   guards=(G.actor_not_handler,), effect=end_effect, closes=(R.VERIFICATION,)),
        Transition("investigate", S.FILED, S.INVESTIGATING, "开始调查", roles=OFFICER, params=ON, guards=HANDLING),
        Transition("suspend", S.INVESTIGATING, S.SUSPENDED, "中止调查", roles=HEAD, params=REASON,
                   guards=(G.actor_not_handler,)),
        Transition("resume", S.SUSPENDED, S.INVESTIGATING, "恢复调查", roles=HEAD, params=ON,
                   guards=(G.actor_not_handler,)),
        Transition("terminate", (S.INVESTIGATING, S.SUSPENDED), S.TERMINATED, "终止调查", roles=HEAD, params=REASON,
                   guards=(G.actor_not_handler,), effect=end_effect),
        Transition("conclude", S.INVESTIGATING, S.CONCLUDED, "调查终结", roles=OFFICER, params=CONCLUDE_PARAMS,
                   guards=(*HANDLING, G.no_pending_recusal, G.penalties_within_powers, G.proposal_not_under_review),
                   effect=conclude_effect),
        Transition("reinvestigate", S.CONCLUDED, S.INVESTIGATING, "补充调查", roles=HEAD, params=REASON,
                   guards=(G.actor_not_handler, G.proposal_not_under_review)),
        Transition("notify", S.CONCLUDED, S.NOTIFIED, "告知", roles=OFFICER, params=ON,
                   guards=(*HANDLING, G.has_proposal), effect=notify_effect,
                   opens=(Opens(R.STATEMENT, rule="cases.statement_window", start=_start, bearer=R.bearer(R.STATEMENT)),)),
        Transition("record_statement", S.NOTIFIED, S.NOTIFIED, "记录陈述申辩", roles=OFFICER,
                   params={**ON, "statement": Param("陈述申辩内容", max_length=5000)}, guards=(G.actor_handles,),
                   effect=statement_effect),
        Transition("waive_rights", S.NOTIFIED, S.NOTIFIED, "当事人放弃陈述申辩和听证", roles=OFFICER, params=NOTE,
                   guards=(G.actor_handles,), effect=waive_effect, closes=(R.STATEMENT, R.HEARING_REQUEST)),
        Transition("request_hearing", S.NOTIFIED, S.HEARING, "申请听证", roles=OFFICER, params=ON,
                   guards=(G.actor_handles, G.hearing_may_be_requested), effect=hearing_request_effect,
                   closes=(R.HEARING_REQUEST,)),
        Transition("notify_hearing", S.HEARING, S.HEARING, "送达听证通知", roles=OFFICER,
                   params={**ON, "hearing_on": Param("听证日期", text=False),
                           "place": Param("听证地点", max_length=300)},
                   guards=(G.actor_handles, G.hearing_notice_lead_kept), effect=hearing_notice_effect),
        Transition("hold_hearing", S.HEARING, S.NOTIFIED, "举行听证", roles=HEARING_HOST,
                   params={**ON, "record": Param("听证情况", max_length=5000)},
                   guards=(G.actor_not_handler, G.hearing_notice_served), effect=hearing_effect),
        Transition("decide", S.NOTIFIED, S.DECIDED, "作出处罚决定", roles=HEAD, approval=True, params=ON,
                   guards=(G.actor_not_handler, G.has_proposal, G.penalties_within_powers, G.statement_windows_over,
                           G.not_heavier_than_notified, G.review_passed, G.not_before_earlier_steps),
                   effect=decide_effect, closes=(R.TIME_LIMIT, R.STATEMENT, R.HEARING_REQUEST),
                   opens=(Opens(R.SERVICE, rule="cases.service_limit", start=_start),)),
        # 不予行政处罚 (行政处罚法第三十条、第三十一条、第三十三条、第五十七条第一款): no penalty is notified, so
        # it may be decided after 调查终结 or, the proposal revised after the party's statement, after 告知.
        Transition("decide_no_penalty", (S.CONCLUDED, S.NOTIFIED), S.DECIDED, "作出不予行政处罚决定", roles=HEAD,
                   approval=True, params=ON,
                   guards=(G.actor_not_handler, G.no_penalty_proposed, G.review_passed, G.not_before_earlier_steps),
                   effect=no_penalty_effect, closes=(R.TIME_LIMIT, R.STATEMENT, R.HEARING_REQUEST),
                   opens=(Opens(R.SERVICE, rule="cases.service_limit", start=_start),)),
        Transition("serve", S.DECIDED, S.SERVED, "送达", roles=OFFICER, params=SERVE_PARAMS,
                   guards=(G.actor_handles, G.service_lawful), effect=serve_effect, closes=(R.SERVICE,)),
        Transition("record_payment", (S.SERVED, S.EXECUTING), S.EXECUTING, "登记缴款", roles=OFFICER,
                   params=PAYMENT_PARAMS, guards=(G.acts_for_agency, G.fine_outstanding, G.payment_not_above_outstanding),
                   effect=payment_effect),
        Transition("approve_deferral", (S.SERVED, S.EXECUTING), S.EXECUTING, "批准延期或分期缴纳", roles=HEAD,
                   params={**REASON, "days": Param("延长天数", text=False)},
                   guards=(G.actor_not_handler, G.fine_outstanding)),
        Transition("apply_court", (S.SERVED, S.EXECUTING), S.COURT, "申请法院强制执行", roles=HEAD, params=NOTE,
                   guards=(G.actor_not_handler, G.fine_outstanding)),
        Transition("close", (S.SERVED, S.EXECUTING, S.COURT, S.TERMINATED), S.CLOSED, "结案", roles=HEAD,
                   approval=True, params=NOTE,
                   guards=(G.actor_not_handler, obligations_met(*R.MANDATORY), coercion_kind.no_open_measure),
                   effect=close_effect,
                   closes=(R.CLOSING,)),
        *[Transition("extend_time_limit", state, state, "延长办案期限", roles=HEAD, params=EXTENSION_PARAMS,
                     guards=(G.actor_not_handler, G.extension_lawful), effect=extension_effect) for state in RUNNING],
    ],
))

PENALTY_SIMPLIFIED_STATES = [S.FILED, S.DECIDED, S.SERVED, S.EXECUTING, S.CLOSED]

PENALTY_SIMPLIFIED = register(Table(
    name="penalty_simplified", label="行政处罚案件（简易程序·当场处罚）", model=Case, state_field="status",
    states={s.value: s.label for s in PENALTY_SIMPLIFIED_STATES}, initial=S.FILED,
    subject=lambda case: f"案件 {case.number}" if case.number else "该案件",
    payload=lambda case: {"number": case.number, "status": case.status},
    transitions=[
        Transition("decide_on_site", S.FILED, S.DECIDED, "当场作出处罚决定", roles=OFFICER, params=ON,
                   guards=(*HANDLING, G.has_party, G.simplified_within_limits, G.review_passed),
                   effect=onsite_decide_effect,
                   opens=(Opens(R.MATERIALS, rule="cases.simplified_materials_limit", start=_start),)),
        Transition("serve", S.DECIDED, S.SERVED, "送达", roles=OFFICER, params=SERVE_PARAMS,
                   guards=(G.actor_handles, G.service_lawful), effect=serve_effect, closes=(R.SERVICE,)),
        Transition("record_payment", (S.SERVED, S.EXECUTING), S.EXECUTING, "登记缴款", roles=OFFICER,
                   params=PAYMENT_PARAMS, guards=(G.acts_for_agency, G.fine_outstanding, G.payment_not_above_outstanding),
                   effect=payment_effect),
        Transition("collect_on_site", S.SERVED, S.EXECUTING, "当场收缴罚款", roles=OFFICER, params=ONSITE_PARAMS,
                   guards=(G.actor_handles, G.fine_outstanding, G.onsite_collection_lawful), effect=payment_effect),
        Transition("hand_in_collected_fine", S.EXECUTING, S.EXECUTING, "交回当场收缴的罚款", roles=OFFICER,
                   params=ON, guards=(G.actor_handles, G.collected_fine_pending), closes=(R.ONSITE_HANDIN,)),
        *[Transition("hand_in_materials", state, state, "交回案件材料", roles=OFFICER, params=ON,
                     guards=(G.actor_handles, G.materials_pending), closes=(R.MATERIALS,))
          for state in (S.DECIDED, S.SERVED, S.EXECUTING)],
        Transition("close", (S.SERVED, S.EXECUTING), S.CLOSED, "结案", roles=HEAD, approval=True,
                   params=NOTE,
                   guards=(G.actor_not_handler, obligations_met(*R.MANDATORY), coercion_kind.no_open_measure),
                   effect=close_effect,
                   closes=(R.CLOSING,)),
    ],
))

TABLES = {"penalty_general": PENALTY_GENERAL, "penalty_simplified": PENALTY_SIMPLIFIED}
TABLES.update(coercion_kind.TABLES)


def approval_moves() -> dict[str, set[str]]:
    """State -> the approval moves (`Transition.approval`) leaving it, over every case table: what
    待我审批 lists (a state name means the same stage in every table that uses it)."""
    moves: dict[str, set[str]] = {}
    for table in TABLES.values():
        if table.model_class is not Case:  # a measure's table (its own rows, its own panel)
            continue
        for t in table.transitions:
            if t.approval:
                for state in t.source:
                    moves.setdefault(state, set()).add(t.action)
    return moves


def table_of(case) -> Table:
    """The case's table, without `workflow.table_for`'s module discovery on every call."""
    return TABLES[case.workflow_table()]

from .kinds.inspection import TABLES as INSPECTION_TABLES  # noqa: E402  行政检查

TABLES.update(INSPECTION_TABLES)

from .kinds import decision, labour, licence  # noqa: E402 — 行政许可, 行政确认/行政裁决, 劳动保障监察

TABLES.update({**licence.TABLES, **decision.TABLES, **labour.TABLES})

from .kinds import inspection_plan  # noqa: E402 — 年度抽查计划 (decision 0058)

TABLES.update(inspection_plan.TABLES)


# Moves that end a case's procedure before (or without) 已结案: a licence's with its decision (准予 / 不予许可,
# 当场准予) and the certificate (颁发许可证件); the closing checks run on these as on 结案.
ENDING_MOVES = {"licence_general": ("grant", "refuse", "decide_on_the_spot", "issue_certificate")}


def _ends(table, transition) -> bool:
    return transition.target == S.CLOSED or transition.action in ENDING_MOVES.get(table.name, ())


def _checked_when_closing(table) -> None:
    """One rule for every case table: a move that closes the case (to 已结案: 结案, 检查办结, 确认已改正并结案…)
    carries the closing checks other apps register (`guards.register_closing_check`: the records' 音像记录事项
    清单), so a kind added later cannot forget them. Set here, once the tables are built, rather than
    written into each table's close."""
    moves = tuple(t if not _ends(table, t) or G.closing_checks_pass in t.guards
                  else replace(t, guards=(*t.guards, G.closing_checks_pass)) for t in table.transitions)
    object.__setattr__(table, "transitions", moves)  # a table is frozen once built; this runs at import


for _table in TABLES.values():
    if _table.model is Case:
        _checked_when_closing(_table)
