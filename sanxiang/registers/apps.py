from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "sanxiang.registers"
    verbose_name = "执法台账"

    def ready(self):
        from . import builtin  # noqa: F401 — registers the built-in 台账
