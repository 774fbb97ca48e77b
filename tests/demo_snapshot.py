"""The demo's rows and files, built once per test process and laid down again for each module.

`sanxiang demo` takes seconds of CPU (a hundred cases moved through their tables, each move
checked and ledgered); about twenty test modules read it. The first module that asks builds it
inside its transaction and this keeps what the build changed — per table, the rows it added and
the rows it removed or changed, and the files it stored — before the module's transaction rolls it
back. Every later module gets the same rows inserted back inside its own transaction (and rolled
back after it) and the files copied into its own file store: the very same rows and ids as a
fresh build, in milliseconds. (docs/how-to.md "Test time".)

Rows are copied in each engine's own exact form — SQLite values as they are stored, PostgreSQL
lines of `COPY … TO STDOUT` — so nothing is converted on the way. Foreign keys are deferred to
commit in both engines, so the order of the tables does not matter.
"""

import shutil
from io import StringIO
from pathlib import Path

SKIPPED_TABLES = {"django_migrations", "sqlite_sequence"}
# SQLite's full-text index of the public search (sanxiang/search) and its shadow tables: rebuilt from
# search_searchentry after the rows are laid down, never copied (the copy would add each row twice)
FTS_TABLE = "search_fts"


def _skipped(table: str) -> bool:
    return table in SKIPPED_TABLES or table == FTS_TABLE or table.startswith(FTS_TABLE + "_")


class TableChange:
    def __init__(self, table, pk_index, removed, added):
        self.table = table
        self.pk_index = pk_index
        self.removed = removed  # rows (SQLite tuples / PostgreSQL COPY lines) the build removed or changed
        self.added = added  # rows the build added, or changed rows as they became


class DemoSnapshot:
    def __init__(self):
        self.changes = None
        self.output = None
        self.files = None
        self.before = None  # in-memory SQLite: the whole database as the build found it

    def keep_database_before(self):
        """Before the first build, outside any transaction (SQLite's backup API waits forever on a
        connection inside one): the in-memory SQLite test database as the build will find it, kept for
        `commit_into`. Nothing on other databases."""
        import sqlite3

        from django.db import connection

        if self.changes is not None or connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return
        if connection.in_atomic_block:  # then the browser tests build their own copy, as before
            return
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        self.before = copy

    def commit_into(self, files_dir: Path) -> str | None:
        """Outside any transaction (the browser tests' live server reads committed rows): the database
        put back as the build found it, then the demo laid down and committed — what `sanxiang demo` made
        there, without building it again. None when there is nothing to lay down (not built in this
        process, or not on in-memory SQLite): the caller builds it."""
        from django.db import connection, transaction

        if self.changes is None or self.before is None:
            return None
        connection.ensure_connection()
        self.before.backup(connection.connection)
        with transaction.atomic():
            return self.load(files_dir, None)

    def load(self, files_dir: Path, snapshot_dir_factory) -> str:
        """The demo in the current transaction and in `files_dir`; returns what `sanxiang demo` printed."""
        from django.db import connection

        if self.changes is None:
            self._build(files_dir, snapshot_dir_factory)
        else:
            with connection.cursor() as cursor:
                for change in self.changes:
                    self._restore(cursor, change)
                if connection.vendor == "sqlite" and FTS_TABLE in connection.introspection.table_names(cursor):
                    cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            if self.files is not None:
                shutil.copytree(self.files, files_dir, dirs_exist_ok=True)
        if connection.vendor == "postgresql":
            _analyze(connection, [change.table for change in self.changes])
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        return self.output

    # -- building ------------------------------------------------------------------------------

    def _build(self, files_dir, snapshot_dir_factory):
        from django.core.management import call_command
        from django.db import connection

        with connection.cursor() as cursor:
            tables = [t for t in connection.introspection.table_names(cursor) if not _skipped(t)]
            before = {t: self._rows(cursor, t) for t in tables}
        out = StringIO()
        call_command("demo", stdout=out)
        changes = []
        with connection.cursor() as cursor:
            for table in tables:
                after = self._rows(cursor, table)
                if after == before[table]:
                    continue
                pk = connection.introspection.get_primary_key_column(cursor, table)
                columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
                old, new = set(before[table]), set(after)
                if pk is None and old - new:
                    raise RuntimeError(f"the demo changed rows of {table}, a table without a primary key")
                changes.append(TableChange(table, columns.index(pk) if pk else None, sorted(old - new, key=str),
                                           [row for row in after if row not in old]))
        self.changes = changes
        self.output = out.getvalue()
        if files_dir.exists() and any(files_dir.iterdir()):
            self.files = snapshot_dir_factory() / "files"
            shutil.copytree(files_dir, self.files)

    @staticmethod
    def _rows(cursor, table):
        from django.db import connection

        quoted = connection.ops.quote_name(table)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
                data = b"".join(bytes(chunk) for chunk in copy)
            return data.split(b"\n")[:-1] if data else []
        cursor.execute(f"SELECT * FROM {quoted}")
        return cursor.fetchall()

    # -- laying it down again ------------------------------------------------------------------

    @staticmethod
    def _restore(cursor, change):
        from django.db import connection

        quoted = connection.ops.quote_name(change.table)
        pk_column = connection.introspection.get_primary_key_column(cursor, change.table)
        if connection.vendor == "postgresql":
            pks = [row.split(b"\t")[change.pk_index].decode() for row in change.removed]
            if pks:
                cursor.execute(f"DELETE FROM {quoted} WHERE {connection.ops.quote_name(pk_column)}::text = ANY(%s)",
                               [pks])
            if change.added:
                with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
                    copy.write(b"\n".join(change.added) + b"\n")
            return
        if change.removed:
            cursor.executemany(f"DELETE FROM {quoted} WHERE {connection.ops.quote_name(pk_column)} = %s",
                               [(row[change.pk_index],) for row in change.removed])
        if change.added:
            marks = ", ".join(["%s"] * len(change.added[0]))
            cursor.executemany(f"INSERT INTO {quoted} VALUES ({marks})", change.added)


def _analyze(connection, tables):
    """PostgreSQL's planner statistics for the tables the demo fills, taken inside the module's transaction
    (ANALYZE counts the rows this transaction inserted; only these tables, so no catalog stays locked until
    the module ends). Without it the planner used each table's last statistics — after an earlier module's
    demo was rolled back, autovacuum vacuumed the dead rows and recorded the table as empty — took the
    thousands of rows laid down here for one, planned nested loops over them, and single queries of a home
    page took seconds (stop 23's proof: one `tests/ui/test_workbench.py` test 110 s). ≈ 0.1 s.
    (docs/how-to.md "Test time".)"""
    if tables:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))


DEMO = DemoSnapshot()


def load_demo_of(*apps):
    """Only these apps' part of the demo (`sanxiang.<app>.demo`), in the order given — for a test
    about agencies, people or witnesses that has no use for the hundred cases."""
    import importlib

    from django.db import transaction

    with transaction.atomic():
        for app in apps:
            importlib.import_module(f"sanxiang.{app}.demo").load(StringIO())
