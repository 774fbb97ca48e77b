"""The real `sanxiang witness` command in a process: refusals are one Chinese line and an exit
code, never a traceback; the witness key is never printed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Its `sanxiang` processes run on SQLite installations of their own: the SQLite pass runs it once.
pytestmark = pytest.mark.own_sqlite_installation

SANXIANG = str(Path(sys.executable).with_name("sanxiang"))


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("witness-installation")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SANXIANG_DATA_DIR"] = str(data_dir)
    subprocess.run([SANXIANG, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    return env


def sanxiang(env, *args):
    return subprocess.run([SANXIANG, *args], env=env, capture_output=True, text=True, timeout=120)


def test_refusals_are_messages_with_an_exit_code(installation, closed_port):
    log_vkey = sanxiang(installation, "checkpoint", "--public-key").stdout.split()[0]
    for args, words in [
        (["add", "not a url", "--vkey", log_vkey], "地址不合法"),
        (["add", closed_port, "--vkey", log_vkey], "无法取回日志的检查点"),
        (["add", closed_port, "--vkey", "sanxiang.local/ledger+00000000+AAAA"], "日志公钥不合法"),
        (["trust", "garbage"], "无法解析见证公钥"),
        (["vkey", "--holder", "no-such-body"], "没有代码为“no-such-body”的机构"),
    ]:
        done = sanxiang(installation, "witness", *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
    done = sanxiang(installation, "witness", "run")
    assert done.returncode == 0 and "还没有登记要见证的日志" in done.stdout
    done = sanxiang(installation, "witness", "vkey")
    assert done.returncode == 0 and "/witness+" in done.stdout
    seed = (Path(installation["SANXIANG_DATA_DIR"]) / "witness_key").read_text().strip()
    assert seed not in done.stdout + done.stderr
