from pathlib import Path

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _private_sqlite_files(sender, connection, **kwargs):
    """The SQLite database holds password hashes and TOTP secrets: owner-only, however created."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:":
        return
    from sanxiang.core.datadir import secure_sqlite_files

    secure_sqlite_files(Path(name))


class CoreConfig(AppConfig):
    name = "sanxiang.core"
    verbose_name = "平台"

    def ready(self):
        from . import hooks

        hooks.register_menu_item("工作台", "home", order=0, visible=hooks.signed_in)
        hooks.autodiscover()
        connection_created.connect(_private_sqlite_files, dispatch_uid="sanxiang-private-sqlite")
