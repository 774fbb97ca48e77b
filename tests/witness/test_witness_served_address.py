"""Tester defect 13: the demo's witnesses follow the address the deployment is served at.

`make run` gives every step the public address from ADDR (unless SANXIANG_PUBLIC_URL is set), and
a demo re-run after the address changed moves the watched logs there."""

import os
import subprocess
from pathlib import Path

import pytest
from demo_snapshot import load_demo_of

from sanxiang.witness.models import WatchedLog

ROOT = Path(__file__).resolve().parents[2]


def make_run(tmp_path, *args, env=None) -> list[str]:
    """`make run` with a stand-in `sanxiang` that records each command and the public address it got."""
    log = tmp_path / "log"
    fake = tmp_path / "sanxiang"
    fake.write_text(f'#!/bin/sh\necho "$* | $SANXIANG_PUBLIC_URL" >> {log}\n')
    fake.chmod(0o755)
    environ = {k: v for k, v in os.environ.items() if k not in ("SANXIANG_PUBLIC_URL", "ADDR", "MAKEFLAGS")}
    subprocess.run(["make", "-s", "-C", str(ROOT), "run", "-o", "venv", f"BIN={tmp_path}", *args],
                   env={**environ, **(env or {})}, check=True, capture_output=True, timeout=60)
    return log.read_text().splitlines()


def test_make_run_serves_and_announces_the_same_address(tmp_path):
    assert make_run(tmp_path, "ADDR=127.0.0.1:9000") == [
        "migrate --noinput | http://127.0.0.1:9000", "demo | http://127.0.0.1:9000",
        "demo --archive | http://127.0.0.1:9000", "serve 127.0.0.1:9000 | http://127.0.0.1:9000"]


def test_a_public_address_given_is_kept(tmp_path):
    lines = make_run(tmp_path, env={"SANXIANG_PUBLIC_URL": "https://zf.example.cn"})
    assert lines[-1] == "serve 127.0.0.1:8000 | https://zf.example.cn"
    assert all(line.endswith("| https://zf.example.cn") for line in lines)


@pytest.mark.django_db
def test_a_demo_rerun_on_another_address_moves_the_watched_logs(settings):
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    load_demo_of("profiles", "orgs", "witness")
    assert set(WatchedLog.objects.values_list("url", flat=True)) == {"http://127.0.0.1:8000"}

    settings.PUBLIC_URL = "http://127.0.0.1:9000"
    load_demo_of("witness")
    active = WatchedLog.objects.filter(removed_at=None)
    assert active.count() == 2 and set(active.values_list("url", flat=True)) == {"http://127.0.0.1:9000"}
    assert set(WatchedLog.objects.exclude(removed_at=None).values_list("url", flat=True)) == {"http://127.0.0.1:8000"}

    load_demo_of("witness")  # the same address again: nothing changes
    assert WatchedLog.objects.count() == 4 and active.count() == 2


@pytest.mark.django_db
def test_serve_on_another_port_without_a_public_address_moves_the_watched_logs(settings, monkeypatch):
    """s19 tester8 #20: `sanxiang demo`, then `sanxiang serve 127.0.0.1:8858` with no SANXIANG_PUBLIC_URL —
    the demo's witnesses polled :8000 forever. serve now takes the served address as make run does (for
    itself and the worker it starts), keeps the witness name its keys are registered under, and moves the
    watched logs there."""
    from sanxiang.core.management.commands.serve import Command

    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    load_demo_of("profiles", "orgs", "witness")
    name = settings.WITNESS_NAME
    for variable in ("SANXIANG_PUBLIC_URL", "SANXIANG_WITNESS_NAME"):  # as if never set; restored after the test
        monkeypatch.setenv(variable, "")
        monkeypatch.delenv(variable)
    Command().follow_served_address("127.0.0.1", "8858")
    assert os.environ["SANXIANG_PUBLIC_URL"] == settings.PUBLIC_URL == "http://127.0.0.1:8858"
    assert os.environ["SANXIANG_WITNESS_NAME"] == name == settings.WITNESS_NAME
    active = WatchedLog.objects.filter(removed_at=None)
    assert active.count() == 2 and set(active.values_list("url", flat=True)) == {"http://127.0.0.1:8858"}
    assert set(active.values_list("witness_name", flat=True)) == set(
        WatchedLog.objects.exclude(removed_at=None).values_list("witness_name", flat=True))

    monkeypatch.setenv("SANXIANG_PUBLIC_URL", "https://zf.example.cn")  # given: kept, logs follow it
    settings.PUBLIC_URL = "https://zf.example.cn"
    Command().follow_served_address("0.0.0.0", "8000")
    assert os.environ["SANXIANG_PUBLIC_URL"] == "https://zf.example.cn"
    assert set(active.values_list("url", flat=True)) == {"https://zf.example.cn"}


@pytest.mark.django_db
def test_a_server_without_the_worker_does_not_repoint_the_witnesses(settings, monkeypatch, capsys):
    """s25 tester10b #13: a second `sanxiang serve 127.0.0.1:8873 --no-worker` beside the running :8872 moved the
    demo's witnesses to :8873 (which stops later). Without the worker and without SANXIANG_PUBLIC_URL the served
    address is for the server's own links only; a SANXIANG_PUBLIC_URL given still moves them."""
    from sanxiang.core.management.commands.serve import Command

    settings.PUBLIC_URL = "http://127.0.0.1:8872"
    load_demo_of("profiles", "orgs", "witness")
    for variable in ("SANXIANG_PUBLIC_URL", "SANXIANG_WITNESS_NAME"):
        monkeypatch.setenv(variable, "")
        monkeypatch.delenv(variable)
    Command().follow_served_address("127.0.0.1", "8873", with_worker=False)
    assert settings.PUBLIC_URL == "http://127.0.0.1:8873"  # its own links
    active = WatchedLog.objects.filter(removed_at=None)
    assert set(active.values_list("url", flat=True)) == {"http://127.0.0.1:8872"} and active.count() == 2
    assert "见证取回检查点的地址不变" in capsys.readouterr().out

    monkeypatch.setenv("SANXIANG_PUBLIC_URL", "https://zf.example.cn")
    settings.PUBLIC_URL = "https://zf.example.cn"
    Command().follow_served_address("127.0.0.1", "8873", with_worker=False)
    assert set(active.values_list("url", flat=True)) == {"https://zf.example.cn"}
