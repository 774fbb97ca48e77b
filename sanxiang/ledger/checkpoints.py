"""Checkpoints (检查点): C2SP tlog-checkpoint notes over the ledger's tree, signed and stored.

Signed by the scheduled job `sign_checkpoint` (sanxiang.jobs) and by `sanxiang checkpoint`, never
inside a request: a request only reads stored checkpoints.

A stored row is only a claim: anyone with database access can insert one. A checkpoint is
*valid* (有效检查点) when its Ed25519 signature verifies under the deployment's key or a trusted
key, its origin is ours, its columns agree with the signed text, its size is within the tree and
its root is the tree's root at that size. Only valid checkpoints are served, listed, and counted
by the staleness check. Validation results are cached per row in the process (a row cannot
change under the append-only triggers; the cache key includes the note itself anyway), so the
public GET costs two indexed queries once a checkpoint has been seen.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from sanxiang.lib import merkle

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
    """The latest stored row, valid or not (for tests and diagnostics; serve `latest_valid`)."""
    return Checkpoint.objects.order_by("-tree_size", "-id").first()


# --- validity -------------------------------------------------------------------------------

_VALIDATED: OrderedDict[tuple, str] = OrderedDict()
_VALIDATED_MAX = 50_000
_BATCH = 32


def _cache_key(row: Checkpoint, keys: tuple) -> tuple:
    return (connection.settings_dict.get("NAME"), row.pk, row.tree_size, row.root_hash, row.note,
            keys)


def _roots(sizes: set[int]) -> dict[int, bytes]:
    """Tree roots at several sizes with one batched fetch of stored subtrees."""
    calls = {size: (lambda get, size=size: merkle.root(size, get)) for size in sizes}
    keys = set().union(*(merkle.needed_nodes(call) for call in calls.values())) if calls else set()
    found = tree.fetch(keys)
    roots = {}
    for size, call in calls.items():
        try:
            roots[size] = call(lambda level, index: found[(level, index)])
        except KeyError:
            pass  # the stored tree is damaged there: `verify` names it
    return roots


def problems(rows: list[Checkpoint], size: int | None = None) -> dict[int, str]:
    """Why each of `rows` is not a valid checkpoint (中文), keyed by row id; valid rows are absent.

    `size` is the current tree size (read when not given). Only lasting verdicts are cached: a
    row beyond the tree today may be within it tomorrow."""
    size = tree.tree_size() if size is None else size
    verifiers = [v for v in signing.trusted_verifiers() if v.kind == "ed25519"]
    keys = tuple(v.vkey for v in verifiers)
    found: dict[int, str] = {}
    pending: list[tuple[Checkpoint, tuple, int, bytes]] = []
    for row in rows:
        if row.tree_size > size:
            found[row.pk] = f"树大小 {row.tree_size} 超过账本当前的 {size} 条"
            continue
        key = _cache_key(row, keys)
        if key in _VALIDATED:
            _VALIDATED.move_to_end(key)
            if _VALIDATED[key]:
                found[row.pk] = _VALIDATED[key]
            continue
        problem = _signed_problem(row, verifiers)
        if problem:
            _remember(key, problem)
            found[row.pk] = problem
        else:
            pending.append((row, key))
    roots = _roots({row.tree_size for row, _ in pending})
    for row, key in pending:
        root = roots.get(row.tree_size)
        if root is None:
            found[row.pk] = "账本树在该大小处缺少节点"
            continue  # not remembered: the tree may be repaired
        problem = "" if root.hex() == row.root_hash else "根哈希与账本树在该大小处的根不一致"
        _remember(key, problem)
        if problem:
            found[row.pk] = problem
    return found


def _signed_problem(row: Checkpoint, verifiers: list[signing.Verifier]) -> str:
    try:
        opened = signing.open_note(row.note, verifiers)
        parsed = parse_body(opened.text)
    except ValueError as exc:
        return str(exc)
    if opened.failed:
        return "签名验证失败"
    if not opened.verified:
        return "没有本部署或受信任公钥的签名"
    if parsed.origin != settings.LEDGER_ORIGIN:
        return f"来源 {parsed.origin} 不是本部署 {settings.LEDGER_ORIGIN}"
    if parsed.size != row.tree_size or parsed.root.hex() != row.root_hash:
        return "数据列与已签名内容不一致"
    return ""


def _remember(key: tuple, problem: str) -> None:
    _VALIDATED[key] = problem
    if len(_VALIDATED) > _VALIDATED_MAX:
        _VALIDATED.popitem(last=False)


def _valid_rows(queryset, size: int, limit: int):
    """Walk `queryset` (ordered) and yield up to `limit` valid rows, a batch at a time."""
    offset, yielded = 0, 0
    while yielded < limit:
        rows = list(queryset[offset:offset + _BATCH])
        if not rows:
            return
        bad = problems(rows, size)
        for row in rows:
            if row.pk not in bad:
                yield row
                yielded += 1
                if yielded >= limit:
                    return
        offset += _BATCH


def latest_valid(size: int | None = None) -> Checkpoint | None:
    """最新有效检查点 — the latest valid checkpoint, the one the API serves (None before any).

    Forged or foreign rows, and rows beyond the tree, are skipped whatever their size."""
    size = tree.tree_size() if size is None else size
    queryset = Checkpoint.objects.filter(tree_size__lte=size).order_by("-tree_size", "-id")
    return next(_valid_rows(queryset, size, 1), None)


def valid_history(before: int | None = None, limit: int = 50,
                  size: int | None = None) -> list[Checkpoint]:
    """Valid checkpoints, newest first, one per tree size, with tree size < `before`."""
    size = tree.tree_size() if size is None else size
    queryset = Checkpoint.objects.filter(tree_size__lte=size).order_by("-tree_size", "-id")
    if before is not None:
        queryset = queryset.filter(tree_size__lt=before)
    out: list[Checkpoint] = []
    for row in _valid_rows(queryset, size, 10 * limit):
        if out and out[-1].tree_size == row.tree_size:
            continue
        out.append(row)
        if len(out) >= limit:
            break
    return out


def valid_at(tree_size: int) -> Checkpoint | None:
    """The valid checkpoint of exactly `tree_size` entries (the latest signed, if several)."""
    size = tree.tree_size()
    if tree_size > size:
        return None
    queryset = Checkpoint.objects.filter(tree_size=tree_size).order_by("-id")
    return next(_valid_rows(queryset, size, 1), None)


def is_stale(checkpoint: Checkpoint | None, size: int) -> bool:
    """A new checkpoint is due when entries were appended since the latest valid one (an empty
    ledger has nothing to attest). The job runner asks this every few seconds (sanxiang.jobs)."""
    return size > (checkpoint.tree_size if checkpoint is not None else 0)


@transaction.atomic
def take(force: bool = False) -> Checkpoint:
    """Sign and store a checkpoint of the current tree (or return the latest valid one if it is
    current)."""
    lock_ledger()
    size = tree.tree_size()
    current = latest_valid(size)
    if current is not None and current.tree_size == size and not force:
        return current
    root = tree.root(size)
    note = signing.signer().sign(body(size, root))
    checkpoint = Checkpoint.objects.create(tree_size=size, root_hash=root.hex(), note=note,
                                           created_at=timezone.now())
    return checkpoint
