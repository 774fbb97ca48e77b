from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sanxiang.jobs"
    verbose_name = "定时任务"
