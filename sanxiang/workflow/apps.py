from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "sanxiang.workflow"
    verbose_name = "状态流转"

    def ready(self):
        # After sanxiang.access (earlier in INSTALLED_APPS) has loaded every model's policy:
        # import each app's workflows.py and grant the tables' roles into that policy.
        from .tables import _REGISTRY, discover, grant_roles

        discover()
        for table in _REGISTRY.values():
            grant_roles(table)
