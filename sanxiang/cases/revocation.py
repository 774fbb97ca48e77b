"""决定被撤销 — what other apps do when a 复议/诉讼 outcome takes a case's decision down.

An outcome in `models.WITHDRAWING_OUTCOMES` (撤销、部分撤销、变更、确认违法、确认无效、责令重新作出)
calls every registered callback inside the transaction that records the outcome, so a callback's
refusal (an exception) refuses the whole record and nothing is written. The publicity issue
registers the withdrawal of the published decision here (行政处罚法第四十八条); the deadline to
withdraw (`撤下已公开决定`) is already open by then.

    from sanxiang.cases.revocation import on_decision_revoked

    @on_decision_revoked
    def withdraw_publication(case, appeal, *, actor): ...
"""

from __future__ import annotations

from collections.abc import Callable

_callbacks: list[Callable] = []


def on_decision_revoked(callback: Callable) -> Callable:
    """Register `callback(case, appeal, *, actor)`; usable as a decorator; registering twice is once."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def decision_revoked(case, appeal, *, actor) -> None:
    for callback in list(_callbacks):
        callback(case, appeal, actor=actor)
