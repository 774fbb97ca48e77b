"""Appending to the ledger. Every domain action calls `append_entry` inside its transaction."""

import hashlib

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from sanxiang.lib.canonical import canonical_bytes

from .models import LedgerEntry, Ledgered

# Any fixed number: the advisory lock that serialises appends on PostgreSQL.
_PG_APPEND_LOCK = 6962


def _actor_name(actor) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "username", None) or str(actor)


def _next_index() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_APPEND_LOCK])
    # On SQLite the IMMEDIATE transaction already holds the write lock.
    current = LedgerEntry.objects.aggregate(m=Max("index"))["m"]
    return 0 if current is None else current + 1


def append_entry(*, action: str, actor=None, obj: Ledgered | None = None, agency: str = "",
                 object_type: str = "", object_id: str = "", payload: dict | None = None,
                 files: list[dict] | None = None, deleted: bool = False) -> LedgerEntry:
    """Append one entry describing `action` on `obj` (its state after the action).

    Must run inside the caller's transaction, so the entry and the domain write commit together.
    `deleted=True` records that `obj` no longer exists (its state digest is empty).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("append_entry must be called inside transaction.atomic")
    state_digest = ""
    if obj is not None:
        object_type = object_type or obj.ledger_type()
        object_id = object_id or str(obj.pk)
        if not deleted:
            obj.refresh_from_db()
            state_digest = obj.ledger_digest()
    index = _next_index()
    now = timezone.now()
    body = {
        "index": index,
        "time": now.isoformat(),
        "agency": agency,
        "actor": _actor_name(actor),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "state_digest": state_digest,
        "files": files or [],
        "payload": payload or {},
    }
    entry_bytes = canonical_bytes(body)
    entry = LedgerEntry.objects.create(
        index=index,
        created_at=now,
        agency=agency,
        actor=body["actor"],
        action=action,
        object_type=object_type,
        object_id=object_id,
        state_digest=state_digest,
        entry=entry_bytes.decode("utf-8"),
        leaf_hash=hashlib.sha256(b"\x00" + entry_bytes).hexdigest(),
    )
    return entry
