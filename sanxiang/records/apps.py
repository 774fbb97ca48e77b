from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "sanxiang.records"
    label = "records"
    verbose_name = "全过程记录"
    default_auto_field = "django.db.models.BigAutoField"
