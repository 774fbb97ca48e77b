"""作出决定 — what other apps do when a case makes a decision (执法决定).

The moves that make a decision are listed here, per transition table: a penalty decided (普通程序 or
当场) or not given (不予行政处罚决定), a licence granted or refused, a coercive measure approved, an inspection's result recorded, a
confirmation or adjudication decided, a labour-inspection order to correct. After such a move the
workflow engine (`on_applied`) calls every callback registered with `on_decision_made`, inside the
move's transaction: the publicity app opens the publication obligation (公示义务) there.

    from sanxiang.cases.decisions import on_decision_made

    @on_decision_made
    def open_publication(decision, *, actor): ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sanxiang.workflow.engine import on_applied

# (table, action) → the decision's kind (CaseKind value)
DECISION_MOVES = {
    ("penalty_general", "decide"): "penalty",
    ("penalty_general", "decide_no_penalty"): "penalty",  # 不予行政处罚决定 (decision 0075)
    ("penalty_simplified", "decide_on_site"): "penalty",
    ("licence_general", "grant"): "licence",
    ("licence_general", "refuse"): "licence",
    ("licence_general", "decide_on_the_spot"): "licence",
    ("coercive_measure", "approve"): "coercion",
    ("coercive_measure", "approve_afterwards"): "coercion",
    ("coercive_measure", "seal_or_seize"): "coercion",  # 依法查封、扣押 of preserved goods: the NEW measure
    ("inspection_general", "record_inspection_result"): "inspection",
    ("confirmation_general", "make_decision"): "confirmation",
    ("adjudication_general", "make_decision"): "adjudication",
    ("labour_inspection_general", "order_correction"): "labour_inspection",
}


# Moves whose decided row is made by the move's consequences, after the engine's `on_applied`: the listener leaves
# them, and the consequence calls `decision_made` with that row. `seal_or_seize` moves the 先行登记保存 and creates the
# 查封/扣押 measure it decides (cases.kinds.coercion); the decision is that new measure's (decision 0103, amended).
DECIDED_BY_CONSEQUENCE = {("coercive_measure", "seal_or_seize")}


@dataclass(frozen=True)
class Decision:
    """一项执法决定: the case, the move that made it and the row it moved (a case or a measure)."""

    case: object
    kind: str
    table: str
    action: str
    label: str
    obj: object
    on: object  # the decision's date

    @property
    def key(self) -> str:
        """Unique per decision: a case decides a kind once; a measure is decided once."""
        return f"{self.obj.ledger_type()}:{self.obj.pk}:{self.table}.{self.action}"


_callbacks: list[Callable] = []


def on_decision_made(callback: Callable) -> Callable:
    """Register `callback(decision, *, actor)`; usable as a decorator; registering twice is once."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def _decision_day(case, obj, params):
    from django.utils import timezone

    from sanxiang.core import inputs

    return inputs.day(params.get("on"), empty=None) or case.decided_on or timezone.localdate()


@on_applied
def _decision_listener(table, transition, obj, actor, params):
    if (table.name, transition.action) in DECIDED_BY_CONSEQUENCE:
        return
    decision_made(table.name, transition.action, transition.label, obj, actor=actor, params=params)


def decision_made(table: str, action: str, label: str, obj, *, actor, params=None):
    """Tell every `on_decision_made` callback that the move `table`.`action` decided `obj` (inside its transaction)."""
    kind = DECISION_MOVES.get((table, action))
    if kind is None or not _callbacks:
        return
    params = params or {}
    case = getattr(obj, "case", None) or obj
    day = _decision_day(case, obj, params)
    if kind == "inspection":
        inspection = getattr(case, "inspection", None)
        day = getattr(inspection, "ended_on", None) or day
    decision = Decision(case=case, kind=kind, table=table, action=action, label=label, obj=obj, on=day)
    for callback in list(_callbacks):
        callback(decision, actor=actor)
