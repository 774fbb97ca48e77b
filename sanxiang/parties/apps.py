from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "sanxiang.parties"
    verbose_name = "当事人"
