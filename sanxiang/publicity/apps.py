from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "sanxiang.publicity"
    verbose_name = "公示"
