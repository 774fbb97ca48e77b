"""Appending to the ledger. Every domain action calls `append_entry` inside its transaction."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from sanxiang.lib.canonical import canonical_bytes

from . import checkpoints, tree
from .models import Announcement, Checkpoint, LedgerEntry, Ledgered

ANNOUNCEMENT_MAX = 2000


def _actor_name(actor) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "username", None) or str(actor)


def _next_index() -> int:
    checkpoints.lock_ledger()
    return tree.tree_size()


def _check_checkpoint() -> None:
    checkpoints.after_commit(tree.tree_size())


def _schedule_checkpoint_check() -> None:
    # One cheap check per outermost transaction, after it commits (dropped on rollback).
    if not any(item[1] is _check_checkpoint for item in connection.run_on_commit):
        transaction.on_commit(_check_checkpoint)


def append_entry(*, action: str, actor=None, obj: Ledgered | None = None, agency: str = "",
                 object_type: str = "", object_id: str = "", payload: dict | None = None,
                 files: list[dict] | None = None, deleted: bool = False) -> LedgerEntry:
    """Append one entry describing `action` on `obj` (its state after the action).

    Must run inside the caller's transaction, so the entry and the domain write commit together.
    `deleted=True` records that `obj` no longer exists (its state digest is empty).
    `files` lists stored files as {"path": relative to DATA_DIR/files, "sha256", "sm3", "size"}.
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
        "deleted": bool(deleted),
        "files": files or [],
        "payload": payload or {},
    }
    entry_bytes = canonical_bytes(body)
    leaf = hashlib.sha256(b"\x00" + entry_bytes).digest()
    entry = LedgerEntry.objects.create(
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
    tree.store_nodes_for(index, leaf)
    _schedule_checkpoint_check()
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
