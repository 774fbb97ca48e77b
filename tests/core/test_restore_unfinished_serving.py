"""A half-finished restore (its marker `restore_unfinished.json` in the data directory, decision
0012) keeps every way of serving from starting — the WSGI application as a server loads it,
`serve` and the job worker however they are invoked — and stops a worker already running."""

import json
import os
import signal
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from sanxiang.core.backup import UNFINISHED_RESTORE
from sanxiang.jobs.worker import Worker

BACKUP = "/srv/backups/2026-11-23"


def write_marker(data_dir):
    (data_dir / UNFINISHED_RESTORE).write_text(json.dumps({"source": BACKUP, "manifest_sha256": "0" * 64}))


def assert_refusal(text):
    assert "拒绝启动" in text, text
    assert "没有完成的恢复" in text
    assert f"sanxiang restore {BACKUP}" in text


# gunicorn on a data directory of its own, DATABASE_URL removed: the SQLite pass runs it once.
@pytest.mark.own_sqlite_installation
def test_a_wsgi_server_refuses_to_boot_and_creates_no_keys(tmp_path):
    write_marker(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANXIANG_") and k != "DATABASE_URL"}
    env.update(SANXIANG_DATA_DIR=str(tmp_path), PYTHONIOENCODING="utf-8")
    server = subprocess.run([sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1",
                             "sanxiang.wsgi:application"], env=env, capture_output=True, text=True, timeout=120)
    assert server.returncode != 0
    assert_refusal(server.stderr)
    assert not (tmp_path / "signing_key").exists()
    assert not (tmp_path / "secret_key").exists()


# Refused from the marker before any database is opened: no engine changes it.
@pytest.mark.database_agnostic
def test_serve_refuses_however_it_is_invoked(tmp_path):
    write_marker(tmp_path)
    with override_settings(DATA_DIR=str(tmp_path)), pytest.raises(CommandError) as refused:
        call_command("serve", "127.0.0.1:0", "--no-worker")
    assert_refusal(str(refused.value))


@pytest.mark.django_db
def test_the_worker_refuses_to_start(tmp_path):
    write_marker(tmp_path)
    with override_settings(DATA_DIR=str(tmp_path)), pytest.raises(CommandError) as refused:
        call_command("worker", "--once")
    assert_refusal(str(refused.value))
    assert "定时任务" in str(refused.value)


@pytest.mark.django_db
def test_a_running_worker_stops_when_a_restore_begins(tmp_path, monkeypatch):
    rounds = []

    def one_round(self, now=None):
        rounds.append(1)
        write_marker(tmp_path)  # as `sanxiang restore` does once its database is committed

    monkeypatch.setattr(Worker, "run_once", one_round)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # keep pytest's own handlers
    with override_settings(DATA_DIR=str(tmp_path), JOB_POLL_SECONDS=0.01), pytest.raises(CommandError) as stopped:
        call_command("worker")
    assert rounds == [1]
    assert_refusal(str(stopped.value))
