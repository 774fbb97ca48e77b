"""`sanxiang deadline` as an operator runs it: its exit codes and where it writes, in processes of its
own on a SQLite installation of its own (DATABASE_URL removed), so the SQLite pass runs it once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.own_sqlite_installation
ROOT = Path(__file__).resolve().parents[2]


def test_cli_subprocess_exit_codes(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SANXIANG_DATA_DIR"] = str(tmp_path)
    bin_ = [sys.executable, "-m", "sanxiang.cli"]
    subprocess.run([*bin_, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*bin_, "calendar", "seed"], env=env, check=True, cwd=ROOT, capture_output=True)
    ok = subprocess.run([*bin_, "deadline", "--start", "2025-09-26", "--count", "7", "--unit",
                         "workdays", "--json"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["due"] == "2025-10-13"
    bad = subprocess.run([*bin_, "deadline", "--start", "2025-02-30", "--count", "7", "--unit",
                          "workdays"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "日期格式错误" in bad.stderr and bad.stdout == ""
    unknown = subprocess.run([*bin_, "deadline", "--start", "2025-02-03", "--bogus"], env=env,
                             cwd=ROOT, capture_output=True, text=True)
    assert unknown.returncode == 2 and "参数错误" in unknown.stderr
