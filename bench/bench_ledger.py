"""Ledger benchmark: appends through the action path, `verify` over a large ledger, proof latency.

    .venv/bin/python bench/bench_ledger.py [ENTRIES]      (default 1,000,000)

Works in its own fresh database: a temporary SQLite file, or with DATABASE_URL a new PostgreSQL
database created on that server (and dropped afterwards). Prints one JSON line.
The bulk of the ledger is inserted directly (correct entries and nodes, as `append_entry` would
write them) to build a million-entry database quickly; appends are timed through
`do_post_announcement`.
"""

import hashlib
import json
import os
import platform
import random
import statistics
import sys
import time

ENTRIES = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_ENTRIES", 1_000_000))
APPENDS = int(os.environ.get("BENCH_APPENDS", 5000))

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from fresh import drop  # noqa: E402  (a fresh installation, Django set up)

from sanxiang.ledger import checkpoints, signing, tree, verify  # noqa: E402
from sanxiang.ledger.actions import do_post_announcement  # noqa: E402
from sanxiang.ledger.models import Checkpoint  # noqa: E402
from sanxiang.ledger.registry import register_actions  # noqa: E402
from sanxiang.lib import merkle  # noqa: E402
from sanxiang.lib.canonical import canonical_bytes  # noqa: E402

# The bulk-filled entries record this act; verify names entries whose action nobody registered.
register_actions({"bench_record": "基准测试记录"})

ENTRY_COLS = ["index", "created_at", "agency", "actor", "action", "object_type", "object_id",
              "state_digest", "deleted", "entry", "leaf_hash"]


def _insert(table, columns, rows):
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


def time_appends(user):
    rates = []
    per_run = max(APPENDS // 5, 1)
    for run in range(5):
        start = time.perf_counter()
        for i in range(per_run):
            do_post_announcement(f"基准公告 {run}-{i}", actor=user, agency="bench")
        rates.append(per_run / (time.perf_counter() - start))
    return statistics.median(rates)


def bulk_fill(target):
    """Append entries directly (same bytes and nodes as append_entry) up to `target`."""
    start_index = tree.tree_size()
    # Rebuild the frontier of the existing tree from the stored nodes.
    stack = []
    pos = 0
    for level in range(start_index.bit_length(), -1, -1):
        if start_index & (1 << level):
            stack.append((level, tree.root_range(pos, pos + (1 << level))))
            pos += 1 << level
    signer = signing.signer()
    now = timezone.now()
    batch, nodes, cp_every = 20000, [], 100_000
    index = start_index
    while index < target:
        rows = []
        for index in range(index, min(index + batch, target)):
            body = {"index": index, "time": now.isoformat(), "agency": "bench", "actor": "bench",
                    "action": "bench_record", "object_type": "bench.record",
                    "object_id": str(index), "state_digest": hashlib.sha256(str(index).encode()).hexdigest(),
                    "deleted": False, "files": [], "payload": {"n": index, "note": "基准数据"}}
            data = canonical_bytes(body)
            leaf = merkle.leaf_hash(data)
            rows.append((index, now, "bench", "bench", "bench_record", "bench.record", str(index),
                         body["state_digest"], False, data.decode(), leaf.hex()))
            node, level = leaf, 0
            while stack and stack[-1][0] == level:
                node = merkle.node_hash(stack.pop()[1], node)
                level += 1
                nodes.append((level, ((index + 1) >> level) - 1, node.hex()))
            stack.append((level, node))
        index += 1
        with transaction.atomic():
            _insert("ledger_ledgerentry", ENTRY_COLS, rows)
            _insert("ledger_merklenode", ["level", "index", "hash"], nodes)
            nodes = []
            if index % cp_every == 0 or index == target:
                root = tree.root(index)
                Checkpoint.objects.create(tree_size=index, root_hash=root.hex(), created_at=now,
                                          note=signer.sign(checkpoints.body(index, root)))


def time_proofs(size, samples=1000):
    rng = random.Random(6962)
    inclusion, consistency = [], []
    for _ in range(samples):
        i = rng.randrange(size)
        t = time.perf_counter()
        tree.inclusion_proof(i, size)
        inclusion.append((time.perf_counter() - t) * 1000)
    for _ in range(samples // 5):
        m = rng.randrange(1, size)
        t = time.perf_counter()
        tree.consistency_proof(m, size)
        consistency.append((time.perf_counter() - t) * 1000)
    q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]  # noqa: E731
    return {"inclusion_ms_p50": round(statistics.median(inclusion), 3),
            "inclusion_ms_p95": round(q(inclusion, 0.95), 3),
            "consistency_ms_p50": round(statistics.median(consistency), 3),
            "consistency_ms_p95": round(q(consistency, 0.95), 3)}


def time_api(size, samples=200):
    from django.test import Client
    client, rng, lat = Client(), random.Random(1), []
    for _ in range(samples):
        t = time.perf_counter()
        response = client.get("/api/v1/ledger/proofs/inclusion",
                              {"index": rng.randrange(size), "size": size})
        lat.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    return round(sorted(lat)[int(0.95 * len(lat))], 3)


def main():
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    result = {"bench": "ledger", "database": connection.vendor, "entries": ENTRIES,
              "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}"}
    result["appends_per_s_median"] = round(time_appends(user), 1)
    t = time.perf_counter()
    bulk_fill(ENTRIES)
    result["bulk_fill_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    report = verify.run()
    result["verify_s"] = round(time.perf_counter() - t, 2)
    result["verify_ok"] = report.ok
    result["verify_findings"] = [f.code for f in report.findings][:5]
    result.update(time_proofs(ENTRIES))
    result["api_inclusion_ms_p95"] = time_api(ENTRIES)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    finally:
        drop()
