"""`flush`, aware of the append-only ledger: the one sanctioned way to empty it (tests, dev).

The triggers are lifted and put back inside the flush's own transaction (a schema change:
sanxiang.ledger.guard.suspended), so no other connection ever sees the ledger unguarded and no
row anywhere can unlock it. On PostgreSQL only the owner of the tables may do this: the
application's role gets "must be owner of table" and nothing is deleted.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections, transaction

from sanxiang.ledger.guard import APPEND_ONLY_TABLES, suspended


class Command(FlushCommand):
    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        existing = set(connection.introspection.table_names())
        guarded = [table for table in APPEND_ONLY_TABLES if table in existing]
        if not guarded:
            return super().handle(**options)
        with transaction.atomic(using=database), suspended(connection, guarded):
            super().handle(**options)
