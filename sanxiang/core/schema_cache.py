"""The schema cache (数据库结构缓存): `migrate` on an empty SQLite database copies what an earlier run built.

Migrating an empty database takes seconds of CPU, nearly all of it Django rendering the model
states of every migration; the result is the same file each time. A machine that builds many
installations — the test suite, a training room — may name a directory in SANXIANG_SCHEMA_CACHE:
the first `migrate` (or `restore`, which migrates) of an empty SQLite database stores its result
there, later ones copy it. The cache is keyed by the content of every migration file, the Django and
SQLite versions: a changed migration is a new key. Unset, nothing changes. PostgreSQL never uses it.
"""

import hashlib
import os
import sqlite3
import sys
from pathlib import Path

import django
from django.db import connections

ENV = "SANXIANG_SCHEMA_CACHE"


def cache_dir() -> Path | None:
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def migrations_key() -> str:
    """What an empty database's migrated schema depends on: every migration file, Django, SQLite."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    loader.load_disk()
    digest = hashlib.sha256(f"{django.__version__}|{sqlite3.sqlite_version}|".encode())
    for key in sorted(loader.disk_migrations):
        digest.update("|".join(key).encode())
        digest.update(Path(sys.modules[loader.disk_migrations[key].__module__].__file__).read_bytes())
    return digest.hexdigest()


class SchemaCache:
    """The cached schema for one database alias, usable only while that database is empty."""

    def __init__(self, directory: Path, alias: str):
        self.alias = alias
        self.file = directory / f"schema-{migrations_key()}.sqlite3"

    @classmethod
    def for_migrate(cls, options: dict) -> "SchemaCache | None":
        """The cache, if set, for a plain whole-project `migrate` of an empty SQLite database."""
        directory = cache_dir()
        alias = options.get("database") or "default"
        connection = connections[alias]
        partial = any(options.get(name) for name in (
            "app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied", "prune",
            "run_syncdb"))
        if directory is None or partial or connection.vendor != "sqlite" or connection.is_in_memory_db():
            return None
        if connection.introspection.table_names():
            return None
        return cls(directory, alias)

    def _database(self) -> Path:
        return Path(connections[self.alias].settings_dict["NAME"])

    def load(self) -> bool:
        """Copy the cached schema into the (empty) database; False when nothing is cached yet."""
        if not self.file.is_file():
            return False
        connections[self.alias].close()
        _copy(self.file, self._database())
        return True

    def store(self):
        """Keep what `migrate` just built, for the next empty database (atomically: another process may race)."""
        self.file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = self.file.with_name(f".{self.file.name}.{os.getpid()}")
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
