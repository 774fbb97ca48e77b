"""`sanxiang worker` and `sanxiang serve` as real processes on a temporary SQLite installation."""

import datetime as dt
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sanxiang.jobs.schedules import all_schedules

# Its `sanxiang` processes run on SQLite installations of their own: the SQLite pass runs it once.
pytestmark = pytest.mark.own_sqlite_installation

SANXIANG = str(Path(sys.executable).with_name("sanxiang"))
FAST = {"SANXIANG_JOB_OVERDUE_SECONDS": "1", "SANXIANG_JOB_CHECKPOINT_SECONDS": "1",
        "SANXIANG_WORKER_POLL_SECONDS": "0.2"}
SETUP = """
import datetime as dt
from django.utils import timezone
from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import do_open_obligation
from sanxiang.orgs import testing
agency = testing.agency("jobs-e2e")
ob = do_open_obligation(object_type="demo", object_id="e2e", agency=agency.code, kind="公示（测试）",
                        start=timezone.localdate() - dt.timedelta(days=10), count=1, unit="days",
                        actor=OPERATOR)
print(ob.pk)
"""


def sqlite_env(data_dir):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SANXIANG_DATA_DIR"] = str(data_dir)
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One `sanxiang migrate`, copied for each test (database, keys and all)."""
    data_dir = tmp_path_factory.mktemp("migrated")
    subprocess.run([SANXIANG, "migrate", "--noinput"], env=sqlite_env(data_dir), check=True,
                   capture_output=True)
    return data_dir


@pytest.fixture
def installation(migrated, tmp_path):
    shutil.copytree(migrated, tmp_path / "var")
    return sqlite_env(tmp_path / "var")


def sanxiang(env, *args, **kw):
    return subprocess.run([SANXIANG, *args], env=env, capture_output=True, text=True, timeout=120, **kw)


def query(env, sql, params=()):
    with sqlite3.connect(Path(env["SANXIANG_DATA_DIR"]) / "sanxiang.sqlite3", timeout=20) as db:
        return db.execute(sql, params).fetchall()


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_worker_marks_an_obligation_overdue_by_itself_and_stops_cleanly(installation):
    env = installation
    pk = int(sanxiang(env, "shell", "-c", SETUP, check=True).stdout.split()[-1])
    assert query(env, "SELECT status FROM deadlines_obligation WHERE id = ?", [pk]) == [("open",)]
    worker = subprocess.Popen([SANXIANG, "worker"], env={**env, **FAST}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        turned = wait_for(lambda: query(env, "SELECT status FROM deadlines_obligation WHERE id = ?",
                                        [pk]) == [("overdue",)])
        signed = wait_for(lambda: query(env, "SELECT count(*) FROM ledger_checkpoint") != [(0,)])
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0]
    assert turned, output
    assert signed, output
    assert worker.returncode == 0, output
    assert "定时任务已启动" in output and "标记超期时限 每 1 秒" in output
    assert "1 项时限已标记为超期" in output and "定时任务已停止" in output
    assert "Traceback" not in output
    actors = query(env, "SELECT actor FROM ledger_ledgerentry WHERE action = 'mark_overdue_obligation'")
    assert actors == [("system:jobs",)]
    verified = sanxiang(env, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_several_workers_at_once_run_each_slot_once(installation):
    env = {**installation, "SANXIANG_JOB_CHECKPOINT_SECONDS": "86400",
           "SANXIANG_JOB_OVERDUE_SECONDS": "86400", "SANXIANG_JOB_CERTIFICATES_SECONDS": "86400",
           "SANXIANG_JOB_WITNESS_SECONDS": "86400"}
    sanxiang(env, "shell", "-c", SETUP, check=True)
    now = dt.datetime.now(dt.UTC)
    to_midnight = (86400 - (now.hour * 3600 + now.minute * 60 + now.second))
    if to_midnight < 60:  # keep all workers inside one day-long slot
        time.sleep(to_midnight + 1)
    workers = [subprocess.Popen([SANXIANG, "worker", "--once", f"--worker-id=w{i}"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for i in range(3)]
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0], outputs
    runs = query(env, "SELECT schedule, count(*) FROM jobs_scheduledrun GROUP BY schedule")
    registered = {s.name for s in all_schedules()}  # every app's jobs, each due once on a fresh installation
    assert {"sign_checkpoint", "mark_overdue_obligations", "remove_abandoned_uploads"} <= registered
    assert {name for name, _ in runs} == registered
    assert all(count == 1 for _, count in runs), runs
    results = query(env, "SELECT task_path, status FROM django_tasks_database_dbtaskresult")
    assert len(results) == len(registered) and {status for _, status in results} == {"SUCCESSFUL"}, results
    assert query(env, "SELECT count(*) FROM ledger_ledgerentry "
                      "WHERE action = 'mark_overdue_obligation'") == [(1,)]


def test_the_worker_asks_for_migrate_on_a_fresh_directory(tmp_path):
    result = sanxiang(sqlite_env(tmp_path), "worker", "--once")
    assert result.returncode != 0
    assert "sanxiang migrate" in result.stderr and "Traceback" not in result.stderr


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:  # not listening yet
        return None


def test_serve_starts_the_worker_beside_it_and_stops_it(installation):
    env = installation
    sanxiang(env, "shell", "-c", SETUP, check=True)
    port = free_port()
    server = subprocess.Popen([SANXIANG, "serve", f"127.0.0.1:{port}"], env={**env, **FAST},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/api/v1/ledger/checkpoint"
    try:
        # No click anywhere: the checkpoint appears and the obligation turns overdue.
        served = wait_for(lambda: get(url) == 200)
        turned = wait_for(lambda: query(env, "SELECT status FROM deadlines_obligation") == [("overdue",)])
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=60)[0]
    assert served and turned, output
    assert "定时任务进程已随服务启动" in output and "定时任务已停止" in output
    worker_pid = int(re.search(r"进程号 (\d+)", output).group(1))
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)


def test_serve_without_worker_starts_none(installation):
    env = {**installation, "SANXIANG_WORKER": "0"}
    port = free_port()
    server = subprocess.Popen([SANXIANG, "serve", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(lambda: get(f"http://127.0.0.1:{port}/healthz") == 200)
        assert get(f"http://127.0.0.1:{port}/api/v1/ledger/checkpoint") == 503
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=60)[0]
    assert "本服务不运行定时任务" in output  # says so, and starts none:
    assert "定时任务已启动" not in output and "定时任务进程" not in output and "定时任务已停止" not in output


def test_help_lists_the_worker(capsys):
    from sanxiang.cli import main

    assert main(["--help"]) == 0
    assert "  worker " in capsys.readouterr().out
