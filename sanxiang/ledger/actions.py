"""Appending to the ledger. Every domain action calls `append_entry` inside its transaction."""

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from sanxiang.core.rows import reload_row

from . import checkpoints, sequencer, tree
from .models import Announcement, Checkpoint, Ledgered, LedgerEntry
from .registry import is_registered

ANNOUNCEMENT_MAX = 2000
_ENTRY_FIELDS = LedgerEntry._meta.concrete_fields
_INSERT_SQL = "INSERT INTO ledger_ledgerentry ({}) VALUES ({})".format(
    ", ".join(f'"{f.column}"' for f in _ENTRY_FIELDS), ", ".join(["%s"] * len(_ENTRY_FIELDS)))
def _actor_name(actor) -> str:
    if actor is None:
        # Every act has an actor: a person, or a system actor (sanxiang.access.actors).
        raise RuntimeError("append_entry needs an actor (a user or a SystemActor), not None")
    return getattr(actor, "username", None) or str(actor)


class _Operation:
    """One act: the entries appended in one outermost transaction share its id. It is registered
    as the transaction's on-commit callback so that the next append can tell whether its
    transaction is a new one, and so that, once the act has committed, entries it left pending
    are sequenced at once if the ledger lock is free (sanxiang.ledger.sequencer)."""

    def __init__(self):
        self.id = uuid.uuid4().hex
        self.pending = False  # once an entry of the act is pending, the rest follow it

    def __call__(self):
        if self.pending:
            sequencer.integrate_after_commit()


def _operation() -> _Operation:
    current = getattr(connection, "ledger_operation", None)
    if current is None or not any(item[1] is current for item in connection.run_on_commit):
        current = connection.ledger_operation = _Operation()
        transaction.on_commit(current)
    return current


def changes(before: dict, after: dict) -> dict:
    """Old and new values of the fields that changed, for update payloads."""
    return {key: {"old": before.get(key), "new": value} for key, value in after.items()
            if before.get(key) != value}


def _agency_code(obj) -> str:
    from sanxiang.access.policy import agency_code_of

    return agency_code_of(obj)


def _last_leaf() -> tuple[int, bytes | None, bool]:
    """The next index, the previous leaf hash (the new leaf's level-0 sibling) and whether
    committed entries wait to be sequenced, in one query. The caller holds the ledger lock."""
    with connection.cursor() as cursor:
        cursor.execute('SELECT "index", leaf_hash, EXISTS (SELECT 1 FROM ledger_pendingentry) '
                       'FROM ledger_ledgerentry ORDER BY "index" DESC LIMIT 1')
        row = cursor.fetchone()
    if row is None:
        return 0, None, sequencer.has_pending()
    return row[0] + 1, bytes.fromhex(row[1]), bool(row[2])


def _lock_sql(operation: _Operation) -> str:
    """The PostgreSQL lock call to fold into the object's reload (saving a round trip): the
    lock must be held before the tree's right edge is read, and the reload comes first."""
    if operation.pending or connection.vendor != "postgresql":
        return ""
    current = sequencer.mode()
    if current == "deferred":
        return ""
    if current == "inline":
        return f"(SELECT true FROM pg_advisory_xact_lock({checkpoints.PG_APPEND_LOCK}))"
    return f"pg_try_advisory_xact_lock({checkpoints.PG_APPEND_LOCK})"


def _sequence_inline(operation: _Operation, folded: bool | None) -> bool:
    """Whether this entry gets its index now (see sequencer.mode); if so the lock is held.
    `folded` is the outcome of the lock call made with the reload, None if none was made."""
    if operation.pending:
        return False  # keep the act's entries in order: none may overtake a pending one
    if folded is not None:
        return folded
    current = sequencer.mode()
    if current == "inline":
        checkpoints.lock_ledger()
        return True
    return current != "deferred" and sequencer.try_lock()


def append_entry(*, action: str, actor, obj: Ledgered | None = None, agency: str | None = None,
                 object_type: str = "", object_id: str = "", payload: dict | None = None,
                 files: list[dict] | None = None, deleted: bool = False) -> LedgerEntry:
    """Append one entry describing `action` on `obj` (its state after the action).

    Must run inside the caller's transaction, so the entry and the domain write commit together.
    Usually the entry gets its index at once; while another writer holds the ledger lock
    (PostgreSQL) it commits as a `PendingEntry` instead and the returned entry's `index` is None
    until the integrator sequences it, right after commit (docs/decisions/0014-sequencer.md).
    `deleted=True` records that `obj` no longer exists (its state digest is empty).
    `agency` defaults to the object's agency (its access policy says how to reach it).
    `files` lists stored files as {"path": relative to DATA_DIR/files, "sha256", "sm3", "size"}.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("append_entry must be called inside transaction.atomic")
    if not is_registered(action):
        raise RuntimeError(f"ledger action {action!r} is not registered (sanxiang.ledger.registry)")
    if agency is None:
        agency = _agency_code(obj) if obj is not None else ""
    state_digest = ""
    operation = _operation()
    folded = None
    if obj is not None:
        object_type = object_type or obj.ledger_type()
        object_id = object_id or str(obj.pk)
        if not deleted:
            lock_sql = _lock_sql(operation)
            locked = reload_row(obj, lock_sql)
            folded = bool(locked) if lock_sql else None
            state_digest = obj.ledger_digest()
    now = timezone.now()
    actor_name = _actor_name(actor)
    text = sequencer.EntryText.of({
        "time": now.isoformat(),
        "agency": agency,
        "actor": actor_name,
        "action": action,
        "operation": operation.id,
        "object_type": object_type,
        "object_id": object_id,
        "state_digest": state_digest,
        "deleted": bool(deleted),
        "files": files or [],
        "payload": payload or {},
    })
    entry = LedgerEntry(created_at=now, agency=agency, actor=actor_name, action=action,
                        object_type=object_type, object_id=object_id, state_digest=state_digest,
                        deleted=bool(deleted))
    if not _sequence_inline(operation, folded):
        operation.pending = True
        sequencer.add_pending([(now, agency, actor_name, action, object_type, object_id,
                                state_digest, bool(deleted), text.body, text.split)])
        entry.entry = text.body  # no index yet: the integrator gives it one after commit
        return entry
    index, previous_leaf, pending = _last_leaf()
    if pending:
        # Committed pending entries go first: one may describe this very object, whose row the
        # act only got once that entry's act had committed (an entry must not overtake it).
        sequencer.sequence_pending()
        index, previous_leaf, _ = _last_leaf()
    entry.index = index
    entry.entry = text.with_index(index)
    leaf = hashlib.sha256(b"\x00" + entry.entry.encode("utf-8")).digest()
    entry.leaf_hash = leaf.hex()
    # Raw INSERT: appends are the hot path and the ORM's per-query overhead dominates them.
    values = [getattr(entry, f.attname) for f in _ENTRY_FIELDS]
    values = [f.get_db_prep_save(v, connection) for f, v in zip(_ENTRY_FIELDS, values)]
    nodes = tree.nodes_for(index, leaf, previous_leaf)
    with connection.cursor() as cursor:
        if nodes and connection.vendor == "postgresql":
            # One round trip for the entry and the subtrees it completes (the lock is held).
            cursor.execute(f"WITH nodes AS ({tree.NODE_INSERT}"
                           f"{', '.join(['(%s, %s, %s)'] * len(nodes))}) {_INSERT_SQL}",
                           [v for row in nodes for v in row] + values)
        else:
            cursor.execute(_INSERT_SQL, values)
            if nodes:
                cursor.execute(tree.NODE_INSERT + ", ".join(["(%s, %s, %s)"] * len(nodes)),
                               [v for row in nodes for v in row])
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


@transaction.atomic
def do_post_announcement(text: str, *, actor, agency: str = "") -> Announcement:
    """发布账本公告: append a signed statement by an administrator to the ledger."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("公告内容不能为空")
    if len(text) > ANNOUNCEMENT_MAX:
        raise ValidationError(f"公告内容不能超过 {ANNOUNCEMENT_MAX} 字")
    user = actor if getattr(actor, "pk", None) is not None else None
    announcement = Announcement.objects.create(text=text, agency=agency, posted_at=timezone.now(),
                                               posted_by=user)
    append_entry(action="post_announcement", actor=actor, obj=announcement, agency=agency,
                 payload={"text": text})
    return announcement


def do_take_checkpoint(*, actor, force: bool = False) -> Checkpoint:
    """签发检查点: sign and store a checkpoint of the current tree."""
    return checkpoints.take(force=force)
