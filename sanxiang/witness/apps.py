from django.apps import AppConfig


class WitnessConfig(AppConfig):
    name = "sanxiang.witness"
    verbose_name = "见证"
