from django.apps import AppConfig


class RetrievalConfig(AppConfig):
    name = "sanxiang.retrieval"
    verbose_name = "记录查阅与调阅"

    def ready(self):
        from . import kinds  # noqa: F401  registers the record kinds of the installed apps
