"""A fresh installation for one bench run: its own data directory and, on PostgreSQL, its own
database on the `DATABASE_URL` server (dropped again by `drop()`). Import it before Django.

    from fresh import drop  # sets Django up on a fresh installation
"""

import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_admin_url = os.environ.get("DATABASE_URL", "")
_database = None
if _admin_url:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    _database = f"sanxiang_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{_database}"')
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(_admin_url)._replace(path=f"/{_database}"))
os.environ["SANXIANG_DATA_DIR"] = tempfile.mkdtemp(prefix="sanxiang-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django  # noqa: E402

django.setup()

from sanxiang.core.datadir import prepare  # noqa: E402

prepare()  # the fresh data directory's keys, as `sanxiang migrate` creates them


def drop() -> None:
    """Drop the run's PostgreSQL database (nothing to do on SQLite: the data directory is temporary)."""
    if not _database:
        return
    from django.db import connections

    connections.close_all()
    with psycopg.connect(_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_database}" WITH (FORCE)')
