"""`bench/bench_redaction.py` runs, and its typical decision is redacted as the docs say (30 spans)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Redaction is text and profile data, and the bench runs without DATABASE_URL: the SQLite pass runs it once.
pytestmark = pytest.mark.database_agnostic


def test_the_redaction_bench_prints_its_json_line(tmp_path):
    env = {**os.environ, "BENCH_REDACTIONS": "3", "SANXIANG_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_redaction.py")], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["bench"] == "redaction" and result["runs"] == 3
    assert result["spans"] == 30 and result["median_ms"] > 0
