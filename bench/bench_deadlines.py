"""Benchmark: 100,000 deadline computations on the calendar loaded once into memory.

Runs in its own fresh database (DATABASE_URL honoured; SQLite in a temp dir otherwise) and
prints one JSON line.
"""

import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("DATABASE_URL"):
    os.environ["SANXIANG_DATA_DIR"] = tempfile.mkdtemp(prefix="sanxiang-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django  # noqa: E402

django.setup()

from sanxiang.core.datadir import prepare  # noqa: E402

prepare()  # the fresh data directory's keys, as `sanxiang migrate` creates them

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

N = 100_000
RUNS = 3


def main():
    call_command("migrate", verbosity=0)
    from sanxiang.access.actors import OPERATOR
    from sanxiang.deadlines.actions import seed_calendar
    from sanxiang.deadlines.engine import compute_due
    from sanxiang.deadlines.queries import get_calendar, load_calendar

    seed_calendar(actor=OPERATOR)
    t0 = time.perf_counter()
    calendar = load_calendar()
    load_ms = (time.perf_counter() - t0) * 1000

    rng = random.Random(6962)
    base = dt.date(2024, 1, 1)
    periods = [(2, "workdays"), (3, "workdays"), (5, "workdays"), (7, "workdays"), (10, "workdays"),
               (15, "workdays"), (20, "workdays"), (15, "days"), (30, "days"), (90, "days"),
               (1, "months"), (3, "months"), (24, "hours")]
    cases = [(base + dt.timedelta(days=rng.randrange(0, 1090)), *rng.choice(periods)) for _ in range(N)]

    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        for start, count, unit in cases:
            compute_due(start, count, unit, calendar=calendar)
        times.append(time.perf_counter() - t0)

    # The default path (no calendar argument) checks the calendar's freshness with one query.
    sample = cases[:10_000]
    get_calendar()
    t0 = time.perf_counter()
    for start, count, unit in sample:
        compute_due(start, count, unit)
    default_per_call_us = (time.perf_counter() - t0) / len(sample) * 1e6

    print(json.dumps({
        "bench": "deadlines",
        "database": connection.vendor,
        "computations": N,
        "runs": RUNS,
        "median_seconds": round(statistics.median(times), 3),
        "per_computation_us": round(statistics.median(times) / N * 1e6, 2),
        "calendar_load_ms": round(load_ms, 1),
        "default_path_us_per_call": round(default_per_call_us, 1),
        "target_seconds": 10,
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
