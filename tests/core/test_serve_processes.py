"""`sanxiang serve` as several server processes (gunicorn, decision 0015), on a real SQLite
installation: how many it starts, what it refuses, that one Ctrl+C stops them all and the job
worker, and that the database it serves from is in WAL mode."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

# Its `sanxiang` processes run on SQLite installations of their own: the SQLite pass runs it once.
pytestmark = pytest.mark.own_sqlite_installation

SANXIANG = str(Path(sys.executable).with_name("sanxiang"))


def sqlite_env(data_dir, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SANXIANG_WEB_PROCESSES")}
    return {**env, "SANXIANG_DATA_DIR": str(data_dir), **extra}


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("serve")
    subprocess.run([SANXIANG, "migrate", "--noinput", "-v0"], env=sqlite_env(data_dir), check=True,
                   capture_output=True)
    return data_dir


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # a loaded CI machine answers late, not wrongly
            return response.status, response.read().decode()
    except OSError:
        return None, ""


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def children(pid):
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def start(env, *args):
    port = free_port()
    # Its own process group, as a terminal gives a foreground command: Ctrl+C signals the group.
    server = subprocess.Popen([SANXIANG, "serve", f"127.0.0.1:{port}", *args], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    assert wait_for(lambda: get(f"http://127.0.0.1:{port}/healthz")[0] == 200), "server did not answer"
    return server, port


def ctrl_c(server):
    os.killpg(server.pid, signal.SIGINT)
    return server.communicate(timeout=60)[0]


def test_serve_starts_the_processes_asked_for_and_ctrl_c_stops_them_and_the_worker(installation):
    server, port = start(sqlite_env(installation), "--processes", "3", "--threads", "2")
    try:
        assert wait_for(lambda: len(children(server.pid)) == 4)  # 3 server processes + the job worker
        processes = children(server.pid)
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: get(f"http://127.0.0.1:{port}/healthz")[0], range(40)))
        assert answers == [200] * 40
        # a long query reaches the application, which answers in its own JSON (not gunicorn's "URI Too Long")
        q = urllib.parse.quote("罚" * 500)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/public/decisions/search?q={q}", timeout=30)
            raise AssertionError("a 500-character query was accepted")
        except urllib.error.HTTPError as exc:
            assert exc.code == 400 and json.loads(exc.read().decode())["code"] == "bad_query"
    finally:
        output = ctrl_c(server)
    assert server.returncode == 0, output
    assert "3 个服务进程 × 2 线程" in output and "定时任务已停止" in output
    assert "Traceback" not in output
    assert not [pid for pid in processes if alive(pid)]


def test_serve_defaults_to_sanxiang_web_processes_and_no_worker_means_none(installation):
    server, _ = start(sqlite_env(installation, SANXIANG_WEB_PROCESSES="2", SANXIANG_WORKER="0"))
    try:
        assert wait_for(lambda: len(children(server.pid)) == 2)
        time.sleep(1)
        assert len(children(server.pid)) == 2  # two server processes, no job worker
    finally:
        output = ctrl_c(server)
    assert "2 个服务进程" in output and "本服务不运行定时任务" in output
    assert "定时任务已启动" not in output and "定时任务进程" not in output and "定时任务已停止" not in output


@pytest.mark.parametrize("args,env,message", [
    (["--processes", "0"], {}, "进程数和线程数应为正整数"),
    (["--threads", "0"], {}, "进程数和线程数应为正整数"),
    ([], {"SANXIANG_WEB_PROCESSES": "many"}, "SANXIANG_WEB_PROCESSES 应为正整数"),
])
def test_serve_refuses_bad_sizes_with_a_message(installation, args, env, message):
    result = subprocess.run([SANXIANG, "serve", f"127.0.0.1:{free_port()}", *args],
                            env=sqlite_env(installation, **env), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["SANXIANG_DB_CONN_MAX_AGE", "SANXIANG_PUBLIC_CACHE_SECONDS"])
def test_a_bad_number_of_seconds_is_a_message(installation, name):
    result = subprocess.run([SANXIANG, "check"], env=sqlite_env(installation, **{name: "ten"}),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert name in result.stderr and "Traceback" not in result.stderr


def test_the_served_database_is_in_wal_mode_and_waits_for_locks(installation):
    server, port = start(sqlite_env(installation, SANXIANG_WORKER="0"), "--processes", "2")
    database = installation / "sanxiang.sqlite3"
    try:
        assert sqlite3.connect(database).execute("PRAGMA journal_mode").fetchone() == ("wal",)
        # Another process holding the write lock (the job worker, a backup) does not hold up the
        # server processes' reads: in WAL mode readers never wait for a writer.
        writer = sqlite3.connect(database, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        try:
            with ThreadPoolExecutor(4) as pool:
                answers = list(pool.map(lambda _: get(f"http://127.0.0.1:{port}/healthz")[0], range(8)))
        finally:
            writer.execute("ROLLBACK")
        assert answers == [200] * 8
    finally:
        ctrl_c(server)
