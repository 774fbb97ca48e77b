"""Backup under load: how long requests and writes wait while `sanxiang backup` runs.

    .venv/bin/python bench/bench_backup.py [FILLER_ROWS]      (default 300,000)

Works in its own fresh database (a temporary SQLite file, or with DATABASE_URL a new PostgreSQL
database on that server, dropped afterwards). The database is made sizeable with filler rows
(announcements of about 400 bytes written directly, not ledgered — the backup reads them like any
table) plus a real ledger of actions and a signed checkpoint. Then, twice for the same number of
seconds — first with nothing else running (the anchor), then while the real `sanxiang backup`
command runs in a subprocess — three threads of this process work against the database:

* a writer: `do_post_announcement` through the full action path (row, ledger entry, tree);
* a login: `POST /login/` of a demo-like officer through Django's test client (session, throttle);
* a reader: a page-like query (the latest checkpoint and a count of users).

Each kind of load runs in a process of its own, as a multi-process server's requests would.
Prints one JSON line: per kind, operations, failures, p99 and the longest wait, alone (the anchor,
`BENCH_BACKUP_ANCHOR_SECONDS`, default 30) and during the backup, and their ratio; the backup's
own duration and size. With `BENCH_BACKUP_BEFORE=<older source tree>` the same load is measured
during that version's backup too. The goal of issue 6 §4: none fails, none waits more than a
second.
"""

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILLER = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_BACKUP_ROWS", 300_000))
ANCHOR_SECONDS = float(os.environ.get("BENCH_BACKUP_ANCHOR_SECONDS", 30))
# An older source tree (e.g. `git archive <commit>`): its backup is measured too, for comparison.
BEFORE = os.environ.get("BENCH_BACKUP_BEFORE", "")

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from fresh import drop  # noqa: E402  (a fresh installation, Django set up)

from sanxiang.access.actors import OPERATOR  # noqa: E402
from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint  # noqa: E402
from sanxiang.ledger.models import Checkpoint  # noqa: E402

SANXIANG = str(Path(sys.executable).parent / "sanxiang")
PASSWORD = "bench-password-2026"
TEXT = "基准填充数据：" + "行政执法公示记录" * 40  # ≈ 400 bytes in UTF-8


def fill(rows: int):
    table = connection.ops.quote_name("ledger_announcement")
    now = timezone.now()
    batch = 10_000
    with connection.cursor() as cursor:
        for start in range(0, rows, batch):
            values = [(f"{TEXT}{i}", "bench", now) for i in range(start, min(start + batch, rows))]
            with transaction.atomic():
                cursor.executemany(f"INSERT INTO {table} (text, agency, posted_at) VALUES (%s, %s, %s)", values)


def worker(kind: str, stop, results):
    """One kind of load in a process of its own (as the server's processes are), until `stop`."""
    connections.close_all()  # never share the parent's connection across fork
    latencies, failures, errors = [], 0, []
    client = Client()
    n = 0
    while not stop.is_set():
        n += 1
        started = time.perf_counter()
        try:
            if kind == "writer":
                do_post_announcement(f"备份期间的公告 {os.getpid()}-{n}", actor=OPERATOR)
            elif kind == "login":
                response = client.post("/login/", {"username": "bench-officer", "password": PASSWORD})
                if response.status_code != 302:
                    raise RuntimeError(f"login answered {response.status_code}")
                client.logout()
            else:
                Checkpoint.objects.order_by("-tree_size").first()
                get_user_model().objects.count()
        except Exception as exc:  # a failure is a result here, counted and named
            failures += 1
            errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
        latencies.append(time.perf_counter() - started)
    connections.close_all()
    results.put((kind, {"latencies": latencies, "failures": failures, "errors": errors[:3]}))


def run_load(seconds: float | None = None, during=None) -> dict:
    """Run the three kinds of load for `seconds`, or for as long as `during()` takes."""
    context = multiprocessing.get_context("fork")
    stop, results = context.Event(), context.Queue()
    connections.close_all()
    processes = [context.Process(target=worker, args=(k, stop, results)) for k in ("writer", "login", "reader")]
    for process in processes:
        process.start()
    time.sleep(1.0)  # every worker under way before the measured event starts
    started = time.perf_counter()
    extra = during() if during else time.sleep(seconds)
    elapsed = time.perf_counter() - started
    stop.set()
    out = dict(results.get(timeout=600) for _ in processes)
    for process in processes:
        process.join()
    return {"elapsed": elapsed, "extra": extra, "workers": out}


def summary(worker_result: dict, elapsed: float) -> dict:
    lat = sorted(worker_result["latencies"])
    return {
        "ops": len(lat),
        "ops_per_s": round(len(lat) / elapsed, 1),
        "failures": worker_result["failures"],
        "errors": worker_result["errors"],
        "p99_ms": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000, 1) if lat else None,
        "max_ms": round(lat[-1] * 1000, 1) if lat else None,
        "median_ms": round(statistics.median(lat) * 1000, 2) if lat else None,
    }


def run_backup(source_tree: str = ""):
    target = Path(tempfile.mkdtemp(prefix="sanxiang-bench-backup-")) / "backup"
    command, env = [SANXIANG, "backup", str(target)], dict(os.environ)
    if source_tree:
        command = [sys.executable, "-c", "import sys; from sanxiang.cli import main; sys.exit(main())",
                   "backup", str(target)]
        env["PYTHONPATH"] = source_tree
    started = time.perf_counter()
    # Run from the older tree: `python -c` puts the current directory first on sys.path.
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=source_tree or None)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"sanxiang backup failed: {result.stderr}")
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    return {"seconds": round(seconds, 1), "bytes": size, "rows": sum(manifest["counts"].values())}


def main():
    call_command("migrate", verbosity=0)
    get_user_model().objects.create_user("bench-officer", password=PASSWORD)
    for i in range(500):
        do_post_announcement(f"基准账本公告 {i}", actor=OPERATOR)
    do_take_checkpoint(actor=OPERATOR)
    t = time.perf_counter()
    fill(FILLER)
    fill_seconds = time.perf_counter() - t
    connections.close_all()

    anchor = run_load(ANCHOR_SECONDS)
    during = run_load(during=run_backup)
    result = {"bench": "backup", "database": connection.vendor, "filler_rows": FILLER,
              "fill_s": round(fill_seconds, 1), "backup": during["extra"]}
    for kind in ("writer", "login", "reader"):
        quiet = summary(anchor["workers"][kind], anchor["elapsed"])
        busy = summary(during["workers"][kind], during["elapsed"])
        result[kind] = {
            "alone": quiet, "during_backup": busy,
            "max_wait_ratio": round(busy["max_ms"] / quiet["max_ms"], 2) if quiet["max_ms"] else None,
            "throughput_ratio": round(busy["ops_per_s"] / quiet["ops_per_s"], 2) if quiet["ops_per_s"] else None,
        }
    if BEFORE:
        before = run_load(during=lambda: run_backup(BEFORE))
        result["before"] = {"source_tree": BEFORE, "backup": before["extra"]}
        for kind in ("writer", "login", "reader"):
            result["before"][kind] = summary(before["workers"][kind], before["elapsed"])
    result["none_failed"] = all(result[k]["during_backup"]["failures"] == 0 for k in ("writer", "login", "reader"))
    result["longest_wait_during_backup_ms"] = max(result[k]["during_backup"]["max_ms"] for k in ("writer", "login", "reader"))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    finally:
        drop()
