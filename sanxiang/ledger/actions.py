"""Appending to the ledger. Every domain action calls `append_entry` inside its transaction."""

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from sanxiang.lib.canonical import canonical_bytes

from . import checkpoints, tree
from .models import Announcement, Checkpoint, LedgerEntry, Ledgered
from .registry import is_registered

ANNOUNCEMENT_MAX = 2000
_ENTRY_FIELDS = LedgerEntry._meta.concrete_fields
_INSERT_SQL = "INSERT INTO ledger_ledgerentry ({}) VALUES ({})".format(
    ", ".join(f'"{f.column}"' for f in _ENTRY_FIELDS), ", ".join(["%s"] * len(_ENTRY_FIELDS)))
_RELOAD: dict[type, tuple[str, list]] = {}


def _reload(obj) -> None:
    """Like `obj.refresh_from_db()` for concrete fields (the state is digested as stored), but
    with one raw SELECT: refresh_from_db's ORM overhead was half the cost of an append."""
    model = type(obj)
    if model not in _RELOAD:
        meta = model._meta
        fields = list(meta.concrete_fields)
        cols = [f.get_col(meta.db_table) for f in fields]
        sql = "SELECT {} FROM {} WHERE {} = %s".format(
            ", ".join(connection.ops.quote_name(f.column) for f in fields),
            connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column))
        converters = [[*connection.ops.get_db_converters(c), *c.get_db_converters(connection)]
                      for c in cols]
        _RELOAD[model] = (sql, list(zip(fields, cols, converters)))
    sql, plan = _RELOAD[model]
    with connection.cursor() as cursor:
        cursor.execute(sql, [obj._meta.pk.get_db_prep_value(obj.pk, connection)])
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"{model._meta.label} {obj.pk} 不存在，无法留痕")
    for (field, col, converters), value in zip(plan, row):
        for converter in converters:
            value = converter(value, col, connection)
        if field.is_relation and getattr(obj, field.attname) != value and field.is_cached(obj):
            field.delete_cached_value(obj)
        setattr(obj, field.attname, value)


def _actor_name(actor) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "username", None) or str(actor)


class _Operation:
    """One act: the entries appended in one outermost transaction share its id. It is registered
    as the transaction's on-commit callback only so that the next append can tell whether its
    transaction is a new one; it does nothing (checkpoints are signed by the job runner)."""

    def __init__(self):
        self.id = uuid.uuid4().hex

    def __call__(self):
        pass


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


def _last_leaf() -> tuple[int, bytes | None]:
    """The next index and the previous leaf hash (the new leaf's level-0 sibling), in one query."""
    checkpoints.lock_ledger()
    with connection.cursor() as cursor:
        cursor.execute('SELECT "index", leaf_hash FROM ledger_ledgerentry ORDER BY "index" DESC LIMIT 1')
        row = cursor.fetchone()
    return (0, None) if row is None else (row[0] + 1, bytes.fromhex(row[1]))


def append_entry(*, action: str, actor=None, obj: Ledgered | None = None, agency: str | None = None,
                 object_type: str = "", object_id: str = "", payload: dict | None = None,
                 files: list[dict] | None = None, deleted: bool = False) -> LedgerEntry:
    """Append one entry describing `action` on `obj` (its state after the action).

    Must run inside the caller's transaction, so the entry and the domain write commit together.
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
    if obj is not None:
        object_type = object_type or obj.ledger_type()
        object_id = object_id or str(obj.pk)
        if not deleted:
            _reload(obj)
            state_digest = obj.ledger_digest()
    operation = _operation()
    index, previous_leaf = _last_leaf()
    now = timezone.now()
    body = {
        "index": index,
        "time": now.isoformat(),
        "agency": agency,
        "actor": _actor_name(actor),
        "action": action,
        "operation": operation.id,
        "object_type": object_type,
        "object_id": object_id,
        "state_digest": state_digest,
        "deleted": bool(deleted),
        "files": files or [],
        "payload": payload or {},
    }
    entry_bytes = canonical_bytes(body)
    leaf = hashlib.sha256(b"\x00" + entry_bytes).digest()
    entry = LedgerEntry(
        index=index,
        created_at=now,
        agency=agency,
        actor=body["actor"],
        action=action,
        object_type=object_type,
        object_id=object_id,
        state_digest=state_digest,
        deleted=bool(deleted),
        entry=entry_bytes.decode("utf-8"),
        leaf_hash=leaf.hex(),
    )
    # Raw INSERT: appends are the hot path and the ORM's per-query overhead dominates them.
    values = [getattr(entry, f.attname) for f in _ENTRY_FIELDS]
    values = [f.get_db_prep_save(v, connection) for f, v in zip(_ENTRY_FIELDS, values)]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL, values)
    entry._state.adding, entry._state.db = False, connection.alias
    tree.store_nodes_for(index, leaf, previous_leaf)
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


def do_take_checkpoint(*, actor=None, force: bool = False) -> Checkpoint:
    """签发检查点: sign and store a checkpoint of the current tree."""
    return checkpoints.take(force=force)
