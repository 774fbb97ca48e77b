"""Append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the ledger.

The only sanctioned bypass is Django's `flush` (tests, wiping a development database): the
ledger app's `flush` command inserts a row into `ledger_unlock` inside its transaction, which
lets DELETE/TRUNCATE (never UPDATE) through. Someone with DDL rights can drop the triggers;
`sanxiang verify` and published checkpoints are what catch that.
"""

from django.db import migrations

TABLES = ["ledger_ledgerentry", "ledger_merklenode", "ledger_checkpoint"]

SQLITE_FORWARD = ["CREATE TABLE ledger_unlock (reason TEXT)"]
for _table in TABLES:
    SQLITE_FORWARD += [
        f"""CREATE TRIGGER {_table}_no_update BEFORE UPDATE ON {_table}
            BEGIN SELECT RAISE(ABORT, '留痕账本只允许追加：禁止修改 {_table}'); END""",
        f"""CREATE TRIGGER {_table}_no_delete BEFORE DELETE ON {_table}
            WHEN NOT EXISTS (SELECT 1 FROM ledger_unlock)
            BEGIN SELECT RAISE(ABORT, '留痕账本只允许追加：禁止删除 {_table}'); END""",
    ]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {t}_{op}" for t in TABLES for op in ("no_update", "no_delete")]
SQLITE_BACKWARD.append("DROP TABLE IF EXISTS ledger_unlock")

PG_FORWARD = [
    "CREATE TABLE ledger_unlock (reason text)",
    """CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' AND EXISTS (SELECT 1 FROM ledger_unlock) THEN
            IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '留痕账本只允许追加：禁止对 % 执行 %', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'raise_exception';
    END $$""",
]
for _table in TABLES:
    PG_FORWARD += [
        f"""CREATE TRIGGER {_table}_append_only BEFORE UPDATE OR DELETE ON {_table}
            FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
        f"""CREATE TRIGGER {_table}_no_truncate BEFORE TRUNCATE ON {_table}
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()""",
    ]
PG_BACKWARD = [f"DROP TRIGGER IF EXISTS {t}_{op} ON {t}" for t in TABLES
               for op in ("append_only", "no_truncate")]
PG_BACKWARD += ["DROP FUNCTION IF EXISTS ledger_refuse_change()", "DROP TABLE IF EXISTS ledger_unlock"]


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

    dependencies = [("ledger", "0002_nodes_checkpoints_announcements")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        ),
    ]
