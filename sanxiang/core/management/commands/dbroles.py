import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from sanxiang.core import dbroles


class Command(BaseCommand):
    help = ("PostgreSQL：打印（或以所有者身份执行 --apply）应用角色的授权语句。应用角色不拥有任何表，"
            "对留痕账本的表只能查询和追加。")

    def add_arguments(self, parser):
        parser.add_argument("--app-role", default=getattr(settings, "DATABASE_APP_ROLE", ""),
                            help="应用角色名（默认取环境变量 SANXIANG_DB_APP_ROLE）")
        parser.add_argument("--apply", action="store_true", help="以当前连接（所有者）执行授权，而不只是打印")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, app_role, apply, database, **options):
        connection = connections[database]
        try:
            if not app_role:
                raise dbroles.RoleError("请用 --app-role 指定应用角色（或设置环境变量 SANXIANG_DB_APP_ROLE）。")
            if apply:
                done = dbroles.apply(connection, app_role)
            else:
                sql = dbroles.statements(connection, app_role)
                found = dbroles.problems(connection, app_role)
        except dbroles.RoleError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        if apply:
            self.stdout.write(
                f"已为应用角色 {app_role} 授权：{done['tables']} 张表中 {done['writable']} 张可增删改；"
                f"留痕账本 {'、'.join(done['append_only'])} 只可查询和追加（SELECT、INSERT）。")
            return
        self.stdout.write(f"-- 应用角色 {app_role} 的授权（以表的所有者执行，或运行 sanxiang dbroles --apply）")
        for problem in found:
            self.stdout.write(f"-- 注意：{problem}")
        for statement in sql:
            self.stdout.write(statement + ";")
