"""The schema cache (数据库结构缓存, sanxiang/core/schema_cache.py): an empty SQLite database migrated
from the cache is the database the migrations build, and the cache is used only where it may be."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sanxiang.core import schema_cache
from sanxiang.core.schema_cache import SchemaCache

SANXIANG = str(Path(sys.executable).with_name("sanxiang"))
COPIED = "已从结构缓存复制"


def migrate(data_dir: Path, cache: Path | None, *more):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("SANXIANG_")}
    env.update(SANXIANG_DATA_DIR=str(data_dir), SANXIANG_SCHEMA_CACHE=str(cache or ""), PYTHONIOENCODING="utf-8")
    result = subprocess.run([SANXIANG, "migrate", "--noinput", *more], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def read(data_dir: Path, query: str) -> list:
    conn = sqlite3.connect(data_dir / "sanxiang.sqlite3")
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
MIGRATED = [
    "SELECT app, name FROM django_migrations ORDER BY app, name",
    "SELECT app_label, model FROM django_content_type ORDER BY app_label, model",
    "SELECT codename, name FROM auth_permission ORDER BY codename, content_type_id",
]


@pytest.mark.own_sqlite_installation
def test_a_database_built_from_the_cache_is_the_one_the_migrations_build(tmp_path):
    cache = tmp_path / "cache"
    migrate(tmp_path / "plain", None)
    first = migrate(tmp_path / "first", cache)
    second = migrate(tmp_path / "second", cache)
    assert COPIED not in first and COPIED in second
    [cached] = cache.glob("schema-*.sqlite3")
    assert cached.stat().st_mode & 0o777 == 0o600
    for built in ("first", "second"):
        assert read(tmp_path / built, SCHEMA) == read(tmp_path / "plain", SCHEMA)
        for query in MIGRATED:
            assert read(tmp_path / built, query) == read(tmp_path / "plain", query), query
    # What `sanxiang migrate` does beyond Django's migrate still happens: the calendar, the keys.
    assert "节假日日历" in second
    assert (tmp_path / "second" / "signing_key").stat().st_mode & 0o777 == 0o600
    # An installation already migrated is left as it is: no copy over its rows.
    again = migrate(tmp_path / "second", cache, "-v1")
    assert COPIED not in again
    assert read(tmp_path / "second", "SELECT count(*) FROM ledger_ledgerentry") == [(23,)]


def test_a_changed_migration_is_another_cache_key(monkeypatch, tmp_path):
    before = schema_cache.migrations_key()
    module = sys.modules["sanxiang.ledger.migrations.0001_initial"]
    changed = tmp_path / "0001_initial.py"
    changed.write_bytes(Path(module.__file__).read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(module, "__file__", str(changed))
    assert schema_cache.migrations_key() != before


@pytest.mark.django_db
def test_the_cache_is_not_used_for_the_test_database_nor_on_postgresql(monkeypatch, tmp_path):
    """The suite's own database is in memory on SQLite, or on PostgreSQL: neither is a file to copy into."""
    from django.db import connection

    monkeypatch.setenv(schema_cache.ENV, str(tmp_path))
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])  # as if empty
    assert connection.vendor == "postgresql" or connection.is_in_memory_db()
    assert SchemaCache.for_migrate({"database": "default"}) is None
    assert list(tmp_path.iterdir()) == []


def test_without_the_setting_there_is_no_cache(monkeypatch):
    monkeypatch.delenv(schema_cache.ENV, raising=False)
    assert schema_cache.cache_dir() is None
    assert SchemaCache.for_migrate({"database": "default"}) is None
