"""劳动保障监察 (`labour_inspection_general`) of the HRSS agency.

《劳动保障监察条例》: a complaint is accepted (and filed the same day) within
`cases.labour_complaint_acceptance_limit` (5 working days, 《关于实施〈劳动保障监察条例〉若干规定》);
the investigation ends within `cases.labour_inspection_time_limit` of filing (Art.17: 60 working days),
extended once by `cases.labour_inspection_extension` (+30 working days) with the head's approval; its
outcomes (Art.18): 撤销立案, 责令改正 with a deadline (限期整改 — its own path), or a 行政处罚, which
reuses the penalty moves (告知, 陈述申辩 — Art.19 —, 听证, 决定, 送达, 执行) with their guards.
A 责令改正 not complied with leads to the penalty path (调查终结 from 限期整改中).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.utils import timezone

from sanxiang.workflow import Opens, Param, Table, Transition, register

from .. import guards as G
from .. import rules as R
from ..models import Case, CaseStatus, DecisionOutcome, Source
from ..workflows import HEAD, ON, PENALTY_GENERAL, REASON, _start, end_effect, file_effect
from .licence import _decided, extend, later_date, open_obligation

S = CaseStatus
ACCEPTANCE = "投诉受理期限"
RECTIFICATION = "责令改正期限"
# The penalty moves a labour inspection case takes as they are (their guards, effects and deadlines).
REUSED = ("investigate", "suspend", "resume", "conclude", "reinvestigate", "notify", "record_statement",
          "waive_rights", "request_hearing", "notify_hearing", "hold_hearing", "decide", "serve", "record_payment",
          "approve_deferral", "apply_court", "close", "extend_time_limit")


def labour_extension_lawful(case, actor, **params):
    """经劳动保障行政部门负责人批准只能延长一次（劳动保障监察条例第十七条）"""
    if R.period(case, "cases.labour_inspection_extension") is None:
        return f"{case.agency.name}的规则配置不允许延长劳动保障监察案件的办结期限。"
    if case.time_limit_extensions >= 1:
        return "办结期限已延长过一次（劳动保障监察条例第十七条：可以延长30个工作日）。"
    return None


def labour_file_effect(case, actor, on=None, **params):
    extra = file_effect(case, actor, on=on)
    case.number = "劳监" + case.number
    return {**extra, "number": case.number}


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
                 S.NOTIFIED, S.HEARING, S.DECIDED, S.SERVED, S.EXECUTING, S.COURT, S.CLOSED]

LABOUR_INSPECTION_GENERAL = register(Table(
    name="labour_inspection_general", label="劳动保障监察案件", model=Case, state_field="status",
    states={s.value: s.label for s in LABOUR_STATES}, initial=S.CLUE,
    subject=lambda case: f"案件 {case.number}" if case.number else "该投诉或线索",
    payload=lambda case: {"number": case.number, "status": case.status},
    transitions=[
        Transition("file", S.CLUE, S.FILED, "立案", roles=HEAD, approval=True, params=ON,
                   guards=(G.actor_not_handler, G.has_party, G.two_qualified_handlers), effect=labour_file_effect,
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
                   guards=(G.actor_not_handler, G.has_party), effect=rectification_effect, closes=(R.TIME_LIMIT,)),
        Transition("confirm_rectified", S.RECTIFYING, S.CLOSED, "确认已改正并结案", roles=HEAD, approval=True,
                   params={**ON, "note": Param("复查情况", required=False, max_length=500)},
                   guards=(G.actor_not_handler,), effect=rectified_effect, closes=(RECTIFICATION,)),
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


def clean(case, action, params):
    if action == "order_correction":
        params["rectify_by"] = later_date(params.get("rectify_by"), "rectify_by", "改正期限", params["on"])
        if params["rectify_by"] is None:
            from sanxiang.core.errors import RuleViolation

            raise RuleViolation("须写明改正期限。", field="rectify_by")
    return params


def consequences(case, action, *, actor, on, params):
    from .. import actions as C

    if action == "extend_time_limit":
        extend(case, R.TIME_LIMIT, "cases.labour_inspection_extension", actor=actor, reason=params["reason"], on=on)
    elif action == "order_correction":
        open_obligation(case, RECTIFICATION, actor=actor, start=on, count=(case.rectify_by - on).days, unit="days",
                        note=case.decision_content[:200])
    elif action in ("file", "not_file", "cancel_filing", "confirm_rectified"):
        return
    else:
        C._consequences(case, action, actor=actor, on=on, params=params)


def _move(case, action, **kwargs):
    from ..actions import move_case

    return move_case(case, action, **kwargs)


def do_file_labour_case(case, *, actor, on=None):
    """立案: the investigation must end within 60 working days (劳动保障监察条例第十七条)."""
    return _move(case, "file", actor=actor, on=on)


def do_order_correction(case, *, content, rectify_by, actor, on=None):
    return _move(case, "order_correction", actor=actor, content=content, rectify_by=rectify_by, on=on)


def do_cancel_labour_filing(case, *, reason, actor, on=None):
    return _move(case, "cancel_filing", actor=actor, reason=reason, on=on)


def demo_labour(loader) -> int:
    """劳动保障监察 demo cases of the HRSS agency: a complaint waiting to be filed, an investigation past its
    60 working days, a 责令改正 running, one closed after correction; and a 工伤认定 (行政确认) under review."""
    from ..models import CaseKind
    from .licence import demo_case

    if "劳动保障监察" not in (loader.agency.categories or []):
        return 0
    demo_case(loader, CaseKind.LABOUR_INSPECTION, "投诉拖欠农民工工资", 2, loader.person, source=Source.COMPLAINT)
    loader.run(demo_case(loader, CaseKind.LABOUR_INSPECTION, "未依法签订劳动合同（举报）", 100, loader.org,
                         source=Source.REPORT), [("file", 100, {}), ("investigate", 99, {})])
    rectify_by = (loader.today + dt.timedelta(days=20)).isoformat()
    loader.run(demo_case(loader, CaseKind.LABOUR_INSPECTION, "未按规定支付加班费（投诉）", 30, loader.person,
                         source=Source.COMPLAINT),
               [("file", 29, {}), ("investigate", 28, {}),
                ("order_correction", 10, {"content": "限期足额支付加班费", "rectify_by": rectify_by})])
    loader.run(demo_case(loader, CaseKind.LABOUR_INSPECTION, "未依法缴纳社会保险费（检查发现）", 60, loader.org,
                         source=Source.INSPECTION),
               [("file", 59, {}), ("investigate", 58, {}),
                ("order_correction", 40, {"content": "补缴社会保险费", "rectify_by": loader.day(20).isoformat()}),
                ("confirm_rectified", 18, {"note": "复查：已全额补缴"})])
    loader.run(demo_case(loader, CaseKind.CONFIRMATION, "工伤认定申请", 10, loader.person, category="行政处罚"),
               [("accept", 10, {}), ("start_review", 9, {})])
    return 5
