from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "sanxiang.orgs"
    verbose_name = "执法主体与人员"
