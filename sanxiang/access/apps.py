from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AccessConfig(AppConfig):
    name = "sanxiang.access"
    label = "access"
    verbose_name = "访问控制"

    def ready(self):
        # Each app declares its models' policies in <app>/policies.py.
        autodiscover_modules("policies")
