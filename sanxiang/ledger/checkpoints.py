"""Checkpoints (检查点): C2SP tlog-checkpoint notes over the ledger's tree, signed and stored.

Signed by the scheduled job `sign_checkpoint` (sanxiang.jobs) and by `sanxiang checkpoint`, never
inside a request: a request only reads the latest stored checkpoint.
"""

from __future__ import annotations

import base64
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


def is_stale(checkpoint: Checkpoint | None, size: int) -> bool:
    """A new checkpoint is due when entries were appended since the latest one (an empty ledger
    has nothing to attest). The job runner asks this every few seconds (sanxiang.jobs)."""
    return size > (checkpoint.tree_size if checkpoint is not None else 0)


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
