"""补记期限承担方 — who holds the obligations opened before the bearer existed (migration 0005).

Migration 0005 added `Obligation.bearer` with the default `agency`, so a party's period opened before it
(陈述申辩期、听证申请期、罚款缴纳期限、申请行政复议期限、提起行政诉讼期限) reads as the agency's: red once
past, escalated, counted as lateness. The rule that opened each one decides who holds it: the kinds in
`cases.rules.PARTY_PERIODS` are the party's, every other kind stays the agency's (decision 0021 adds
no party period: 重新作出行政处罚决定 is the agency's).

`bearer = party` enters the obligation's `ledger_state()`, so each change is appended to the ledger
(`backfill_obligation_bearer`, actor 数据迁移) and `sanxiang verify` keeps agreeing with the row. A period
already marked 已超期 becomes 已届满 in the same entry: what the sweep does to a party's period.

Only obligations whose `open_obligation` entry carries no `bearer` are touched (every opening since 0005
records it), so an obligation opened later as the agency's on purpose is left alone; a second run finds
nothing. `sanxiang migrate` runs it after the migrations (`sanxiang.cli`).
"""

from __future__ import annotations

import json

from django.db import transaction

from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.models import LedgerEntry

from .models import Obligation

BACKFILL = "backfill_obligation_bearer"  # registered with the other obligation actions (actions.py)


def _party_kinds() -> frozenset[str]:
    from sanxiang.cases.rules import PARTY_PERIODS  # the subject's rules say whose period it is

    return PARTY_PERIODS


def opened_without_bearer(ob: Obligation) -> bool:
    """Whether the obligation's opening entry predates the bearer (migration 0005)."""
    entry = (LedgerEntry.objects.filter(object_type=ob.ledger_type(), object_id=str(ob.pk), action="open_obligation")
             .order_by("index").values_list("entry", flat=True).first())
    if entry is None:
        return False  # not ledgered as opened: nothing proves which rule opened it
    return "bearer" not in json.loads(entry).get("payload", {})


def backfill_bearers(*, actor) -> list[Obligation]:
    """Set `bearer = party` on the party's periods opened before migration 0005; returns the changed ones."""
    changed = []
    candidates = Obligation.objects.filter(bearer=Obligation.AGENCY, kind__in=sorted(_party_kinds()))
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            ob = candidates.select_for_update().filter(pk=pk).first()
            if ob is None or not opened_without_bearer(ob):
                continue
            was = ob.status
            ob.bearer = Obligation.PARTY
            if ob.status == Obligation.OVERDUE:
                ob.status = Obligation.EXPIRED  # a party's period is never the agency's lateness
            ob.save(update_fields=["bearer", "status"])
            append_entry(action=BACKFILL, actor=actor, obj=ob,
                         payload={"due": ob.due_at or ob.due, "status": ob.status, "bearer": ob.bearer,
                                  "status_before": was, "reason": "当事人的期间（迁移 0005 之前开始计时）"})
            changed.append(ob)
    return changed
