from django.apps import AppConfig


class AnnualConfig(AppConfig):
    name = "sanxiang.annual"
    verbose_name = "行政执法统计年报"
