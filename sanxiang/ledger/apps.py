from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LedgerConfig(AppConfig):
    name = "sanxiang.ledger"
    verbose_name = "留痕账本"

    def ready(self):
        from sanxiang.core.dbroles import after_migrate

        # Once per `migrate` (after every app's migrations): the application role's grants,
        # with UPDATE/DELETE taken off the append-only tables again.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="sanxiang-app-role-grants")
