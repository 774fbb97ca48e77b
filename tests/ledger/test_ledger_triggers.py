"""Append-only: the database itself refuses UPDATE and DELETE on entries, nodes, checkpoints."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint
from sanxiang.ledger.models import Checkpoint, LedgerEntry, MerkleNode


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    user = get_user_model().objects.create_user("trigger-admin", password="x" * 12)
    for i in range(4):
        do_post_announcement(f"公告 {i}", actor=user)
    do_take_checkpoint(actor=user)


def _refused(fn):
    with pytest.raises(DatabaseError) as info:
        with transaction.atomic():
            fn()
    assert "只允许追加" in str(info.value)


MODELS = [LedgerEntry, MerkleNode, Checkpoint]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_orm_update_and_delete_are_refused(ledger, model):
    row = model.objects.order_by("pk").first()
    if model is LedgerEntry:
        row.entry = row.entry.replace("公告", "改写")
    elif model is MerkleNode:
        row.hash = "0" * 64
    else:
        row.root_hash = "0" * 64
    _refused(row.save)
    column = {LedgerEntry: "action", MerkleNode: "hash", Checkpoint: "note"}[model]
    _refused(lambda: model.objects.all().update(**{column: "x"}))
    _refused(model.objects.order_by("pk").first().delete)
    _refused(model.objects.all().delete)
    assert model.objects.count() == {LedgerEntry: 4, MerkleNode: 3, Checkpoint: 1}[model]


@pytest.mark.parametrize("table,column,value", [
    ("ledger_ledgerentry", "leaf_hash", "0" * 64),
    ("ledger_merklenode", "hash", "0" * 64),
    ("ledger_checkpoint", "note", "forged"),
])
def test_raw_sql_update_and_delete_are_refused(ledger, table, column, value):
    _refused(lambda: raw(f"UPDATE {table} SET {column} = %s", [value]))
    _refused(lambda: raw(f"DELETE FROM {table}"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = %s", [value])
        assert cursor.fetchone()[0] == 0


def test_truncate_is_refused_on_postgresql(ledger):
    if connection.vendor != "postgresql":
        # SQLite has no TRUNCATE; its DELETE FROM is refused above.
        _refused(lambda: raw("DELETE FROM ledger_ledgerentry"))
        return
    _refused(lambda: raw("TRUNCATE ledger_ledgerentry CASCADE"))


def test_appending_still_works(ledger):
    user = get_user_model().objects.get(username="trigger-admin")
    do_post_announcement("再追加一条", actor=user)
    assert LedgerEntry.objects.count() == 5
