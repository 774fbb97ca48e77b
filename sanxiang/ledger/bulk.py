"""Bulk appends (批量留痕): many entries in one act, e.g. importing an agency's past cases.

    with transaction.atomic():
        Case.objects.bulk_create(cases)
        append_many([{"action": "import_case", "obj": case, "agency": "zhuzhou-amr",
                      "payload": {...}} for case in cases], actor=MIGRATION)

The entries and the domain rows commit together, as with `append_entry`; they share one
operation id; they are sequenced under one lock with one read of the tree's right edge and
written with bulk inserts (COPY on PostgreSQL), BATCH at a time.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from . import checkpoints, sequencer
from .actions import _actor_name, _agency_code, _operation
from .registry import is_registered


def _row(record: dict, *, now, time_text: str, actor_name: str, operation: str) -> tuple:
    action = record["action"]
    if not is_registered(action):
        raise RuntimeError(f"ledger action {action!r} is not registered (sanxiang.ledger.registry)")
    obj = record.get("obj")
    deleted = bool(record.get("deleted", False))
    agency = record.get("agency")
    object_type, object_id = record.get("object_type", ""), record.get("object_id", "")
    digest = record.get("state_digest", "")
    if obj is not None:
        object_type = object_type or obj.ledger_type()
        object_id = object_id or str(obj.pk)
        if agency is None:
            agency = _agency_code(obj)
        if not deleted and not digest:
            digest = obj.ledger_digest()
    agency = agency or ""
    text = sequencer.EntryText.of({
        "time": time_text, "agency": agency, "actor": actor_name, "action": action,
        "operation": operation, "object_type": object_type, "object_id": object_id,
        "state_digest": "" if deleted else digest, "deleted": deleted,
        "files": record.get("files") or [], "payload": record.get("payload") or {},
    })
    return (now, agency, actor_name, action, object_type, object_id,
            "" if deleted else digest, deleted, text.body, text.split)


def append_many(records: Iterable[dict], *, actor, batch: int = sequencer.BATCH) -> int:
    """Append one entry per record, in order; return how many.

    A record holds `append_entry`'s keyword arguments: `action` (registered), and `obj` or
    `object_type`/`object_id`/`state_digest`, `agency`, `payload`, `files`, `deleted`. An
    `obj`'s state digest is taken from the instance as given (no reload, unlike
    `append_entry`): pass instances as the database returns them, e.g. re-read after
    `bulk_create`, so the digest is the stored state `verify` will compare with.
    Must run inside `transaction.atomic`; it holds the ledger lock until the transaction ends.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("append_many must be called inside transaction.atomic")
    actor_name = _actor_name(actor)
    operation = _operation()
    now = timezone.now()
    time_text = now.isoformat()
    locked = False
    count, rows = 0, []

    def flush():
        nonlocal locked
        if operation.pending:  # the act already has pending entries: these follow them
            sequencer.add_pending(rows)
        else:
            if not locked:
                checkpoints.lock_ledger()
                locked = True
                sequencer.sequence_pending()  # committed pending entries keep their place before these
            sequencer.sequence(rows)

    for record in records:
        rows.append(_row(record, now=now, time_text=time_text, actor_name=actor_name,
                         operation=operation.id))
        if len(rows) >= batch:
            flush()
            count += len(rows)
            rows = []
    if rows:
        flush()
        count += len(rows)
    return count
