"""The operator command: `sanxiang --help` lists the subcommands; `sanxiang serve` serves the app."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# Its `sanxiang` processes run on SQLite installations of their own: the SQLite pass runs it once.
pytestmark = pytest.mark.own_sqlite_installation

SANXIANG = str(Path(sys.executable).with_name("sanxiang"))


def sqlite_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SANXIANG_DATA_DIR"] = str(tmp_path)
    return env


def test_help_lists_every_operator_command():
    out = subprocess.run([SANXIANG, "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("serve", "demo", "verify", "deadline", "profiles", "calendar", "migrate",
                    "createadmin", "backup", "restore"):
        assert f"  {command} " in out, command


def test_unknown_subcommand_fails():
    result = subprocess.run([SANXIANG, "no-such-command"], capture_output=True, text=True)
    assert result.returncode != 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:  # a loaded CI machine answers late, not wrongly
        return response.status, response.read().decode()


def test_serve_answers_on_loopback_with_static_files(tmp_path):
    env = sqlite_env(tmp_path)
    subprocess.run([SANXIANG, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([SANXIANG, "serve", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60  # a loaded machine: the start runs Django's system checks
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("server did not answer within 60 s")
                time.sleep(0.1)
        assert status == 200 and '"ok"' in body
        status, page = get(f"http://127.0.0.1:{port}/")
        assert "三项" in page and "/static/vendor/htmx.min.js" in page
        status, script = get(f"http://127.0.0.1:{port}/static/vendor/htmx.min.js")
        assert status == 200 and "htmx" in script
    finally:
        server.terminate()
        server.wait(timeout=60)  # it stops its job runner first


def test_serve_refuses_a_malformed_address(tmp_path):
    env = sqlite_env(tmp_path)
    subprocess.run([SANXIANG, "migrate", "--noinput", "-v0"], env=env, check=True, capture_output=True)
    result = subprocess.run([SANXIANG, "serve", "127.0.0.1:http"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "ADDR:PORT" in result.stderr


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-args")
    subprocess.run([SANXIANG, "migrate", "--noinput", "-v0"], env=sqlite_env(path), check=True, capture_output=True)
    return path


@pytest.mark.parametrize("argv, says", [
    (["verify", "--files", "bogus"], ["参数 --files：无效的选项 'bogus'（可选：'all', 'sample', 'since-last'）"]),
    (["archive", "verify"], ["缺少必需的参数：FILE.zip"]),
    (["archive"], ["缺少必需的参数：子命令（export|verify）"]),
    (["verify", "--no-such-option"], ["无法识别的参数：--no-such-option"]),
    (["deadline", "--count", "3"], ["缺少必需的参数：--start"]),
    (["verify", "--sample-percent"], ["参数 --sample-percent：需要一个值"]),
    (["verfy"], ["未知命令 'verfy'（是否想用 verify？）"]),
])
def test_argument_errors_are_in_chinese_with_exit_code_2(migrated, argv, says):
    """s18 issue 8 item 23: argparse's English (usage:, error:, invalid choice…) became Chinese, in one place."""
    result = subprocess.run([SANXIANG, *argv], env=sqlite_env(migrated), capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    for text in says:
        assert text in result.stderr, result.stderr
    assert "用法：" in result.stderr or "参数错误" in result.stderr
    for english in ("usage:", "error:", "invalid choice", "required", "unrecognized", "expected one argument",
                    "Unknown command"):
        assert english not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv, says, english", [
    (["verify", "--files", "since-last", "--checked-before", "2026-13-45"],
     "错误：--checked-before 应为日期 YYYY-MM-DD，收到：2026-13-45", "CommandError"),
    (["archive", "verify", "u.zip", "--key", "/nonexistent/k.vkey"],
     "错误：无法读取公钥文件 /nonexistent/k.vkey：文件不存在", "Errno"),
    (["archive", "export", "立〔2026〕0001号", "--agency", "bogus", "--out", "x.zip", "--purpose", "核对归档案卷"],
     "错误：没有代码为“bogus”的执法机关。", "没有案号"),
    (["documents", "recheck", "--bogus"], "无法识别的参数：--bogus", "--settings"),
])
def test_operator_errors_are_one_chinese_line_and_exit_code_2(migrated, tmp_path, argv, says, english):
    """s19 tester8 #16: Django's "CommandError:" prefix, an English Errno text, an unknown --agency not named,
    Django's English options in a usage — each now a Chinese message and exit code 2."""
    result = subprocess.run([SANXIANG, *argv], env=sqlite_env(migrated), capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert says in result.stderr and english not in result.stderr, result.stderr
    for django_option in ("--traceback", "--pythonpath", "--skip-checks", "--no-color"):
        assert django_option not in result.stderr
    assert "Traceback" not in result.stderr and "CommandError" not in result.stderr


def test_a_listing_piped_into_head_ends_without_a_traceback(migrated):
    """s19 tester8 #16: `sanxiang cases list --json | head -c 300` printed sqlite3's "Cannot operate on a
    closed database" from the rows' cursor, closed after Django had closed the connection."""
    make = ("import datetime as dt\nfrom django.utils import timezone\n"
            "from sanxiang.orgs.models import Agency, Unit\nfrom sanxiang.cases.models import Case\n"
            "a = Agency.objects.create(code='pipe-test', name='管道测试局')\nu = Unit.objects.create(agency=a, name='一科')\n"
            "Case.objects.bulk_create([Case(agency=a, unit=u, source='inspection', cause='测试', category='x',"
            " status='clue', clue_on=dt.date(2026, 1, 1), created_at=timezone.now()) for _ in range(3000)])\n")
    subprocess.run([SANXIANG, "shell", "-c", make], env=sqlite_env(migrated), check=True, capture_output=True)
    for listing in (["cases", "list", "--json"], ["cases", "list"]):
        process = subprocess.Popen([SANXIANG, *listing], env=sqlite_env(migrated),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.read(300)
        process.stdout.close()  # the reader leaves, as `head -c 300` does
        errors = process.stderr.read().decode("utf-8")
        process.wait(timeout=60)
        assert "Traceback" not in errors and "closed database" not in errors, errors
        assert process.returncode == 1
