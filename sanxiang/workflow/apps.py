from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "sanxiang.workflow"
    verbose_name = "状态流转"
