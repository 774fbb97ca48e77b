"""The schema cache (数据库结构缓存): `migrate` on an empty database repeats what an earlier run built.

Migrating an empty database takes seconds of CPU, nearly all of it Django rendering the model
states of every migration; the result is the same each time. A machine that builds many
installations — the test suite, a training room — may name a directory in SANXIANG_SCHEMA_CACHE:
the first `migrate` (or `restore`, which migrates) of an empty database stores its result there,
later ones reuse it. The cache is keyed by the content of every migration file, the Django version
and the database engine's version: a changed migration is a new key. Unset, nothing changes.

SQLite: the migrated file itself, copied with SQLite's backup API into the empty database.
PostgreSQL (decision 0074): every statement the first `migrate` ran, as sent (parameters bound),
replayed in order in one transaction — inside `restore`'s own transaction too, so schema and rows
still commit together. Not with DATABASE_APP_ROLE set: the role's grants, and the checks of the
role before them, run as they are now, never from a recording.
"""

import hashlib
import json
import os
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

import django
from django.db import connections, transaction

ENV = "SANXIANG_SCHEMA_CACHE"


def cache_dir() -> Path | None:
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def migrations_key(engine: str | None = None) -> str:
    """What an empty database's migrated schema depends on: every migration file, Django, the engine
    (SQLite's library version unless `engine` names another, e.g. "postgresql 150010")."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    loader.load_disk()
    digest = hashlib.sha256(f"{django.__version__}|{engine or sqlite3.sqlite_version}|".encode())
    for key in sorted(loader.disk_migrations):
        digest.update("|".join(key).encode())
        digest.update(Path(sys.modules[loader.disk_migrations[key].__module__].__file__).read_bytes())
    return digest.hexdigest()


class SchemaCache:
    """The cached schema for one database alias, usable only while that database is empty."""

    def __init__(self, directory: Path, alias: str):
        self.alias = alias
        connection = connections[alias]
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            self.file = directory / f"schema-{migrations_key(f'postgresql {connection.pg_version}')}.postgresql.json"
        else:
            self.file = directory / f"schema-{migrations_key()}.sqlite3"
        self._statements = None

    @classmethod
    def for_migrate(cls, options: dict) -> "SchemaCache | None":
        """The cache, if set, for a plain whole-project `migrate` of an empty SQLite file or
        PostgreSQL database (no application role to grant to)."""
        from django.conf import settings

        directory = cache_dir()
        alias = options.get("database") or "default"
        connection = connections[alias]
        partial = any(options.get(name) for name in (
            "app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied", "prune",
            "run_syncdb"))
        if directory is None or partial:
            return None
        if connection.vendor == "sqlite":
            if connection.is_in_memory_db():
                return None
        elif connection.vendor != "postgresql" or getattr(settings, "DATABASE_APP_ROLE", ""):
            return None
        if connection.introspection.table_names():
            return None
        return cls(directory, alias)

    def _database(self) -> Path:
        return Path(connections[self.alias].settings_dict["NAME"])

    def load(self) -> bool:
        """Build the (empty) database from the cache; False when nothing is cached yet."""
        if not self.file.is_file():
            return False
        if self.vendor == "postgresql":
            statements = json.loads(self.file.read_text("utf-8"))
            with transaction.atomic(using=self.alias), connections[self.alias].cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)  # no parameters: bound when recorded, and no % is read as one
            return True
        connections[self.alias].close()
        _copy(self.file, self._database())
        return True

    @contextmanager
    def recording(self):
        """Around Django's `migrate`: on PostgreSQL, keep each statement it runs, parameters bound.
        A statement that fails (none should, on an empty database) leaves nothing to store."""
        if self.vendor != "postgresql":
            yield
            return
        from psycopg import ClientCursor

        statements, failed = [], []

        def record(execute, sql, params, many, context):
            if many:
                params = list(params)
            try:
                result = execute(sql, params, many, context)
            except BaseException:
                failed.append(sql)
                raise
            bind = ClientCursor(context["connection"].connection).mogrify
            if many:
                statements.extend(bind(sql, each) for each in params)
            else:
                statements.append(sql if params is None else bind(sql, params))
            return result

        with connections[self.alias].execute_wrapper(record):
            yield
        self._statements = None if failed else statements

    def store(self):
        """Keep what `migrate` just built, for the next empty database (atomically: another process may race)."""
        self.file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = self.file.with_name(f".{self.file.name}.{os.getpid()}")
        if self.vendor == "postgresql":
            if not self._statements:
                return
            partial.write_text(json.dumps(self._statements, ensure_ascii=False), "utf-8")
        else:
            connections[self.alias].close()
            _copy(self._database(), partial, journal_mode="DELETE")  # one file: nothing beside it to share
        os.chmod(partial, 0o600)
        os.replace(partial, self.file)


def _copy(source: Path, target: Path, journal_mode: str | None = None):
    """SQLite's online backup: a consistent copy whatever the journal mode, into an existing file too."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        if journal_mode:
            dst.execute(f"PRAGMA journal_mode={journal_mode}")
    finally:
        src.close()
        dst.close()
