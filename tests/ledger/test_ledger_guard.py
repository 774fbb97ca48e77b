"""The append-only guard reads no data: no INSERT anywhere unlocks it; only `flush` lifts it, in
its own transaction, by a schema change (on PostgreSQL: the tables' owner only)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint
from sanxiang.ledger.guard import APPEND_ONLY_TABLES, suspended
from sanxiang.ledger.models import Checkpoint, LedgerEntry, MerkleNode


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _refused(fn):
    with pytest.raises(DatabaseError) as info:
        with transaction.atomic():
            fn()
    assert "只允许追加" in str(info.value)


def _append(n=4):
    user = get_user_model().objects.create_user(f"guard-{LedgerEntry.objects.count()}", password="x" * 12)
    for i in range(n):
        do_post_announcement(f"公告 {i}", actor=user)
    do_take_checkpoint(actor=user, force=True)


def _every_change_refused():
    for table in APPEND_ONLY_TABLES:
        _refused(lambda: raw(f"DELETE FROM {table}"))
        _refused(lambda: raw(f"UPDATE {table} SET id = id" if table != "ledger_ledgerentry"
                             else f"UPDATE {table} SET action = 'x'"))
        if connection.vendor == "postgresql":
            _refused(lambda: raw(f"TRUNCATE {table} CASCADE"))


def _guard_source() -> list[str]:
    """The SQL that decides whether a change is refused: trigger bodies (SQLite), the function (PostgreSQL)."""
    if connection.vendor == "postgresql":
        return [row[0] for row in raw("SELECT prosrc FROM pg_proc WHERE proname = 'ledger_refuse_change'")]
    return [row[0] for row in raw("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'ledger_%'")]


@pytest.mark.django_db
def test_the_unlock_table_is_gone_and_the_guard_reads_no_table():
    assert "ledger_unlock" not in connection.introspection.table_names()
    sources = _guard_source()
    assert len(sources) == (1 if connection.vendor == "postgresql" else 2 * len(APPEND_ONLY_TABLES))
    for sql in sources:
        text = sql.upper()
        # No condition on data or session state: nothing an INSERT or a SET could satisfy.
        assert "WHEN" not in text and "EXISTS" not in text and "FROM" not in text, sql
        assert "CURRENT_SETTING" not in text and "CURRENT_USER" not in text, sql


@pytest.mark.django_db
def test_inserting_the_old_unlock_row_unlocks_nothing():
    _append()
    raw("CREATE TABLE ledger_unlock (reason TEXT)")
    raw("INSERT INTO ledger_unlock (reason) VALUES ('flush')")
    _every_change_refused()
    assert (LedgerEntry.objects.count(), MerkleNode.objects.count(), Checkpoint.objects.count()) == (4, 3, 1)


@pytest.mark.django_db
def test_a_failure_while_the_guard_is_lifted_puts_it_back():
    _append()
    with pytest.raises(ZeroDivisionError), transaction.atomic(), suspended(connection):
        raw("DELETE FROM ledger_checkpoint")
        1 / 0
    assert Checkpoint.objects.count() == 1
    _every_change_refused()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_ledger_and_leaves_the_guard_in_place():
    _append()
    with pytest.raises(RuntimeError, match="inside a transaction"):
        with suspended(connection):
            pass
    before = sorted(_guard_source())
    call_command("flush", interactive=False, verbosity=0)
    assert LedgerEntry.objects.count() == MerkleNode.objects.count() == Checkpoint.objects.count() == 0
    assert sorted(_guard_source()) == before
    _append()
    _every_change_refused()
    assert LedgerEntry.objects.count() == 4
    # The teardown of this (transactional) test flushes once more, through the same command.


@pytest.mark.django_db(transaction=True)
def test_migrating_an_existing_database_closes_the_unlock_hole():
    _append()
    executor = MigrationExecutor(connection)
    executor.migrate([("ledger", "0003_append_only")])
    try:
        # The state before: a plain INSERT into ledger_unlock let anyone delete entries.
        assert "ledger_unlock" in connection.introspection.table_names()
        with transaction.atomic():
            raw("INSERT INTO ledger_unlock (reason) VALUES ('anyone')")
            raw("DELETE FROM ledger_checkpoint")
            assert Checkpoint.objects.count() == 0
            transaction.set_rollback(True)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert "ledger_unlock" not in connection.introspection.table_names()
    assert Checkpoint.objects.count() == 1
    _every_change_refused()
