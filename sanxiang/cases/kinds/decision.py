"""行政确认 and 行政裁决 (`confirmation_general`, `adjudication_general`): one generic decision flow.

申请 → 受理 / 不予受理 → 审查 (statements recorded) → 作出决定 → 送达 → 结案. No general law sets their
time limit: the agency's profile does (`cases.confirmation_time_limit`, `cases.adjudication_time_limit`,
None where nothing binds — e.g. 工伤认定 60 days from acceptance for the HRSS agency, 工伤保险条例第二十条);
the deadline is opened at acceptance only when the profile has one.
"""

from __future__ import annotations

from django.utils import timezone

from sanxiang.workflow import Param, Table, Transition, register

from .. import guards as G
from .. import rules as R
from ..models import Case, CaseKind, CaseStatus, DecisionOutcome, Source
from ..workflows import (
    HEAD,
    NOTE,
    OFFICER,
    ON,
    REASON,
    SERVE_PARAMS,
    _number,
    close_effect,
    end_effect,
    serve_effect,
    statement_effect,
)
from .licence import _decided, open_obligation

S = CaseStatus
LIMITS = {CaseKind.CONFIRMATION: ("行政确认决定期限", "cases.confirmation_time_limit", "确"),
          CaseKind.ADJUDICATION: ("行政裁决决定期限", "cases.adjudication_time_limit", "裁")}
STATES = [S.APPLIED, S.NOT_ACCEPTED, S.ACCEPTED, S.REVIEWING, S.DECIDED, S.SERVED, S.CLOSED]


def accept_effect(case, actor, on=None, **params):
    case.accepted_on = on or timezone.localdate()
    _number(case, case.accepted_on)
    case.number = LIMITS[case.kind][2] + case.number[1:]
    return {"number": case.number, "accepted_on": case.accepted_on}


def decide_effect(case, actor, on=None, content="", **params):
    _decided(case, actor, on, DecisionOutcome.DECIDED, content)
    return None


def _table(kind):
    label = CaseKind(kind).label
    deadline = LIMITS[kind][0]
    return register(Table(
        name=f"{kind}_general", label=label, model=Case, state_field="status",
        states={s.value: s.label for s in STATES}, initial=S.APPLIED,
        subject=lambda case: f"{label}申请 {case.number}" if case.number else f"该{label}申请",
        payload=lambda case: {"number": case.number, "status": case.status},
        transitions=[
            Transition("accept", S.APPLIED, S.ACCEPTED, "受理", roles=OFFICER, params=ON,
                       guards=(G.actor_handles, G.has_party), effect=accept_effect),
            Transition("not_accept", S.APPLIED, S.NOT_ACCEPTED, "不予受理", roles=HEAD, params=REASON,
                       guards=(G.actor_not_handler,), effect=end_effect),
            Transition("start_review", S.ACCEPTED, S.REVIEWING, "开始审查", roles=OFFICER, params=ON,
                       guards=(G.actor_handles,)),
            Transition("record_statement", S.REVIEWING, S.REVIEWING, "记录陈述申辩", roles=OFFICER,
                       params={**ON, "statement": Param("陈述申辩内容", max_length=5000)}, guards=(G.actor_handles,),
                       effect=statement_effect),
            Transition("make_decision", S.REVIEWING, S.DECIDED, "作出决定", roles=HEAD, approval=True,
                       params={**ON, "content": Param("决定内容", max_length=5000)},
                       guards=(G.actor_not_handler, G.has_party, G.review_passed), effect=decide_effect,
                       closes=(deadline,)),
            Transition("serve", S.DECIDED, S.SERVED, "送达", roles=OFFICER, params=SERVE_PARAMS,
                       guards=(G.actor_handles, G.service_lawful), effect=serve_effect),
            Transition("close", S.SERVED, S.CLOSED, "结案", roles=HEAD, approval=True, params=NOTE, guards=(G.actor_not_handler,),
                       effect=close_effect),
        ],
    ))


CONFIRMATION_GENERAL = _table(CaseKind.CONFIRMATION)
ADJUDICATION_GENERAL = _table(CaseKind.ADJUDICATION)
TABLES = {"confirmation_general": CONFIRMATION_GENERAL, "adjudication_general": ADJUDICATION_GENERAL}


def opening_problem(agency, kind, source):
    if source != Source.APPLICATION:
        return f"{CaseKind(kind).label}依申请办理：案源应为“申请”。"
    return None


def opened(case, *, actor):
    return None


def clean(case, action, params):
    return params


def consequences(case, action, *, actor, on, params):
    if action == "accept":
        kind, rule, _ = LIMITS[case.kind]
        if R.period(case, rule, on) is not None:  # None: no law sets one for this agency
            open_obligation(case, kind, actor=actor, start=case.accepted_on, rule=rule)


def _move(case, action, **kwargs):
    from ..actions import move_case

    return move_case(case, action, **kwargs)


def do_accept_application(case, *, actor, on=None):
    return _move(case, "accept", actor=actor, on=on)


def do_make_decision(case, *, content, actor, on=None):
    return _move(case, "make_decision", actor=actor, content=content, on=on)
