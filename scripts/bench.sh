#!/usr/bin/env bash
# Runs every bench/bench_*.py (or the files given) on SQLite and on a throwaway PostgreSQL 15,
# collects their JSON lines with the machine's description into var/bench/results-<date>.json and
# prints a Markdown table. Each run gets its own data directory and its own fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
. scripts/services.sh

ensure_debian_packages
work=$(mktemp -d /tmp/sanxiang-bench.XXXXXX)
chmod 755 "$work"
trap 'stop_postgres "$work"; rm -rf "$work"' EXIT

if [ $# -gt 0 ]; then files=("$@"); else files=(bench/bench_*.py); fi
[ -e "${files[0]}" ] || { echo "没有找到基准测试脚本（bench/bench_*.py）" >&2; exit 1; }
mkdir -p "$work/out"

run_one() {  # run_one DATABASE FILE [DATABASE_URL]
    local db=$1 file=$2 url=${3:-} name rc start end
    name=$(basename "$file" .py)
    echo "== 基准：$name（$db）==" >&2
    start=$(date +%s.%N)
    set +e
    if [ -n "$url" ]; then
        env -u SANXIANG_DATA_DIR DATABASE_URL="$url" SANXIANG_DATA_DIR="$work/data-$db-$name" \
            "$BIN/python" "$file" >"$work/out/$db--$name.out" 2>"$work/out/$db--$name.err"
    else
        env -u DATABASE_URL SANXIANG_DATA_DIR="$work/data-$db-$name" \
            "$BIN/python" "$file" >"$work/out/$db--$name.out" 2>"$work/out/$db--$name.err"
    fi
    rc=$?
    set -e
    end=$(date +%s.%N)
    echo "$rc $start $end" >"$work/out/$db--$name.meta"
    [ $rc -eq 0 ] || { echo "  失败（退出码 $rc），错误输出的末尾：" >&2; tail -5 "$work/out/$db--$name.err" >&2; }
}

for file in "${files[@]}"; do run_one sqlite "$file"; done

start_postgres "$work"
for file in "${files[@]}"; do
    db="bench_$(basename "$file" .py | tr -c 'a-z0-9_\n' '_')_$$"
    "$BIN/python" -c 'import sys, psycopg; psycopg.connect(sys.argv[1], autocommit=True).execute(f"CREATE DATABASE \"{sys.argv[2]}\"")' \
        "$PG_URL" "$db"
    run_one postgresql "$file" "${PG_URL%/*}/$db"
done
pg_version=$("$BIN/python" -c 'import sys, psycopg; print(psycopg.connect(sys.argv[1]).execute("SHOW server_version").fetchone()[0])' "$PG_URL")

mkdir -p var/bench
PG_VERSION="$pg_version" "$BIN/python" - "$work/out" var/bench <<'PY'
import datetime as dt
import json
import os
import platform
import sqlite3
import sys
from pathlib import Path

out, target = Path(sys.argv[1]), Path(sys.argv[2])


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        return None


def last_json(text):
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


now = dt.datetime.now(dt.timezone.utc)
machine = {
    "cpu": cpu_model(), "cores": os.cpu_count(), "memory_gib": memory_gib(),
    "python": platform.python_version(), "platform": platform.platform(),
    "sqlite": sqlite3.sqlite_version, "postgresql": os.environ.get("PG_VERSION", ""),
    "date": now.isoformat(timespec="seconds"),
}
runs = []
for meta in sorted(out.glob("*.meta")):
    database, name = meta.stem.split("--", 1)
    rc, start, end = meta.read_text().split()
    text = meta.with_suffix(".out").read_text(errors="replace")
    result = last_json(text)
    runs.append({
        "bench": name, "database": database, "exit_code": int(rc),
        "wall_seconds": round(float(end) - float(start), 1),
        "result": result,
        "error": None if int(rc) == 0 and result is not None else
        (meta.with_suffix(".err").read_text(errors="replace")[-2000:] or "没有 JSON 输出"),
    })
path = target / f"results-{now:%Y-%m-%dT%H%M%SZ}.json"
path.write_text(json.dumps({"machine": machine, "runs": runs}, ensure_ascii=False, indent=1) + "\n")


def flat(value, prefix=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flat(item, f"{prefix}{key}.")
    else:
        yield prefix[:-1], value


SKIP = {"bench", "database", "machine", "python"}
print(f"\n机器：{machine['cpu']}，{machine['cores']} 核，内存 {machine['memory_gib']} GiB，"
      f"Python {machine['python']}，SQLite {machine['sqlite']}，PostgreSQL {machine['postgresql']}，"
      f"{machine['date']}\n")
print("| 基准 | 指标 | SQLite | PostgreSQL |")
print("|---|---|---|---|")
by = {(r["bench"], r["database"]): r for r in runs}
for bench in sorted({r["bench"] for r in runs}):
    metrics, cells = [], {}
    for database in ("sqlite", "postgresql"):
        run = by.get((bench, database))
        if run is None:
            continue
        if run["result"] is None or run["exit_code"] != 0:
            cells[("状态", database)] = f"失败（退出码 {run['exit_code']}）"
            if "状态" not in metrics:
                metrics.append("状态")
            continue
        for key, value in flat(run["result"]):
            if key in SKIP:
                continue
            if key not in metrics:
                metrics.append(key)
            cells[(key, database)] = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, bool)) or value is None else value
        cells[("耗时（秒）", database)] = run["wall_seconds"]
    metrics.append("耗时（秒）")
    for key in metrics:
        row = [str(cells.get((key, d), "—")) for d in ("sqlite", "postgresql")]
        print(f"| {bench} | {key} | {row[0]} | {row[1]} |")
print(f"\n结果已写入 {path}")
failed = [f"{r['bench']}（{r['database']}）" for r in runs if r["error"]]
if failed:
    print("失败的基准：" + "、".join(failed), file=sys.stderr)
    sys.exit(1)
PY
