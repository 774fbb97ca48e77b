"""What an attacker with database access does: raw SQL around the actions, triggers dropped."""

import base64

from django.db import connection

TABLES = ["ledger_ledgerentry", "ledger_merklenode", "ledger_checkpoint"]
SEED_A = base64.b64encode(b"A" * 32).decode()
SEED_B = base64.b64encode(b"B" * 32).decode()


def drop_triggers():
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
