"""Benchmark: the decision page of the public portal (issue 10 §8) against the minimal view, served the same way.

Serves the way `make run` does (`sanxiang migrate`, `sanxiang demo`, `sanxiang serve` with its worker,
on a free loopback port, a temporary data directory or the database DATABASE_URL names) and loads it
with `wrk` (Debian; the load generator of bench_web.py, a separate process, 16 connections): the
anchor `/healthz` (the whole middleware chain and one `SELECT 1` — the minimal Django view) is
measured between every two pages, as in bench_web.py. Pages measured: a published decision of the
demo (/gk/<agency>/jueding/<n>/) as anonymous visitors get it (the public page cache may answer) and
with a cookie (rendered every time: the honest figure), a withdrawn decision (its notice), the
decisions list, the search page and the search API for 罚款. Target: the rendered decision page at
≥ 50 % of the minimal view's requests/s (decision 0070). Prints one JSON line.

The pages are measured once the ledger has settled: `sanxiang serve` starts its job worker, whose first runs
append entries for a minute after a fresh demo (公示告知书 for the demo's publications, 20 per run, …), and
every entry ends what a server keeps for the public pages (the page cache and the decision page's kept part,
decision 0078) — measured then, the figure is that of a ledger appended to every second. The bench waits
until the signed checkpoint's size has not moved for SETTLE_SECONDS (10; at most 180 s) and reports the
entries appended while it measured (`ledger.appended_while_measuring`: 0 for a clean run).

Knobs as bench_web.py: BENCH_SECONDS (default 5), BENCH_CONNECTIONS (16), BENCH_SERVE_ARGS.
"""

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import (  # noqa: E402 — the same server, load generator and measures
    ANCHOR,
    CONNECTIONS,
    SANXIANG,
    SECONDS,
    SERVE_ARGS,
    UNCACHED,
    compared,
    free_port,
    installation,
    load,
    measured,
    status_of,
    wait_for,
)

SETTLE_SECONDS = float(os.environ.get("BENCH_SETTLE_SECONDS", "10"))

FACTS = """
from sanxiang.portal.models import DecisionNumber
from sanxiang.publicity.models import PublicationStatus as S
live = DecisionNumber.objects.filter(publication__status__in=[S.PUBLISHED, S.CORRECTED]).select_related("agency").order_by("id").first()
gone = DecisionNumber.objects.filter(publication__status=S.WITHDRAWN).select_related("agency").order_by("id").first()
print(live.agency.code, live.number, gone.agency.code if gone else "-", gone.number if gone else 0)
"""


def pages(code, number, gone_code, gone_number):
    q = quote("罚款")
    rows = [
        ("执法决定页", f"/gk/{code}/jueding/{number}/", ()),
        ("执法决定页（不经缓存）", f"/gk/{code}/jueding/{number}/", (UNCACHED,)),
        ("执法决定列表（不经缓存）", f"/gk/{code}/jueding/", (UNCACHED,)),
        ("执法决定检索页（不经缓存）", f"/gk/search/?q={q}", (UNCACHED,)),
        ("执法决定检索 API", f"/api/v1/public/decisions/search?q={q}", ()),
    ]
    if gone_number:
        rows.insert(2, ("已撤下的执法决定页（不经缓存）", f"/gk/{gone_code}/jueding/{gone_number}/", (UNCACHED,)))
    return rows


def ledger_size(base):
    """The size of the latest signed checkpoint (its note's second line), or None before the first."""
    try:
        with urllib.request.urlopen(base + "/api/v1/ledger/checkpoint", timeout=5) as response:
            return int(response.read().decode().splitlines()[1])
    except (OSError, ValueError, IndexError):
        return None


def settled(base, quiet=SETTLE_SECONDS, limit=180):
    """Wait until the checkpoint's size has not moved for `quiet` seconds (at most `limit`): (size, seconds waited)."""
    started = time.monotonic()
    size, since = ledger_size(base), time.monotonic()
    while time.monotonic() - started < limit:
        time.sleep(1)
        now = ledger_size(base)
        if now != size or now is None:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return size, round(time.monotonic() - started, 1)


def main():
    env, own_dir = installation("sanxiang-bench-portal-")
    code, number, gone_code, gone_number = subprocess.run(
        [SANXIANG, "shell", "-c", FACTS], env=env, check=True, capture_output=True, text=True).stdout.split()[-4:]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([SANXIANG, "serve", f"127.0.0.1:{port}", *SERVE_ARGS], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    results, anchors = {}, []
    try:
        if not wait_for(lambda: status_of(base + ANCHOR) == 200):
            raise SystemExit("服务未在 120 秒内就绪")
        for _, path, _ in pages(code, number, gone_code, int(gone_number)):
            if status_of(base + path) != 200:
                raise SystemExit(f"{path} 未返回 200")
        size_before, waited = settled(base)
        print(f"账本已稳定：{size_before} 条（等待 {waited} 秒）", file=sys.stderr, flush=True)
        load(base + ANCHOR, seconds=2)
        anchors.append(measured(server.pid, base + ANCHOR))
        for name, path, headers in pages(code, number, gone_code, int(gone_number)):
            results[name] = compared(server.pid, base, path, headers, anchors)
            print(f"{name:<20} ratio {results[name]['ratio']:>5} · cpu {results[name]['cpu_ratio']:>5}  "
                  f"{results[name]['rps']} req/s  p50/p95/p99 {results[name]['p50_ms']}/{results[name]['p95_ms']}/"
                  f"{results[name]['p99_ms']} ms", file=sys.stderr, flush=True)
        time.sleep(2)  # the checkpoint of any entry appended during the last page
        size_after = ledger_size(base)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.communicate()
        if own_dir:
            shutil.rmtree(own_dir, ignore_errors=True)
    rendered = results["执法决定页（不经缓存）"]
    print(json.dumps({
        "bench": "portal",
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "connections": CONNECTIONS, "seconds_per_page": SECONDS, "serve_args": " ".join(SERVE_ARGS),
        "anchor": {"path": ANCHOR, "runs": len(anchors),
                   "rps_median": sorted(a["rps"] for a in anchors)[len(anchors) // 2]},
        "pages": results,
        "ledger": {"settled_size": size_before, "settle_wait_s": waited, "size_after": size_after,
                   "appended_while_measuring": (size_after - size_before) if size_after and size_before else None},
        "decision_page_ratio": rendered["ratio"], "decision_page_cpu_ratio": rendered["cpu_ratio"],
        "target_ratio": 0.5, "met": rendered["ratio"] >= 0.5,
        "python": platform.python_version(), "machine": f"{platform.machine()} {os.cpu_count()} cpu",
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
