"""The append-only guard (防删改): which tables it covers, and lifting it for `flush` only.

The triggers themselves are created by the ledger's migrations (0003, made unconditional by
0004). They depend on no data: no row in any table can switch them off. Only a change of the
schema can — dropping or disabling the triggers — which SQLite allows whoever can write the
file, and PostgreSQL only the tables' owner (the role that runs `migrate`, never the
application's role: see docs/operations.md, "Database roles").
"""

from contextlib import contextmanager

# The tables whose rows are never changed or removed once written. The application's database
# role gets SELECT and INSERT on them only (sanxiang.core.dbroles).
APPEND_ONLY_TABLES = ("ledger_ledgerentry", "ledger_merklenode", "ledger_checkpoint")


@contextmanager
def suspended(connection, tables=APPEND_ONLY_TABLES):
    """Lift the guard on `tables` for the duration of the block — inside the caller's transaction.

    The caller must hold a transaction (`transaction.atomic`): the triggers come back before it
    commits, and a failure rolls their removal back with everything else, so no other connection
    ever sees the ledger unguarded. On PostgreSQL this needs the owner of the tables.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("the append-only guard may only be lifted inside a transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
            yield
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
        elif connection.vendor == "sqlite":
            marks = ", ".join("%s" for _ in tables)
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
                           list(tables))
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield
            for _, sql in triggers:
                cursor.execute(sql)
        else:
            raise RuntimeError(f"unsupported database: {connection.vendor}")
