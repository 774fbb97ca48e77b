"""Sequencing (排序): giving entries their index and their place in the Merkle tree.

An entry is either sequenced inline — inside the action's transaction, under the ledger lock —
or committed with its action as a `PendingEntry` and sequenced moments later by the integrator
(`integrate`), which takes the lock once for a whole batch: reads the tree's right edge once,
writes the entries and the completed subtrees in bulk, and deletes the pending rows, all in one
transaction. See docs/decisions/0014-sequencer.md for when which happens and why.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from sanxiang.lib import merkle
from sanxiang.lib.canonical import canonical_bytes

from . import checkpoints, tree
from .models import LedgerEntry, PendingEntry

logger = logging.getLogger("sanxiang.ledger")

BATCH = 5000
# The columns every sequenced or pending row carries, in this order (`Row`).
ROW_FIELDS = ("created_at", "agency", "actor", "action", "object_type", "object_id",
              "state_digest", "deleted", "body", "split")
_ENTRY_FIELDS = LedgerEntry._meta.concrete_fields
_ENTRY_COLUMNS = [f.column for f in _ENTRY_FIELDS]
_PENDING_FIELDS = [PendingEntry._meta.get_field(name) for name in ROW_FIELDS]
_HEAD_KEYS = ("action", "actor", "agency", "deleted", "files")  # the keys sorting before "index"


@dataclass(frozen=True)
class EntryText:
    """An entry's canonical JSON without its index, and where `"index":N` goes.

    The keys sort as action, actor, agency, deleted, files, index, object_id, …, so the entry
    bytes are the canonical JSON of the keys before `index`, then `,"index":N`, then the rest:
    `with_index(n)` equals `canonical_bytes(body | {"index": n})` exactly (tested)."""

    body: str
    split: int

    @classmethod
    def of(cls, body: dict) -> EntryText:
        head = canonical_bytes({key: body[key] for key in _HEAD_KEYS}).decode("utf-8")
        tail = canonical_bytes({key: value for key, value in body.items()
                                if key not in _HEAD_KEYS and key != "index"}).decode("utf-8")
        return cls(f"{head[:-1]},{tail[1:]}", len(head) - 1)

    def with_index(self, index: int) -> str:
        return f'{self.body[:self.split]},"index":{index}{self.body[self.split:]}'


def mode() -> str:
    """`auto` (default): inline when the ledger lock is free — always on SQLite, whose one writer
    holds it anyway — else pending; `deferred`: always pending; `inline`: always wait for the
    lock (the behaviour before the sequencer)."""
    return getattr(settings, "LEDGER_SEQUENCING", "auto")


def try_lock() -> bool:
    """Take the ledger lock if it is free (PostgreSQL); SQLite's IMMEDIATE transaction has it."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [checkpoints.PG_APPEND_LOCK])
        return bool(cursor.fetchone()[0])


def right_edge() -> tuple[int, list[tuple[int, bytes]]]:
    """The tree size and its frontier: the hashes of the maximal complete subtrees, left to
    right (at most log2 N of them, fetched in at most two queries). Call under the lock."""
    size = tree.tree_size()
    keys, pos = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size & (1 << level):
            keys.append((level, pos >> level))
            pos += 1 << level
    found = tree.fetch(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        level, index = missing[0]
        raise tree.TreeDamaged(f"账本树缺少节点 (层 {level}, 序号 {index})，无法追加")
    return size, [(level, found[(level, index)]) for level, index in keys]


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > 1:  # COPY's set-up costs a round trip
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
            if len(rows) == 1:
                cursor.execute(sql, rows[0])
            else:
                cursor.executemany(sql, rows)


def sequence(rows: list[tuple]) -> int:
    """Append `rows` (tuples in `ROW_FIELDS` order) as the next entries, with the subtrees they
    complete; return the first index. The caller holds the ledger lock in its transaction."""
    size, stack = right_edge()
    created_at = _ENTRY_FIELDS[[f.name for f in _ENTRY_FIELDS].index("created_at")]
    prepared: dict = {}
    entries, nodes = [], []
    for offset, (when, agency, actor, action, object_type, object_id, digest, deleted, body,
                 split) in enumerate(rows):
        index = size + offset
        text = EntryText(body, split).with_index(index)
        leaf = hashlib.sha256(b"\x00" + text.encode("utf-8")).digest()
        if when not in prepared:  # rows of one act share their time
            prepared[when] = created_at.get_db_prep_save(when, connection)
        entries.append(_entry_row(index, prepared[when], agency, actor, action, object_type,
                                  object_id, digest, bool(deleted), text, leaf.hex()))
        node, level = leaf, 0
        while stack and stack[-1][0] == level:
            node = merkle.node_hash(stack.pop()[1], node)
            level += 1
            nodes.append((level, ((index + 1) >> level) - 1, node.hex()))
        stack.append((level, node))
    _insert(LedgerEntry._meta.db_table, _ENTRY_COLUMNS, entries)
    _insert("ledger_merklenode", ["level", "index", "hash"], nodes)
    return size


_ORDER = [f.attname for f in _ENTRY_FIELDS]


def _entry_row(index, created_at, agency, actor, action, object_type, object_id, digest,
               deleted, text, leaf) -> tuple:
    values = {"index": index, "created_at": created_at, "agency": agency, "actor": actor,
              "action": action, "object_type": object_type, "object_id": object_id,
              "state_digest": digest, "deleted": deleted, "entry": text, "leaf_hash": leaf}
    return tuple(values[name] for name in _ORDER)


def add_pending(rows: list[tuple]) -> None:
    """Commit `rows` with the caller's transaction, to be sequenced by the integrator."""
    prepared = [tuple(f.get_db_prep_save(v, connection) for f, v in zip(_PENDING_FIELDS, row))
                for row in rows]
    _insert(PendingEntry._meta.db_table, [f.column for f in _PENDING_FIELDS], prepared)


def has_pending() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM ledger_pendingentry LIMIT 1")
        return cursor.fetchone() is not None


def integrate(*, wait: bool = True, batch: int = BATCH, known_pending: bool = False) -> int:
    """Sequence the committed pending entries, oldest first, in batches of `batch` per
    transaction; return how many. With `wait=False` give up at once when another writer holds
    the lock (it, or the job runner's next tick, will integrate them)."""
    done = 0
    while known_pending or has_pending():
        known_pending = False
        with transaction.atomic():
            if wait:
                checkpoints.lock_ledger()
            elif not try_lock():
                return done
            count = _sequence_batch(batch)
            if not count:
                return done
        done += count
        if count < batch:
            break
    return done


def _sequence_batch(batch: int) -> int:
    """Sequence up to `batch` committed pending entries, oldest first; the caller holds the lock."""
    # Read after taking the lock: rows another integrator has just sequenced are gone.
    pending = list(PendingEntry.objects.order_by("id").values_list("id", *ROW_FIELDS)[:batch])
    if not pending:
        return 0
    sequence([row[1:] for row in pending])
    ids = [row[0] for row in pending]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            cursor.execute(f"DELETE FROM ledger_pendingentry WHERE id IN "
                           f"({', '.join(['%s'] * len(part))})", part)
    return len(pending)


def sequence_pending() -> None:
    """Sequence every committed pending entry inside the caller's transaction, which holds the
    lock: an inline append calls it first, so that it never overtakes one of them."""
    while _sequence_batch(BATCH) == BATCH:
        pass


def integrate_after_commit() -> None:
    """After an act committed pending entries: sequence them now if the lock is free (else its
    holder is busy and the job runner's next tick, within 0.2 s, does it). A failure here must
    not turn a committed act into an error."""
    try:
        integrate(wait=False, known_pending=True)
    except DatabaseError:
        logger.exception("留痕条目排序失败，将由定时任务重试")


def integrate_tick() -> int:
    """The job runner's every-tick sweep (sanxiang.jobs.worker): a read when nothing is pending."""
    return integrate(wait=True)


# --- what `verify` needs to know about entries not yet in the tree --------------------------

def pending_count() -> int:
    return PendingEntry.objects.count()


def pending_states(object_type: str) -> dict[str, tuple[str, bool, str]]:
    """object_id → (state digest, deleted, "待排序 #id") of its latest pending entry."""
    rows = (PendingEntry.objects.filter(object_type=object_type).order_by("id")
            .values_list("object_id", "state_digest", "deleted", "id"))
    return {object_id: (digest, deleted, f"待排序 #{pk}") for object_id, digest, deleted, pk in rows}


def pending_files() -> dict[str, dict]:
    """path → the latest pending record of it (pending entries come after every sequenced one)."""
    files: dict[str, dict] = {}
    with_files = PendingEntry.objects.filter(body__contains='"files":[{').order_by("id")
    for body in with_files.values_list("body", flat=True).iterator():
        for record in json.loads(body).get("files") or ():
            if isinstance(record, dict) and isinstance(record.get("path"), str):
                files[record["path"]] = record
    return files
