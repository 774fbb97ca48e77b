"""Benchmark: every public page and public API endpoint through the real server, against /healthz.

Serves the way `make run` does: `sanxiang migrate`, `sanxiang demo`, then `sanxiang serve` (with
its job worker) on a free loopback port, on a temporary data directory (or the database
DATABASE_URL names). The load generator is `wrk` (Debian), a separate process, 16 connections;
each endpoint's requests/s and p50/p95/p99 latency (wrk's own histogram of every request,
read by a `done()` script since `--latency` prints no p95) are reported with its ratio to the minimal view
(`/healthz`: the whole middleware chain and one `SELECT 1`) measured between every two endpoints
of the same run, and the server's CPU milliseconds per request (all its processes, from /proc)
with the same ratio by CPU (`cpu_ratio`), which a busy shared machine disturbs less. Endpoints the
public page cache serves are measured twice: as anonymous visitors get them, and with a cookie
(rendered every time). Prints one JSON line.

Knobs: BENCH_SECONDS (per endpoint, default 5), BENCH_CONNECTIONS (16), BENCH_SERVE_ARGS (extra
`sanxiang serve` options, e.g. "--processes 1 --threads 8"), BENCH_ONLY (a regular expression:
only the endpoints whose path matches). PYTHONPATH=<an older checkout> measures that version.
"""

import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SANXIANG = str(Path(sys.executable).with_name("sanxiang"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SERVE_ARGS = shlex.split(os.environ.get("BENCH_SERVE_ARGS", ""))
ONLY = re.compile(os.environ.get("BENCH_ONLY", ""))
ANCHOR = "/healthz"
UNCACHED = "Cookie: bench=1"

FACTS = """
from sanxiang.ledger import tree
from sanxiang.orgs.models import Certificate
cert = Certificate.objects.filter(status="valid").order_by("pk").first()
print(cert.number, tree.tree_size())
"""


def endpoints(certificate, size):
    """(name, path) of every endpoint anonymous visitors get an answer from: the PUBLIC list of
    tests/access/test_endpoints.py less /healthz (the anchor), /profiles/… (they send anonymous
    visitors to the login page), the POST of cosignatures, /witness/checkpoint (404 here: the
    demo witnesses fetch from SANXIANG_PUBLIC_URL, not the bench's port), /ledger/checkpoints/<size>
    (the same code as the latest checkpoint) and /api/v1/ (a redirect)."""
    quarter = max(size // 4, 1)
    return [
        ("首页（未登录）", "/"),
        ("登录页", "/login/"),
        ("证件核验表单", "/public/certificate/"),
        ("证件核验（二维码目标）", f"/public/certificate/{certificate}/"),
        ("证件核验 API", f"/api/v1/public/certificates/{certificate}"),
        ("时限计算器", "/deadlines/calculator/"),
        ("时限计算器（计算）", "/deadlines/calculator/?start=2026-03-02&count=15&unit=workdays"),
        ("时限计算 API", "/api/v1/deadlines/compute?start=2026-03-02&count=15&unit=workdays"),
        ("检查点", "/api/v1/ledger/checkpoint"),
        ("检查点历史", "/api/v1/ledger/checkpoints"),
        ("见证状态", "/api/v1/witness/status"),
        ("包含证明", f"/api/v1/ledger/proofs/inclusion?index={quarter}&size={size}"),
        ("一致性证明", f"/api/v1/ledger/proofs/consistency?first={quarter}&second={size}"),
        ("执法规范 API 列表", "/api/v1/profiles/"),
        ("执法规范 API 详情", "/api/v1/profiles/national"),
        ("OpenAPI 文档", "/api/v1/openapi.json"),
        ("API 文档页", "/api/v1/docs"),
    ]


def cacheable(path):
    sys.path.insert(0, str(ROOT))
    try:
        from sanxiang.core import public_cache
    except ImportError:  # a version without the cache (PYTHONPATH pointing at an older checkout)
        return False

    path = path.split("?", 1)[0]
    prefixes = public_cache.CACHEABLE_PREFIXES + getattr(public_cache, "CHECKPOINT_PREFIXES", ())
    return path in public_cache.CACHEABLE_EXACT or path.startswith(prefixes)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


# wrk's Lua hook at the end of a run: the latency percentiles (microseconds) wrk --latency omits.
PERCENTILES_SCRIPT = """
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("percentile %d %d\\n", p, latency:percentile(p)))
  end
end
"""


def load(url, seconds=SECONDS, headers=()):
    """wrk against one URL: requests/s, p50/p95/p99 in ms, bad responses, generator CPU (cores)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    options = [f"-H{header}" for header in headers]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(PERCENTILES_SCRIPT)
        script.flush()
        out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", script.name,
                              *options, url], capture_output=True, text=True, check=True).stdout
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    latency = {p: round(int(us) / 1000, 2) for p, us in re.findall(r"^percentile (\d+) (\d+)$", out, re.M)}
    if set(latency) != {"50", "95", "99"}:
        raise RuntimeError(f"wrk 的输出无法解析（{url}）：\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    return {
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),
        "p50_ms": latency["50"],
        "p95_ms": latency["95"],
        "p99_ms": latency["99"],
        "bad_responses": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
        "generator_cpu_cores": round(cpu / wall, 2),
    }


def process_tree_cpu(pid):
    """CPU seconds used so far by a process and its children still running (from /proc)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    pids, seen = [pid], set()
    while pids:
        current = pids.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pids.extend(int(c) for c in children)
    return total


def measured(pid, url, headers=()):
    """load() plus the server's CPU (all its processes): on a shared machine the server may get
    less than the cores, so CPU milliseconds per request is the steadier measure of its work."""
    cpu_before, t0 = process_tree_cpu(pid), time.monotonic()
    result = load(url, headers=headers)
    cpu = process_tree_cpu(pid) - cpu_before
    result["server_cpu_cores"] = round(cpu / (time.monotonic() - t0), 2)
    result["server_cpu_ms"] = round(cpu * 1000 / max(result["rps"] * SECONDS, 1), 3)
    return result


def installation(prefix):
    """(environment, own data directory or None): a migrated installation with the demo, in
    SANXIANG_DATA_DIR when set, else in a temporary directory of its own (removed by the caller)."""
    if shutil.which("wrk") is None:
        sys.exit("需要 wrk（Debian 软件包 wrk；scripts/bench.sh 会安装）")
    own_dir = None
    if not os.environ.get("SANXIANG_DATA_DIR"):
        own_dir = tempfile.mkdtemp(prefix=prefix)
    env = {**os.environ, "SANXIANG_DATA_DIR": os.environ.get("SANXIANG_DATA_DIR") or own_dir}
    env.setdefault("SANXIANG_JOB_CHECKPOINT_SECONDS", "1")
    env["SANXIANG_LOG_LEVEL"] = "ERROR"
    for command in (["migrate", "--noinput", "-v0"], ["demo"]):
        subprocess.run([SANXIANG, *command], env=env, check=True, capture_output=True)
    return env, own_dir


def compared(pid, base, path, headers, anchors):
    """`path` measured, then the anchor again: its ratios to the anchor runs just before and after it
    (a machine whose load changes midway moves both sides alike); the ratios first, the latencies beside
    them, then the raw measures."""
    load(base + path, seconds=1, headers=headers)
    result = measured(pid, base + path, headers)
    anchors.append(measured(pid, base + ANCHOR))
    anchor_rps = round((anchors[-2]["rps"] + anchors[-1]["rps"]) / 2, 1)
    anchor_cpu = (anchors[-2]["server_cpu_ms"] + anchors[-1]["server_cpu_ms"]) / 2
    return {"path": path, "ratio": round(result["rps"] / anchor_rps, 2),
            "cpu_ratio": round(anchor_cpu / result["server_cpu_ms"], 2),
            "p50_ms": result.pop("p50_ms"), "p95_ms": result.pop("p95_ms"),
            "p99_ms": result.pop("p99_ms"), "anchor_rps": anchor_rps, **result}


def main():
    env, own_dir = installation("sanxiang-bench-web-")
    facts = subprocess.run([SANXIANG, "shell", "-c", FACTS], env=env, check=True,
                           capture_output=True, text=True).stdout.split()
    certificate, size = facts[-2], int(facts[-1])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([SANXIANG, "serve", f"127.0.0.1:{port}", *SERVE_ARGS], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        if not wait_for(lambda: status_of(base + "/api/v1/ledger/checkpoint") == 200):
            raise SystemExit("服务未在 120 秒内就绪（或没有签发检查点）")
        results, anchors = {}, []
        load(base + ANCHOR, seconds=2)  # warm every server process
        anchors.append(measured(server.pid, base + ANCHOR))
        # The anchor is measured between every two endpoints (compared()).
        runs = [(name, path, ()) for name, path in endpoints(certificate, size) if ONLY.search(path)]
        # The same endpoints rendered every time: a browser that sends any cookie is never served
        # from the public page cache (sanxiang.core.public_cache).
        runs += [(f"{name}（不经缓存）", path, (UNCACHED,)) for name, path in endpoints(certificate, size)
                 if cacheable(path) and ONLY.search(path)]
        for name, path, headers in runs:
            results[name] = compared(server.pid, base, path, headers, anchors)
            print(f"{name:<24} {path[:60]:<60} ratio {results[name]['ratio']:>5} · cpu {results[name]['cpu_ratio']:>5}"
                  f"  p50/p95/p99 {results[name]['p50_ms']}/{results[name]['p95_ms']}/{results[name]['p99_ms']} ms",
                  file=sys.stderr, flush=True)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.communicate()
        if own_dir:
            shutil.rmtree(own_dir, ignore_errors=True)

    anchor_rps = sorted(a["rps"] for a in anchors)
    worst = min(results, key=lambda name: results[name]["ratio"])
    worst_cpu = min(results, key=lambda name: results[name]["cpu_ratio"])
    slowest = max(results, key=lambda name: results[name]["p99_ms"])
    print(json.dumps({
        "bench": "web",
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "connections": CONNECTIONS,
        "seconds_per_endpoint": SECONDS,
        "serve_args": " ".join(SERVE_ARGS),
        "anchor": {"path": ANCHOR, "runs": len(anchors), "rps_min": anchor_rps[0],
                   "rps_median": anchor_rps[len(anchor_rps) // 2], "rps_max": anchor_rps[-1],
                   "p50_ms_median": sorted(a["p50_ms"] for a in anchors)[len(anchors) // 2],
                   "p95_ms_median": sorted(a["p95_ms"] for a in anchors)[len(anchors) // 2],
                   "p99_ms_max": max(a["p99_ms"] for a in anchors),
                   "generator_cpu_cores": max(a["generator_cpu_cores"] for a in anchors),
                   "server_cpu_ms_median": sorted(a["server_cpu_ms"] for a in anchors)[len(anchors) // 2]},
        "endpoints": results,
        "worst_ratio": {"name": worst, "ratio": results[worst]["ratio"]},
        "worst_cpu_ratio": {"name": worst_cpu, "cpu_ratio": results[worst_cpu]["cpu_ratio"]},
        "worst_p99_ms": {"name": slowest, "p99_ms": results[slowest]["p99_ms"]},
        "target_ratio": 0.5,
        "target_p99_ms": 100,
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
