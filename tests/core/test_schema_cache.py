"""The schema cache (数据库结构缓存, sanxiang/core/schema_cache.py): an empty SQLite or PostgreSQL database
migrated from the cache is the database the migrations build, and the cache is used only where it may be."""

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
def test_the_suites_own_database_is_built_by_the_migrations(monkeypatch, tmp_path):
    """pytest-django builds the test database with `migrate --run-syncdb`: never from the cache. On
    SQLite that database is in memory, nothing to copy into; with an application role set, the
    grants (and the checks of the role before them) are never replayed."""
    from django.conf import settings
    from django.db import connection

    monkeypatch.setenv(schema_cache.ENV, str(tmp_path))
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])  # as if empty
    assert SchemaCache.for_migrate({"database": "default", "run_syncdb": True}) is None
    if connection.vendor == "sqlite":
        assert connection.is_in_memory_db()
        assert SchemaCache.for_migrate({"database": "default"}) is None
    else:
        assert SchemaCache.for_migrate({"database": "default"}) is not None
        monkeypatch.setattr(settings, "DATABASE_APP_ROLE", "sanxiang_app", raising=False)
        assert SchemaCache.for_migrate({"database": "default"}) is None
    assert list(tmp_path.iterdir()) == []


# What PostgreSQL's migrated schema is made of, read from its catalogs (ids and sequences too: the
# replayed statements must leave every counter where the migrations left it).
PG_CATALOG = [
    "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity, identity_generation "
    "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, condeferred "
    "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2",
    "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
    "ORDER BY 1, 2",
    "SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1",
    "SELECT relname, relkind, pg_get_userbyid(relowner), relacl::text FROM pg_class "
    "WHERE relnamespace = 'public'::regnamespace ORDER BY 1",
    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
    "SELECT app, name FROM django_migrations ORDER BY app, name",
    "SELECT id, app_label, model FROM django_content_type ORDER BY id",
    "SELECT id, codename, name, content_type_id FROM auth_permission ORDER BY id",
]


@pytest.mark.postgresql
def test_a_postgresql_database_built_from_the_cache_is_the_one_the_migrations_build(tmp_path):
    """The first `migrate` of an empty PostgreSQL database runs the migrations and records their
    statements; the second replays them (decision 0074). Both databases' catalogs are the same."""
    import psycopg
    from installations import Factory

    cache = tmp_path / "cache"
    made = Factory(tmp_path)
    try:
        first, second = (made(name, SANXIANG_SCHEMA_CACHE=str(cache)) for name in ("first", "second"))
        assert COPIED not in first.run("migrate", "--noinput").stdout
        [recorded] = cache.glob("schema-*.postgresql.json")
        assert recorded.stat().st_mode & 0o777 == 0o600
        out = second.run("migrate", "--noinput").stdout
        assert COPIED in out and "节假日日历" in out  # what `sanxiang migrate` adds still happens
        with psycopg.connect(first.database_url) as a, psycopg.connect(second.database_url) as b:
            for query in PG_CATALOG:
                built, replayed = a.execute(query).fetchall(), b.execute(query).fetchall()
                assert built and replayed == built, query
        # An installation already migrated is left as it is.
        assert COPIED not in second.run("migrate", "--noinput", "-v1").stdout
    finally:
        made.close()


def test_without_the_setting_there_is_no_cache(monkeypatch):
    monkeypatch.delenv(schema_cache.ENV, raising=False)
    assert schema_cache.cache_dir() is None
    assert SchemaCache.for_migrate({"database": "default"}) is None
