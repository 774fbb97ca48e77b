"""劳动保障监察 (`labour_inspection_general`) of the HRSS agency.

《劳动保障监察条例》: a complaint is accepted (and filed the same day) within
`cases.labour_complaint_acceptance_limit` (5 working days, 《关于实施〈劳动保障监察条例〉若干规定》);
the investigation ends within `cases.labour_inspection_time_limit` of filing (Art.17: 60 working days),
extended once by `cases.labour_inspection_extension` (+30 working days) with the head's approval; its
outcomes (Art.18): 撤销立案, 责令改正 with a deadline (限期整改 — its own path), or a 行政处罚, which
reuses the penalty moves (告知, 陈述申辩 — Art.19 —, 听证, 决定, 送达, 执行) with their guards.
A 责令改正 not complied with leads to the penalty path (调查终结 from 限期整改中).
时效 (Art.20): 立案 records the violation's date (and the end of a continuing one); a violation neither
discovered nor complained of within `cases.labour_limitation_period` (2 years) from it is not filed.
移送 (Art.18 第二款): a matter outside labour inspection goes to the competent agency, a suspected crime to
the judicial organs (行政执法机关移送涉嫌犯罪案件的规定) — the head's move ends the agency's handling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.utils import timezone

from sanxiang.core.errors import RuleViolation
from sanxiang.workflow import Opens, Param, Table, Transition, register

from .. import guards as G
from .. import rules as R
from ..models import Case, CaseStatus, DecisionOutcome, Source, TransferGround
from ..workflows import HEAD, ON, PENALTY_GENERAL, REASON, _start, end_effect, file_effect
from .licence import _decided, end_deadlines, extend, later_date, open_obligation

S = CaseStatus
ACCEPTANCE = "投诉受理期限"
RECTIFICATION = "责令改正期限"
# The penalty moves a labour inspection case takes as they are (their guards, effects and deadlines).
REUSED = ("investigate", "suspend", "resume", "conclude", "reinvestigate", "notify", "record_statement",
          "waive_rights", "request_hearing", "notify_hearing", "hold_hearing", "decide", "serve", "record_payment",
          "approve_deferral", "apply_court", "close", "extend_time_limit")


def labour_extension_lawful(case, actor, on=None, **params):
    """办结期限届满前经劳动保障行政部门负责人批准，只能延长一次（劳动保障监察条例第十七条）"""
    if R.period(case, "cases.labour_inspection_extension") is None:
        return f"{case.agency.name}的规则配置不允许延长劳动保障监察案件的办结期限。"
    if case.time_limit_extensions >= 1:
        return "办结期限已延长过一次（劳动保障监察条例第十七条：可以延长30个工作日）。"
    return G.expired_problem(case, R.TIME_LIMIT, on, "劳动保障监察条例第十七条")


def limitation_end(case, start):
    """The last day of the 时效 that runs from `start`, and the period in words (None where the profile has none)."""
    found = R.period(case, "cases.labour_limitation_period", start)
    if found is None:
        return None, ""
    count, unit = found
    if unit != "months":
        return start + dt.timedelta(days=count), f"{count} 日"
    months = start.month - 1 + count
    year, month = start.year + months // 12, months % 12 + 1
    words = f"{count // 12} 年" if count % 12 == 0 else f"{count} 个月"
    for day in (start.day, 30, 29, 28):  # 2024-02-29 + 24 months → 2026-02-28
        try:
            return dt.date(year, month, day), words
        except ValueError:
            continue


def within_limitation(case, actor, act_on=None, act_ended_on=None, **params):
    """违法行为在时效内被发现或者被举报、投诉（劳动保障监察条例第二十条）"""
    if act_on is None:
        return None
    start = act_ended_on or act_on
    end, words = limitation_end(case, start)
    if end is not None and case.clue_on > end:
        since = f"自行为终了之日 {start:%Y-%m-%d}" if act_ended_on else f"自行为发生之日 {start:%Y-%m-%d}"
        return (f"查处时效{since} 起计算 {words}，至 {end:%Y-%m-%d} 届满；该违法行为在此期间内未被发现，也未被举报、投诉，"
                f"本案于 {case.clue_on:%Y-%m-%d} 才发现或者接到举报、投诉：劳动保障行政部门不再查处（劳动保障监察条例第二十条），"
                "应当不予立案。")
    return None


def labour_file_effect(case, actor, on=None, act_on=None, act_ended_on=None, **params):
    extra = file_effect(case, actor, on=on)
    case.number = "劳监" + case.number
    case.act_on, case.act_ended_on = act_on, act_ended_on
    return {**extra, "number": case.number}


def transfer_effect(case, actor, on=None, transfer_ground="", recipient="", reason="", **params):
    case.transfer_ground, case.transferred_to = transfer_ground, recipient
    case.closed_on, case.end_reason = on or timezone.localdate(), reason
    return {"ground": TransferGround(transfer_ground).label}


def cancel_effect(case, actor, on=None, reason="", **params):
    end_effect(case, actor, reason=reason)
    _decided(case, actor, on, DecisionOutcome.CANCELLED, reason)
    return None


def rectification_effect(case, actor, on=None, content="", rectify_by=None, **params):
    _decided(case, actor, on, DecisionOutcome.RECTIFICATION, content)
    case.rectify_by = rectify_by
    return {"rectify_by": rectify_by}


def rectified_effect(case, actor, on=None, note="", **params):
    case.rectified_on = case.closed_on = on or timezone.localdate()
    case.closing_note = note or "已按期改正"
    return None


def _reused(t):
    if t.action == "extend_time_limit":
        return replace(t, guards=(G.actor_not_handler, labour_extension_lawful))
    if t.action == "conclude":  # also after a 责令改正 that was not complied with
        return replace(t, source=(S.INVESTIGATING, S.RECTIFYING))
    if t.action == "close":
        return replace(t, source=tuple(s for s in t.source if s != S.TERMINATED))
    return t


REUSED_TRANSITIONS = [_reused(t) for t in PENALTY_GENERAL.transitions if t.action in REUSED]

LABOUR_STATES = [S.CLUE, S.NOT_FILED, S.FILED, S.INVESTIGATING, S.SUSPENDED, S.CANCELLED, S.RECTIFYING, S.CONCLUDED,
                 S.NOTIFIED, S.HEARING, S.DECIDED, S.SERVED, S.EXECUTING, S.COURT, S.CLOSED, S.TRANSFERRED]
# 移送 before a decision (行政执法机关移送涉嫌犯罪案件的规定第十一条: a penalty never replaces the transfer); from
# 限期整改中 too — e.g. wages still unpaid after the order to pay (刑法第二百七十六条之一).
TRANSFERABLE = (S.CLUE, S.FILED, S.INVESTIGATING, S.SUSPENDED, S.CONCLUDED, S.NOTIFIED, S.HEARING, S.RECTIFYING)
FILE_PARAMS = {**ON, "act_on": Param("违法行为发生日期", text=False),
               "act_ended_on": Param("连续或者继续状态终了日期", required=False, text=False)}

LABOUR_INSPECTION_GENERAL = register(Table(
    name="labour_inspection_general", label="劳动保障监察案件", model=Case, state_field="status",
    states={s.value: s.label for s in LABOUR_STATES}, initial=S.CLUE,
    subject=lambda case: f"案件 {case.number}" if case.number else "该投诉或线索",
    payload=lambda case: {"number": case.number, "status": case.status},
    transitions=[
        Transition("file", S.CLUE, S.FILED, "立案", roles=HEAD, approval=True, params=FILE_PARAMS,
                   guards=(G.actor_not_handler, G.has_party, G.two_qualified_handlers, within_limitation),
                   effect=labour_file_effect,
                   closes=(ACCEPTANCE,),
                   opens=(Opens(R.TIME_LIMIT, rule="cases.labour_inspection_time_limit", start=_start),)),
        Transition("not_file", S.CLUE, S.NOT_FILED, "不予立案", roles=HEAD, approval=True, params=REASON,
                   guards=(G.actor_not_handler,), effect=end_effect, closes=(ACCEPTANCE,)),
        *REUSED_TRANSITIONS,
        Transition("cancel_filing", (S.INVESTIGATING, S.SUSPENDED), S.CANCELLED, "撤销立案", roles=HEAD,
                   params={**ON, "reason": Param("撤销立案的理由（违法行为轻微并已改正等）", max_length=500)},
                   guards=(G.actor_not_handler,), effect=cancel_effect, closes=(R.TIME_LIMIT,)),
        Transition("order_correction", S.INVESTIGATING, S.RECTIFYING, "责令改正", roles=HEAD,
                   params={**ON, "content": Param("责令改正事项", max_length=2000),
                           "rectify_by": Param("改正期限", text=False)},
                   guards=(G.actor_not_handler, G.has_party, G.review_passed), effect=rectification_effect,
                   closes=(R.TIME_LIMIT,)),
        Transition("confirm_rectified", S.RECTIFYING, S.CLOSED, "确认已改正并结案", roles=HEAD, approval=True,
                   params={**ON, "note": Param("复查情况", required=False, max_length=500)},
                   guards=(G.actor_not_handler,), effect=rectified_effect, closes=(RECTIFICATION,)),
        # 移送 (劳动保障监察条例第十八条第二款; 行政执法机关移送涉嫌犯罪案件的规定第五条: 负责人审批)
        Transition("transfer_case", TRANSFERABLE, S.TRANSFERRED, "移送", roles=HEAD,
                   params={**ON, "transfer_ground": Param("移送情形", text=False),
                           "recipient": Param("接收移送的机关", max_length=200),
                           "reason": Param("移送理由", max_length=1000)},
                   guards=(G.actor_not_handler,), effect=transfer_effect,
                   closes=(ACCEPTANCE, R.TIME_LIMIT, RECTIFICATION)),
    ],
))

TABLES = {"labour_inspection_general": LABOUR_INSPECTION_GENERAL}


def opening_problem(agency, kind, source):
    if "劳动保障监察" not in (agency.categories or []):
        return f"{agency.name}没有劳动保障监察职能。"
    if source == Source.APPLICATION:
        return "劳动保障监察案件的案源应为投诉、举报、检查、移送或交办。"
    return None


def opened(case, *, actor):
    if case.source == Source.COMPLAINT:
        open_obligation(case, ACCEPTANCE, actor=actor, start=case.clue_on, rule="cases.labour_complaint_acceptance_limit")


def _past_date(value, field, label):
    if value in (None, ""):
        return None
    return R.as_date(value, field)


def clean(case, action, params):
    if action == "file" and case.status == S.CLUE:
        act_on = _past_date(params.get("act_on"), "act_on", "违法行为发生日期")
        if act_on is None:
            raise RuleViolation("须写明违法行为发生日期（劳动保障监察条例第二十条：时效自行为发生之日起计算）。",
                                field="act_on")
        if act_on > case.clue_on:
            raise RuleViolation(f"违法行为发生日期 {act_on:%Y-%m-%d} 晚于发现或者接到举报、投诉之日 "
                                f"{case.clue_on:%Y-%m-%d}。", field="act_on")
        ended = _past_date(params.get("act_ended_on"), "act_ended_on", "终了日期")
        if ended is not None and ended < act_on:
            raise RuleViolation(f"连续或者继续状态终了日期 {ended:%Y-%m-%d} 早于行为发生日期 {act_on:%Y-%m-%d}。",
                                field="act_ended_on")
        params["act_on"], params["act_ended_on"] = act_on, ended
    if action == "transfer_case" and case.status in TRANSFERABLE and params.get("transfer_ground") not in TransferGround.values:
        raise RuleViolation("须选择移送情形：不属于劳动保障监察事项的移送有关部门，涉嫌犯罪的移送司法机关。",
                            field="transfer_ground")
    if action == "order_correction":
        params["rectify_by"] = later_date(params.get("rectify_by"), "rectify_by", "改正期限", params["on"])
        if params["rectify_by"] is None:
            raise RuleViolation("须写明改正期限。", field="rectify_by")
    return params


def consequences(case, action, *, actor, on, params):
    from .. import actions as C

    if action == "extend_time_limit":
        extend(case, R.TIME_LIMIT, "cases.labour_inspection_extension", actor=actor, reason=params["reason"], on=on)
    elif action == "order_correction":
        open_obligation(case, RECTIFICATION, actor=actor, start=on, count=(case.rectify_by - on).days, unit="days",
                        note=case.decision_content[:200])
    elif action == "transfer_case":  # the party's windows (陈述申辩、听证申请) end with the agency's handling
        end_deadlines(case, f"已移送{case.transferred_to}，本机关终止办理", actor)
    elif action in ("file", "not_file", "cancel_filing", "confirm_rectified"):
        return
    else:
        C._consequences(case, action, actor=actor, on=on, params=params)


def _move(case, action, **kwargs):
    from ..actions import move_case

    return move_case(case, action, **kwargs)


def do_file_labour_case(case, *, act_on, actor, act_ended_on=None, on=None):
    """立案: within the 2-year limitation from the act or its end (第二十条); the investigation must end within
    60 working days (劳动保障监察条例第十七条)."""
    return _move(case, "file", actor=actor, act_on=act_on, act_ended_on=act_ended_on, on=on)


def do_transfer_labour_case(case, *, transfer_ground, recipient, reason, actor, on=None):
    """移送: to the competent agency, or a suspected crime to the judicial organs (第十八条第二款)."""
    return _move(case, "transfer_case", actor=actor, transfer_ground=transfer_ground, recipient=recipient,
                 reason=reason, on=on)


def do_order_correction(case, *, content, rectify_by, actor, on=None):
    return _move(case, "order_correction", actor=actor, content=content, rectify_by=rectify_by, on=on)


def do_cancel_labour_filing(case, *, reason, actor, on=None):
    return _move(case, "cancel_filing", actor=actor, reason=reason, on=on)


def demo_labour(loader) -> int:
    """劳动保障监察 demo cases of the HRSS agency: a complaint waiting to be filed, an investigation past its
    60 working days, a 责令改正 running, one closed after correction, one transferred to the police (wages still
    unpaid after the order to pay); and a 工伤认定 (行政确认) under review."""
    from ..models import CaseKind
    from .licence import demo_case

    if "劳动保障监察" not in (loader.agency.categories or []):
        return 0
    demo_case(loader, CaseKind.LABOUR_INSPECTION, "投诉拖欠农民工工资", 2, loader.person, source=Source.COMPLAINT)
    loader.run(demo_case(loader, CaseKind.LABOUR_INSPECTION, "未依法签订劳动合同（举报）", 100, loader.org,
                         source=Source.REPORT), [("file", 100, {"act_on": loader.day(300)}), ("investigate", 99, {})])
    rectify_by = (loader.today + dt.timedelta(days=20)).isoformat()
    loader.run(demo_case(loader, CaseKind.LABOUR_INSPECTION, "未按规定支付加班费（投诉）", 30, loader.person,
                         source=Source.COMPLAINT),
               [("file", 29, {"act_on": loader.day(200), "act_ended_on": loader.day(31)}), ("investigate", 28, {}),
                ("order_correction", 10, {"content": "限期足额支付加班费", "rectify_by": rectify_by})])
    loader.run(demo_case(loader, CaseKind.LABOUR_INSPECTION, "未依法缴纳社会保险费（检查发现）", 60, loader.org,
                         source=Source.INSPECTION),
               [("file", 59, {"act_on": loader.day(400)}), ("investigate", 58, {}),
                ("order_correction", 40, {"content": "补缴社会保险费", "rectify_by": loader.day(20).isoformat()}),
                ("confirm_rectified", 18, {"note": "复查：已全额补缴"})])
    loader.run(demo_case(loader, CaseKind.LABOUR_INSPECTION, "拒不支付劳动报酬（责令支付后仍不支付）", 80, loader.org,
                         source=Source.COMPLAINT),
               [("file", 79, {"act_on": loader.day(150), "act_ended_on": loader.day(80)}), ("investigate", 78, {}),
                ("order_correction", 60, {"content": "限期支付拖欠的劳动报酬", "rectify_by": loader.day(45).isoformat()}),
                ("transfer_case", 40, {"transfer_ground": "crime", "recipient": "乌鲁木齐市公安局高新区（新市区）分局",
                                       "reason": "经责令支付仍不支付劳动报酬，数额较大，涉嫌拒不支付劳动报酬罪"})])
    loader.run(demo_case(loader, CaseKind.CONFIRMATION, "工伤认定申请", 10, loader.person, category="劳动保障监察"),
               [("accept", 10, {}), ("start_review", 9, {})])
    return 6
