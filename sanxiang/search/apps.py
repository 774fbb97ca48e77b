from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "sanxiang.search"
    verbose_name = "公开检索"
