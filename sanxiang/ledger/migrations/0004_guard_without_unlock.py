"""The append-only triggers no longer read a table: `ledger_unlock` is gone.

Until now a row in `ledger_unlock` let DELETE/TRUNCATE through, and any role that could INSERT
into it could wipe the ledger. The triggers now refuse every UPDATE, DELETE and TRUNCATE,
whatever the data says; `flush` lifts them by changing the schema inside its own transaction
(sanxiang.ledger.guard.suspended), which on PostgreSQL only the tables' owner may do.
"""

from django.db import migrations

TABLES = ["ledger_ledgerentry", "ledger_merklenode", "ledger_checkpoint"]

SQLITE_FORWARD = []
for _table in TABLES:
    SQLITE_FORWARD += [
        f"DROP TRIGGER IF EXISTS {_table}_no_delete",
        f"""CREATE TRIGGER {_table}_no_delete BEFORE DELETE ON {_table}
            BEGIN SELECT RAISE(ABORT, '留痕账本只允许追加：禁止删除 {_table}'); END""",
    ]
SQLITE_FORWARD.append("DROP TABLE IF EXISTS ledger_unlock")

SQLITE_BACKWARD = ["CREATE TABLE ledger_unlock (reason TEXT)"]
for _table in TABLES:
    SQLITE_BACKWARD += [
        f"DROP TRIGGER IF EXISTS {_table}_no_delete",
        f"""CREATE TRIGGER {_table}_no_delete BEFORE DELETE ON {_table}
            WHEN NOT EXISTS (SELECT 1 FROM ledger_unlock)
            BEGIN SELECT RAISE(ABORT, '留痕账本只允许追加：禁止删除 {_table}'); END""",
    ]

PG_FORWARD = [
    """CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '留痕账本只允许追加：禁止对 % 执行 %', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'raise_exception';
    END $$""",
    "DROP TABLE IF EXISTS ledger_unlock",
]

PG_BACKWARD = [
    "CREATE TABLE ledger_unlock (reason text)",
    """CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' AND EXISTS (SELECT 1 FROM ledger_unlock) THEN
            IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '留痕账本只允许追加：禁止对 % 执行 %', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'raise_exception';
    END $$""",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"unsupported database: {schema_editor.connection.vendor}")
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [("ledger", "0003_append_only")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        ),
    ]
