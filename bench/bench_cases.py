"""Case throughput: complete general-procedure penalty cases through the case actions, 1 and 8
writers, against bare ledger appends of the same count in the same run — "the case layer should
cost little on top of the ledger" (issue 7 §5).

    .venv/bin/python bench/bench_cases.py            (env BENCH_CASES, default 200)

Works in its own fresh database (a temporary SQLite file, or with DATABASE_URL a new PostgreSQL
database on that server, dropped afterwards). Prints one JSON line. Writers are processes, each
with its own connection, as `sanxiang serve`'s workers are; all work in one agency and unit (the
case numbers race: a losing filing is a `Conflict`, retried, counted in `file_conflicts_*`).

- cases_*: `case_lifecycle.run_case` — create, party, two handlers, verify, file, investigate,
  conclude, (legal review where the profile requires it), notify, waive, decide, serve, pay,
  close: each action its own transaction with its ledger entries and deadline obligations;
- appends_*: `do_post_announcement(...)` — one ledger entry per transaction through the action
  path, as many entries as the cases wrote (the anchor, measured right after, same writers);
- *_ratio_to_appends: the cases' ledger entries per second over the anchor's — 1.0 would mean a
  case costs no more than its bare entries; entries_per_case counts them (obligations included);
- ms_per_case_by_action_1: where a case's time goes with one writer; queries_per_case and
  queries_per_append: the SQL statements of one case and of one bare append (BEGIN/COMMIT included);
- verify_ok: `verify` over the whole ledger afterwards.
"""

import json
import multiprocessing
import os
import time

CASES = int(os.environ.get("BENCH_CASES", 200))
WRITERS = 8
WARM_UP = 3

from fresh import drop  # noqa: E402, I001  (a fresh installation, Django set up: first)

from case_lifecycle import make_cast, run_case  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from sanxiang.cases.models import Case  # noqa: E402
from sanxiang.ledger import sequencer, verify  # noqa: E402
from sanxiang.ledger.actions import do_post_announcement  # noqa: E402
from sanxiang.ledger.models import LedgerEntry  # noqa: E402


def cases_work(cast, count, offset, stats):
    for _ in range(count):
        stats["actions"] = stats.get("actions", 0) + run_case(cast, stats)


def appends_work(cast, count, offset, stats):
    for i in range(offset, offset + count):
        do_post_announcement(f"基准公告 {i}", actor=cast.officer, agency=cast.agency.code)


def _worker(work, cast, count, offset, ready, start, done):
    stats = {}
    ready.put(os.getpid())
    start.wait()
    work(cast, count, offset, stats)
    connections.close_all()
    done.put(stats)


def run_writers(work, cast, writers, total):
    """Fork `writers` processes sharing `total` units of work; return (seconds, summed stats)."""
    ctx = multiprocessing.get_context("fork")
    ready, done, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    connections.close_all()
    each = total // writers
    procs = [ctx.Process(target=_worker, args=(work, cast, each, n * each + run_writers.base, ready, start, done))
             for n in range(writers)]
    run_writers.base += total
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=120)
    t0 = time.perf_counter()
    start.set()
    stats = {}
    for _ in procs:
        for key, value in done.get(timeout=3600).items():
            stats[key] = stats.get(key, 0) + value
    elapsed = time.perf_counter() - t0
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"writer failed with exit code {p.exitcode}")
    return elapsed, stats


run_writers.base = 0


def measure(cast, writers, result):
    cases = CASES // writers * writers
    before = LedgerEntry.objects.count()
    seconds, stats = run_writers(cases_work, cast, writers, cases)
    sequencer.integrate()
    entries = LedgerEntry.objects.count() - before
    # The anchor: the same number of bare entries by the same writers, right after.
    anchor_seconds, _ = run_writers(appends_work, cast, writers, entries // writers * writers)
    sequencer.integrate()
    anchor_rate = (entries // writers * writers) / anchor_seconds
    prefix = f"cases_{writers}"
    result[f"{prefix}_per_s"] = round(cases / seconds, 2)
    result[f"{prefix}_actions_per_s"] = round(stats["actions"] / seconds)
    result[f"{prefix}_entries_per_s"] = round(entries / seconds)
    result[f"appends_{writers}_per_s"] = round(anchor_rate)
    result[f"{prefix}_ratio_to_appends"] = round(entries / seconds / anchor_rate, 3)
    result[f"{prefix}_ms_per_case"] = round(seconds / cases * 1000, 1)
    result[f"file_conflicts_{writers}"] = stats.get("conflicts", 0)
    if writers == 1:  # where a case's time goes, per action (an assignment or a review is two calls)
        result["ms_per_case_by_action_1"] = {key[2:]: round(value / cases * 1000, 1)
                                             for key, value in stats.items() if key.startswith("s_")}
    return cases, stats["actions"], entries


def main():
    call_command("migrate", verbosity=0)
    cast = make_cast("bench-cases")
    result = {"bench": "cases", "database": connection.vendor, "cases": CASES, "writers": WRITERS}
    # Warm up both paths (connections, caches, the first tree nodes).
    for i in range(WARM_UP):
        run_case(cast)
        appends_work(cast, 20, -20 * (i + 1), {})
    # Statements per case and per bare append: machine-independent, and what the ratio mostly is.
    with CaptureQueriesContext(connection) as case_queries:
        run_case(cast)
    with CaptureQueriesContext(connection) as append_queries:
        appends_work(cast, 1, -1000, {})
    result["queries_per_case"] = len(case_queries.captured_queries)
    result["queries_per_append"] = len(append_queries.captured_queries)
    counted = [measure(cast, writers, result) for writers in (1, WRITERS)]
    cases = sum(c for c, _, _ in counted)
    result["actions_per_case"] = round(sum(a for _, a, _ in counted) / cases, 2)
    result["entries_per_case"] = round(sum(e for _, _, e in counted) / cases, 2)
    result["closed_cases"] = Case.objects.filter(status="closed").count()
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
