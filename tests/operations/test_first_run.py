"""First run of the operator command, as an operator meets it: the real `sanxiang` entry point in a
subprocess, with its own SANXIANG_DATA_DIR and the current directory somewhere else."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

# Its `sanxiang` processes run on SQLite installations of their own: the SQLite pass runs it once.
pytestmark = pytest.mark.own_sqlite_installation

SANXIANG = str(Path(sys.executable).with_name("sanxiang"))
NOT_MIGRATED = "请先运行 `sanxiang migrate`"


def schema_cache():
    """The test run's schema cache, for tests whose subject is not `migrate` (env_for leaves it out)."""
    return {"SANXIANG_SCHEMA_CACHE": os.environ.get("SANXIANG_SCHEMA_CACHE", "")}


def env_for(data_dir, **extra):
    env = {k: v for k, v in os.environ.items()
           if k != "DATABASE_URL" and not k.startswith("SANXIANG_")}
    env.update(SANXIANG_DATA_DIR=str(data_dir), PYTHONIOENCODING="utf-8", **extra)
    return env


@pytest.fixture
def elsewhere(tmp_path):
    """An unrelated current directory: nothing may appear in it."""
    path = tmp_path / "elsewhere"
    path.mkdir()
    return path


def sanxiang(data_dir, cwd, *args, **extra_env):
    return subprocess.run([SANXIANG, *args], env=env_for(data_dir, **extra_env), cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("args", [
    ["verify"],
    ["deadline", "--start", "2025-09-26", "--count", "7", "--unit", "workdays"],
    ["calendar", "status"],
    ["calendar", "show", "2025"],
    ["demo"],
    ["checkpoint"],
    ["backup", "BACKUP"],
    ["createadmin", "root", "--password", "a-long-enough-password"],
    ["serve", "127.0.0.1:0"],
])
def test_every_command_before_migrate_asks_for_migrate(tmp_path, elsewhere, args):
    data_dir = tmp_path / "data"
    args = [str(tmp_path / "backup") if a == "BACKUP" else a for a in args]
    result = sanxiang(data_dir, elsewhere, *args)
    assert result.returncode == 1
    assert NOT_MIGRATED in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    # Nothing was created: no data directory, no empty database, no keys, nothing in the cwd.
    assert not data_dir.exists()
    assert list(elsewhere.iterdir()) == []


def test_migrate_creates_a_private_installation_that_computes_right_deadlines(tmp_path, elsewhere):
    data_dir = tmp_path / "data"
    migrated = sanxiang(data_dir, elsewhere, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    assert "节假日日历：2004–2026 年已就绪" in migrated.stdout
    assert list(elsewhere.iterdir()) == []
    assert mode(data_dir) == 0o700
    for name in ("secret_key", "signing_key", "sanxiang.sqlite3"):
        assert mode(data_dir / name) == 0o600, name
    # The 2025 National Day holiday is known without `calendar seed`: 7 working days after
    # 2025-09-26 end on 2025-10-13, not on 2025-10-07 as weekends alone would say.
    due = sanxiang(data_dir, elsewhere, "deadline", "--start", "2025-09-26", "--count", "7",
                   "--unit", "workdays", "--json")
    assert due.returncode == 0, due.stderr
    body = json.loads(due.stdout)
    assert body["due"] == "2025-10-13" and body["provisional"] is False

    # Running migrate again changes nothing: the same keys, no new ledger entries.
    keys = {n: (data_dir / n).read_text() for n in ("secret_key", "signing_key")}
    before = json.loads(sanxiang(data_dir, elsewhere, "verify", "--json").stdout)["entries"]
    again = sanxiang(data_dir, elsewhere, "migrate", "--noinput", "-v0")
    assert again.returncode == 0 and again.stdout == ""
    after = sanxiang(data_dir, elsewhere, "verify", "--json")
    assert after.returncode == 0, after.stdout
    assert json.loads(after.stdout)["entries"] == before == 23
    assert {n: (data_dir / n).read_text() for n in keys} == keys


def test_far_future_date_on_the_command_line_is_a_message(tmp_path, elsewhere):
    data_dir = tmp_path / "data"
    sanxiang(data_dir, elsewhere, "migrate", "--noinput", "-v0", **schema_cache())
    result = sanxiang(data_dir, elsewhere, "deadline", "--start", "9999-12-31", "--count", "5",
                      "--unit", "days")
    assert result.returncode == 2
    assert "超出可计算的范围" in result.stderr and "Traceback" not in result.stderr


def test_output_into_a_closed_pipe_ends_quietly(tmp_path, elsewhere):
    """`sanxiang profiles show zhuzhou-amr | head -1`: the reader leaves, no traceback."""
    process = subprocess.Popen([SANXIANG, "profiles", "show", "zhuzhou-amr"],
                               env=env_for(tmp_path / "data"), cwd=elsewhere,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # before the command writes its first line
    errors = process.stderr.read().decode("utf-8")
    process.wait(timeout=60)
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors
    assert process.returncode == 1

    piped = subprocess.run(f"'{SANXIANG}' profiles show zhuzhou-amr | head -1", shell=True,
                           env=env_for(tmp_path / "data"), cwd=elsewhere, capture_output=True,
                           text=True, timeout=60)
    assert "株洲市市场监督管理局" in piped.stdout and piped.stderr == ""


def test_a_malformed_public_url_is_a_message(tmp_path, elsewhere):
    result = sanxiang(tmp_path / "data", elsewhere, "profiles", "list",
                      SANXIANG_PUBLIC_URL="zfz.example.gov.cn/sanxiang")
    assert result.returncode == 1
    assert "SANXIANG_PUBLIC_URL" in result.stderr and "Traceback" not in result.stderr
