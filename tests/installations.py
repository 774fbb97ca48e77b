"""Sanxiang installations driven through the `sanxiang` command, as an operator runs it.

Each installation is a data directory and a database of its own: a SQLite file in the data
directory, or — when the suite runs on PostgreSQL (DATABASE_URL) — a fresh database on that server,
dropped afterwards. Used by the backup and restore tests.
"""

import json
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SANXIANG = str(Path(sys.executable).parent / "sanxiang")
SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))
PAUSE_ENV = "SANXIANG_TEST_PAUSE_AT"  # sanxiang/core/pause.py
SCHEMA_CACHE = "SANXIANG_SCHEMA_CACHE"  # sanxiang/core/schema_cache.py: one for the test run


class Installation:
    """One Sanxiang installation: a data directory and a database."""

    def __init__(self, data_dir: Path, database_url: str, extra_env=None):
        self.data_dir = data_dir
        self.database_url = database_url
        self.extra_env = extra_env or {}

    def env(self, **more):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SANXIANG_") or k == SCHEMA_CACHE}
        env.update(SANXIANG_DATA_DIR=str(self.data_dir), DATABASE_URL=self.database_url,
                   PYTHONIOENCODING="utf-8", **self.extra_env, **more)
        return env

    def run(self, *args, check=True):
        result = subprocess.run([SANXIANG, *args], env=self.env(), capture_output=True, text=True,
                                timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"sanxiang {' '.join(args)} → {result.returncode}\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def start(self, *args, pause_at=None, flag=None):
        """Start `sanxiang ARGS…` in the background, to stop at the pause point `pause_at`."""
        more = {PAUSE_ENV: f"{pause_at}={flag}"} if pause_at else {}
        return subprocess.Popen([SANXIANG, *args], env=self.env(**more), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def sql(self, query):
        """One scalar from this installation's database (read directly, not through Django)."""
        if ON_POSTGRES:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return conn.execute(query).fetchone()[0]
        path = urlsplit(self.database_url).path
        conn = sqlite3.connect(path)
        try:
            return conn.execute(query).fetchone()[0]
        finally:
            conn.close()

    def table_exists(self, table):
        if ON_POSTGRES:
            return self.sql(f"SELECT count(*) FROM pg_tables WHERE tablename = '{table}'") > 0
        return self.sql(f"SELECT count(*) FROM sqlite_master WHERE name = '{table}'") > 0


class Factory:
    """Makes empty installations under `base`; drops their PostgreSQL databases on close."""

    def __init__(self, base: Path):
        self.base = base
        self.created = []

    def __call__(self, name, **extra_env):
        data_dir = self.base / name
        if ON_POSTGRES:
            import psycopg

            db = f"sx_backup_{name}_{secrets.token_hex(4)}"
            with psycopg.connect(SERVER_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db}"')
            self.created.append(db)
            parts = urlsplit(SERVER_URL)
            url = urlunsplit(parts._replace(path="/" + db))
        else:
            data_dir.mkdir()
            url = f"sqlite:///{data_dir / 'sanxiang.sqlite3'}"
        return Installation(data_dir, url, extra_env)

    def copy_of(self, original: Installation, name) -> Installation:
        """A copy of `original` (data directory, key files and database), free to change. The
        original must have no process running: PostgreSQL copies a database as its template."""
        data_dir = self.base / name
        shutil.copytree(original.data_dir, data_dir)  # file modes too: keys stay 0600
        if ON_POSTGRES:
            import psycopg

            db = f"sx_backup_{name}_{secrets.token_hex(4)}"
            template = urlsplit(original.database_url).path.lstrip("/")
            with psycopg.connect(SERVER_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
            self.created.append(db)
            url = urlunsplit(urlsplit(SERVER_URL)._replace(path="/" + db))
        else:
            url = f"sqlite:///{data_dir / 'sanxiang.sqlite3'}"
        return Installation(data_dir, url, original.extra_env)

    def close(self):
        if ON_POSTGRES and self.created:
            import psycopg

            with psycopg.connect(SERVER_URL, autocommit=True) as conn:
                for db in self.created:
                    conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def wait_until_paused(process, flag: Path, timeout=240):
    """Wait until `process` reached its pause point (it wrote `flag`); fail if it ended instead."""
    deadline = time.monotonic() + timeout
    while not flag.exists():
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"the process ended ({process.returncode}) before its pause point\n{out}\n{err}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the pause point was never reached")
        time.sleep(0.02)


def kill(process):
    """SIGKILL: no handler, no cleanup, no atexit — as a power cut or the OOM killer would."""
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL


REGISTER_FILE = """
from django.conf import settings
from django.db import transaction
from sanxiang.access.actors import OPERATOR
from sanxiang.ledger.actions import append_entry
from sanxiang.lib.hashing import digest_stream
path = settings.DATA_DIR / "files" / "evidence" / "现场照片.txt"
path.parent.mkdir(parents=True)
path.write_text("不是真正的证据，只用来检查文件被备份。", encoding="utf-8")
with transaction.atomic(), open(path, "rb") as fh:
    append_entry(action="store_file", actor=OPERATOR,
                 files=[{"path": "evidence/现场照片.txt", **digest_stream(fh)}])
"""


# The demo without its cases and documents (tests/core/conftest.py, `small_installation`).
SMALL_DEMO = """
import importlib, io
from django.db import transaction
with transaction.atomic():
    for app in ("profiles", "deadlines", "orgs", "parties", "witness"):
        importlib.import_module(f"sanxiang.{app}.demo").load(io.StringIO())
"""


def manifest_of(backup_dir):
    return json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
