"""Checkpoints (检查点): C2SP tlog-checkpoint notes over the ledger's tree, signed and stored."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import signing, tree
from .models import Checkpoint

PG_APPEND_LOCK = 6962


def lock_ledger() -> None:
    """Serialise ledger writers. On SQLite the IMMEDIATE transaction already holds the lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_APPEND_LOCK])


def every_entries() -> int:
    return int(getattr(settings, "LEDGER_CHECKPOINT_EVERY_ENTRIES", 10000))


def every_minutes() -> float:
    return float(getattr(settings, "LEDGER_CHECKPOINT_EVERY_MINUTES", 60))


def body(size: int, root: bytes, origin: str | None = None) -> str:
    origin = origin or settings.LEDGER_ORIGIN
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


@dataclass
class Parsed:
    origin: str
    size: int
    root: bytes


def parse_body(text: str) -> Parsed:
    """Parse the checkpoint text (the signed part); raises ValueError in 中文 when malformed."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise ValueError("检查点格式错误：至少需要来源、树大小、根哈希三行")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not origin or not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise ValueError("检查点格式错误：来源或树大小不合法")
    try:
        root = base64.b64decode(root_text, validate=True)
    except ValueError as exc:
        raise ValueError("检查点格式错误：根哈希不是 base64") from exc
    if len(root) != 32:
        raise ValueError("检查点格式错误：根哈希长度不是 32 字节")
    return Parsed(origin, int(size_text), root)


def latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size", "-id").first()


def is_stale(checkpoint: Checkpoint | None, size: int, now: dt.datetime | None = None) -> bool:
    """A new checkpoint is due when none exists, or the tree grew and the latest is older than
    the configured number of entries or minutes."""
    if checkpoint is None:
        return True
    if size <= checkpoint.tree_size:
        return False
    now = now or timezone.now()
    return (size - checkpoint.tree_size >= every_entries()
            or now - checkpoint.created_at >= dt.timedelta(minutes=every_minutes()))


@transaction.atomic
def take(force: bool = False) -> Checkpoint:
    """Sign and store a checkpoint of the current tree (or return the latest if it is current)."""
    lock_ledger()
    size = tree.tree_size()
    current = latest()
    if current is not None and current.tree_size == size and not force:
        return current
    root = tree.root(size)
    note = signing.signer().sign(body(size, root))
    checkpoint = Checkpoint.objects.create(tree_size=size, root_hash=root.hex(), note=note,
                                           created_at=timezone.now())
    return checkpoint


def _latest_size_and_time() -> tuple[int, dt.datetime] | None:
    """(tree_size, created_at) of the latest checkpoint, by one raw indexed query: this runs
    after every committed append, where the ORM's overhead would dominate."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tree_size, created_at FROM ledger_checkpoint "
                       "ORDER BY tree_size DESC, id DESC LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    col = Checkpoint._meta.get_field("created_at").get_col(Checkpoint._meta.db_table)
    created_at = row[1]
    for converter in [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]:
        created_at = converter(created_at, col, connection)
    return row[0], created_at


# (tree_size, created_at) of the newest checkpoint this process has seen. A checkpoint only
# ever gets newer, so a stale value can only make one look due early; that is confirmed by a
# query before signing. It spares a query after every commit.
_seen_latest: tuple[int, dt.datetime] | None = None


def _is_due(size: int, seen) -> bool:
    if seen is None:
        return True
    cp_size, created_at = seen
    return size > cp_size and (
        size - cp_size >= every_entries()
        or timezone.now() - created_at >= dt.timedelta(minutes=every_minutes()))


def forget_seen_checkpoint() -> None:
    """After the ledger tables are emptied (flush, restore), the remembered checkpoint is void."""
    global _seen_latest
    _seen_latest = None


def after_commit(size: int) -> None:
    """Called once after a commit that appended entries; takes a checkpoint when one is due."""
    global _seen_latest
    if _seen_latest is not None and size >= _seen_latest[0] and not _is_due(size, _seen_latest):
        return
    _seen_latest = _latest_size_and_time()
    if not _is_due(size, _seen_latest):
        return
    checkpoint = take()
    _seen_latest = (checkpoint.tree_size, checkpoint.created_at)
