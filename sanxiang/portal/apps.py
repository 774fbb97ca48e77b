from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sanxiang.portal"
    verbose_name = "公开门户"

    def ready(self):
        # 发布、更正、撤下、期满: the public number, the version's day and the search index follow (indexing.py).
        from sanxiang.workflow.engine import on_applied

        from .indexing import on_publication_moved

        on_applied(on_publication_moved)
