from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "sanxiang.ledger"
    verbose_name = "留痕账本"
