from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "sanxiang.profiles"
    verbose_name = "规则配置"
