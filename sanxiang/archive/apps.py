from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "sanxiang.archive"
    verbose_name = "案卷与归档"

    def ready(self):
        from . import package, sources  # noqa: F401  (the documents source, the export's ledger action)
