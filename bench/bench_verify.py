"""Verify benchmark: `sanxiang verify` against re-hashing the same leaves and nodes.

    .venv/bin/python bench/bench_verify.py [ENTRIES]      (default 300,000; env BENCH_VERIFY_ENTRIES)

The anchor, measured in the same process: the entry bytes already in memory, SHA-256 of every
leaf and every interior node in a pure-Python loop — the least any verifier recomputing the tree
in Python does. `verify_ratio` = the default (incremental) run's wall time over the anchor's
(target ≤ 3); `verify_full_ratio` the same for `--full`, which also checks every checkpoint (one
every CHECKPOINT_EVERY entries); `full_ms_per_checkpoint` is the difference per checkpoint.
Works in its own fresh database (temporary SQLite, or a new database on the `DATABASE_URL`
server, dropped afterwards). Prints one JSON line.
"""

import hashlib
import json
import os
import platform
import sys
import time
import uuid

ENTRIES = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_VERIFY_ENTRIES", 300_000))
CHECKPOINT_EVERY = int(os.environ.get("BENCH_VERIFY_CHECKPOINT_EVERY", 10_000))

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from fresh import drop  # noqa: E402  (a fresh installation, Django set up)

from sanxiang.ledger import checkpoints, signing, verify  # noqa: E402
from sanxiang.ledger.models import Checkpoint  # noqa: E402
from sanxiang.ledger.registry import register_actions  # noqa: E402
from sanxiang.lib import merkle  # noqa: E402
from sanxiang.lib.canonical import canonical_bytes  # noqa: E402

register_actions({"bench_record": "基准测试记录"})

ENTRY_COLS = ["index", "created_at", "agency", "actor", "action", "object_type", "object_id",
              "state_digest", "deleted", "entry", "leaf_hash"]


def _insert(table, columns, rows):
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


def fill(total):
    """Entries shaped as append_entry writes them (an announcement-sized payload), their nodes,
    and a signed checkpoint every CHECKPOINT_EVERY entries."""
    signer, now, stack, index = signing.signer(), timezone.now(), [], 0
    while index < total:
        rows, nodes, signed = [], [], []
        for index in range(index, min(index + 20_000, total)):
            body = {"index": index, "time": now.isoformat(), "agency": "bench", "actor": "bench-admin",
                    "action": "bench_record", "operation": uuid.uuid4().hex,
                    "object_type": "bench.record", "object_id": str(index),
                    "state_digest": hashlib.sha256(str(index).encode()).hexdigest(),
                    "deleted": False, "files": [],
                    "payload": {"text": {"old": None, "new": f"基准公告 {index}"}}}
            data = canonical_bytes(body)
            leaf = merkle.leaf_hash(data)
            rows.append((index, now, "bench", "bench-admin", "bench_record", "bench.record",
                         str(index), body["state_digest"], False, data.decode(), leaf.hex()))
            node, level = leaf, 0
            while stack and stack[-1][0] == level:
                node = merkle.node_hash(stack.pop()[1], node)
                level += 1
                nodes.append((level, ((index + 1) >> level) - 1, node.hex()))
            stack.append((level, node))
            if (index + 1) % CHECKPOINT_EVERY == 0 or index + 1 == total:
                signed.append((index + 1, fold(stack)))
        index += 1
        with transaction.atomic():
            _insert("ledger_ledgerentry", ENTRY_COLS, rows)
            _insert("ledger_merklenode", ["level", "index", "hash"], nodes)
            for size, root in signed:
                Checkpoint.objects.create(tree_size=size, root_hash=root.hex(), created_at=now,
                                          note=signer.sign(checkpoints.body(size, root)))


def fold(stack):
    root = stack[-1][1]
    for _, node in reversed(stack[:-1]):
        root = merkle.node_hash(node, root)
    return root


def rehash(datas):
    """The anchor: every leaf and interior node hashed in a pure-Python loop."""
    sha256 = hashlib.sha256
    stack = []
    for data in datas:
        node, level = sha256(b"\x00" + data).digest(), 0
        while stack and stack[-1][0] == level:
            node = sha256(b"\x01" + stack.pop()[1] + node).digest()
            level += 1
        stack.append((level, node))
    return fold(stack)


def best_of(runs, call):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        value = call()
        times.append(time.perf_counter() - start)
    return min(times), value


def main():
    call_command("migrate", verbosity=0)
    fill(ENTRIES)
    with connection.cursor() as cursor:
        cursor.execute('SELECT entry FROM ledger_ledgerentry ORDER BY "index"')
        datas = [row[0].encode() for row in cursor.fetchall()]
    anchor_s, root = best_of(3, lambda: rehash(datas))
    assert root.hex() == Checkpoint.objects.order_by("-tree_size").first().root_hash
    verify_s, report = best_of(3, lambda: verify.run(full=True, remember=False))
    checkpoints_total = Checkpoint.objects.count()
    verify.run()  # remembers the latest checkpoint
    incremental_s, incremental = best_of(3, lambda: verify.run())
    result = {
        "bench": "verify", "database": connection.vendor, "entries": ENTRIES,
        "checkpoints": checkpoints_total,
        "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}",
        "rehash_s": round(anchor_s, 3),
        # The default run: every entry, node, object and file; checkpoints verified before skipped.
        "verify_s": round(incremental_s, 3),
        "verify_ratio": round(incremental_s / anchor_s, 2),
        "verify_ratio_target": 3,
        "verify_ok": incremental.ok,
        "verify_full_s": round(verify_s, 3),
        "verify_full_ratio": round(verify_s / anchor_s, 2),
        "verify_full_ok": report.ok,
        "verify_findings": [f.code for f in report.findings][:5],
        "incremental_checkpoints_checked": incremental.checkpoints,
        "full_ms_per_checkpoint": round((verify_s - incremental_s) * 1000 / max(checkpoints_total, 1), 2),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    finally:
        drop()
