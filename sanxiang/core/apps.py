from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sanxiang.core"
    verbose_name = "平台"

    def ready(self):
        from . import hooks

        hooks.register_menu_item("工作台", "home", order=0, visible=hooks.signed_in)
        hooks.autodiscover()
