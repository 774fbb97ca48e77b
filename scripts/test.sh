#!/usr/bin/env bash
# Runs the whole suite on SQLite, then again on a throwaway PostgreSQL 15 on 127.0.0.1.
# Installs what it needs (Debian packages) when it can; with CI=true nothing may be skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
. scripts/services.sh

ensure_debian_packages
work=$(mktemp -d /tmp/sanxiang-test.XXXXXX)
chmod 755 "$work"
trap 'stop_postgres "$work"; rm -rf "$work"' EXIT

run_pytest() {
    local label=$1; shift
    echo "== 测试：$label =="
    set +e
    SANXIANG_DATA_DIR="$work/data-$label" "$BIN/pytest" "$@"
    local rc=$?
    set -e
    if [ $rc -eq 5 ]; then
        echo "pytest collected no tests ($label): failing on purpose" >&2
        exit 1
    fi
    [ $rc -eq 0 ] || exit $rc
}

echo "== 代码检查：ruff =="
"$BIN/ruff" check sanxiang tests bench

# The tests start hundreds of `sanxiang` processes: each imports compiled modules, also where
# PYTHONDONTWRITEBYTECODE keeps Python from writing them (the editable install compiles nothing).
"$BIN/python" -m compileall -q sanxiang >/dev/null

# The 15 slowest tests of each pass are listed, to keep the suite within its time budget.
# Two processes (pytest-xdist): the machines have two cores. PARALLEL=0 runs in one.
# worksteal: each process starts on one contiguous half of the suite (a module's fixtures are
# built once, not once in each process) and takes tests from the other when it runs dry.
PARALLEL_ARGS=()
[ "${PARALLEL:-2}" != "0" ] && PARALLEL_ARGS=(-n "${PARALLEL:-2}" --dist worksteal)

run_pytest sqlite -q --durations=15 "${PARALLEL_ARGS[@]}" "$@"

start_postgres "$work"
DATABASE_URL="$PG_URL" run_pytest postgres -q --durations=15 "${PARALLEL_ARGS[@]}" "$@"
