"""`flush`, aware of the append-only ledger: the one sanctioned way to empty it (tests, dev).

Inserts a row into `ledger_unlock` within the same transaction as the flush, so the triggers let
the DELETE/TRUNCATE through, and removes it again before committing.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections, transaction


class Command(FlushCommand):
    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        if "ledger_unlock" not in connection.introspection.table_names():
            return super().handle(**options)
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO ledger_unlock (reason) VALUES ('flush')")
            super().handle(**options)
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM ledger_unlock")
