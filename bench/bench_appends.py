"""Append throughput: the action path against raw writes of the same rows, 1 and 8 writers, and
bulk import — all in one process and run, reported as absolute rates and ratios to the anchors.

    .venv/bin/python bench/bench_appends.py            (env BENCH_ACTIONS, default 4000)

Works in its own fresh database (a temporary SQLite file, or with DATABASE_URL a new PostgreSQL
database on that server, dropped afterwards). Prints one JSON line. Writers are processes, each
with its own connection, as `sanxiang serve`'s workers are.

- raw_*: `Announcement.objects.create(...)` in its own transaction — the domain write alone;
- actions_*: `do_post_announcement(...)` — the same row plus its ledger entry, through the action
  path, in each sequencing mode (`auto` is the default; `inline` always waits for the ledger
  lock, as before the sequencer; `deferred` always commits pending and integrates after commit);
- inclusion_lag_ms_max: the oldest pending entry's age, sampled every 20 ms during the 8-writer
  run — how long an entry waited for its index — with a thread doing what `make run`'s worker
  does (integrating every 0.2 s); pending_after_runs: entries still pending when a run ended;
- bulk_*: 20,000 historical records: `bulk_create` of the rows alone (anchor) and the rows plus
  `append_many` (the import path; also `append_many`'s own rate), then `verify` over everything.
"""

import json
import multiprocessing
import os
import threading
import time

ACTIONS = int(os.environ.get("BENCH_ACTIONS", 4000))
BULK = int(os.environ.get("BENCH_BULK", 20000))
WRITERS = 8

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from fresh import drop  # noqa: E402  (a fresh installation, Django set up)

from sanxiang.access.actors import MIGRATION  # noqa: E402
from sanxiang.ledger import sequencer, verify  # noqa: E402
from sanxiang.ledger.actions import do_post_announcement  # noqa: E402
from sanxiang.ledger.bulk import append_many  # noqa: E402
from sanxiang.ledger.models import Announcement, LedgerEntry, PendingEntry  # noqa: E402
from sanxiang.ledger.registry import register_actions  # noqa: E402

register_actions({"bench_import": "基准测试导入"})


def raw_write(i, user):
    with transaction.atomic():
        Announcement.objects.create(text=f"基准原始 {i}", agency="bench", posted_at=timezone.now(),
                                    posted_by=user)


def action_write(i, user):
    do_post_announcement(f"基准公告 {i}", actor=user, agency="bench")


def _worker(write, mode, count, offset, ready, start, done):
    settings.LEDGER_SEQUENCING = mode
    user = get_user_model().objects.get(username="bench")
    ready.put(os.getpid())
    start.wait()
    for i in range(offset, offset + count):
        write(i, user)
    connections.close_all()
    done.put(os.getpid())


def run_writers(write, writers, total, mode="auto", sample=False):
    """Fork `writers` processes that share `total` writes; return writes per second."""
    ctx = multiprocessing.get_context("fork")
    ready, done, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    connections.close_all()
    each = total // writers
    procs = [ctx.Process(target=_worker, args=(write, mode, each, n * each + run_writers.base,
                                               ready, start, done)) for n in range(writers)]
    run_writers.base += total
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=120)
    lag = {"max": 0.0, "stop": False}
    sampler = threading.Thread(target=_sample_lag, args=(lag,)) if sample else None
    ticker = threading.Thread(target=_worker_ticks, args=(lag,)) if sample else None
    t0 = time.perf_counter()
    start.set()
    if sampler:
        sampler.start()
        ticker.start()
    for _ in procs:
        done.get(timeout=600)
    elapsed = time.perf_counter() - t0
    lag["stop"] = True
    if sampler:
        sampler.join()
        ticker.join()
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"writer failed with exit code {p.exitcode}")
    return each * writers / elapsed, lag["max"]


run_writers.base = 0


def _worker_ticks(lag):
    """What `make run`'s worker does meanwhile: integrate what is pending every 0.2 s."""
    from sanxiang.jobs.worker import TICK_SECONDS

    try:
        while not lag["stop"]:
            time.sleep(TICK_SECONDS)
            sequencer.integrate_tick()
    finally:
        connection.close()


def _sample_lag(lag):
    try:
        while not lag["stop"]:
            oldest = PendingEntry.objects.order_by("id").values_list("created_at", flat=True).first()
            if oldest is not None:
                lag["max"] = max(lag["max"], (timezone.now() - oldest).total_seconds() * 1000)
            time.sleep(0.02)
    finally:
        connection.close()


def bulk(with_ledger: bool) -> tuple[float, float]:
    """Rows (and entries) per second, and entries per second of `append_many` alone."""
    start, in_ledger = time.perf_counter(), 0.0
    for first in range(0, BULK, 5000):
        with transaction.atomic():
            rows = Announcement.objects.bulk_create(
                [Announcement(text=f"{'历史记录' if with_ledger else '历史原始'} {i}", agency="bench",
                              posted_at=timezone.now())
                 for i in range(first, min(first + 5000, BULK))])
            if with_ledger:
                stored = list(Announcement.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk"))
                t = time.perf_counter()
                append_many(({"action": "bench_import", "obj": row, "agency": "bench",
                              "payload": {"来源": "历史系统", "n": row.pk}} for row in stored),
                            actor=MIGRATION)
                in_ledger += time.perf_counter() - t
    return BULK / (time.perf_counter() - start), BULK / in_ledger if in_ledger else 0.0


def main():
    call_command("migrate", verbosity=0)
    get_user_model().objects.create_user("bench", password="bench-password-1")
    result = {"bench": "appends", "database": connection.vendor, "actions": ACTIONS,
              "writers": WRITERS}
    user = get_user_model().objects.get(username="bench")
    # Warm up both paths (connections, caches, the first tree nodes).
    for i in range(200):
        action_write(-i - 1, user)
        raw_write(-i - 1, user)

    def single(write):
        t = time.perf_counter()
        for i in range(ACTIONS // 2):
            write(i, user)
        return (ACTIONS // 2) / (time.perf_counter() - t)

    raw_1 = single(raw_write)
    raw_8, _ = run_writers(raw_write, WRITERS, ACTIONS)
    rates = {"actions_1_auto": single(action_write)}
    lags = {}
    left_pending = 0
    for mode in ("auto", "inline", "deferred"):
        rates[f"actions_8_{mode}"], lags[mode] = run_writers(action_write, WRITERS, ACTIONS, mode,
                                                             sample=mode != "inline")
        left_pending += PendingEntry.objects.count()
        sequencer.integrate()
    result["raw_1_per_s"] = round(raw_1)
    result["raw_8_per_s"] = round(raw_8)
    for name, rate in rates.items():
        anchor = raw_1 if name.startswith("actions_1") else raw_8
        result[f"{name}_per_s"] = round(rate)
        result[f"{name}_ratio_to_raw"] = round(rate / anchor, 3)
    result["inclusion_lag_ms_max_auto"] = round(lags["auto"], 1)
    result["inclusion_lag_ms_max_deferred"] = round(lags["deferred"], 1)
    result["pending_after_runs"] = left_pending
    bulk_raw, _ = bulk(False)
    bulk_ledger, append_many_only = bulk(True)
    result["bulk_raw_rows_per_s"] = round(bulk_raw)
    result["bulk_import_entries_per_s"] = round(bulk_ledger)
    result["bulk_append_many_only_entries_per_s"] = round(append_many_only)
    result["bulk_import_ratio_to_raw"] = round(bulk_ledger / bulk_raw, 3)
    # The anchors' rows have no entries by design; verify the rest.
    Announcement.objects.filter(text__regex=r"^(基准原始|历史原始) ").delete()
    t = time.perf_counter()
    report = verify.run()
    result["verify_s"] = round(time.perf_counter() - t, 2)
    result["entries"] = LedgerEntry.objects.count()
    result["verify_ok"] = report.ok
    result["verify_findings"] = [f"{f.code}: {f.message}" for f in report.findings][:5]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    finally:
        drop()
