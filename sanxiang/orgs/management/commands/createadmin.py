from django.core.management.base import BaseCommand, CommandError

from sanxiang.access.actors import OPERATOR


class Command(BaseCommand):
    help = "Create a system administrator (系统管理员) account; prints the TOTP secret to enrol."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", help="defaults to reading SANXIANG_ADMIN_PASSWORD")
        parser.add_argument("--name", default="系统管理员")

    def handle(self, *args, username, password, name, **options):
        import os

        from sanxiang.orgs.actions import do_create_administrator

        password = password or os.environ.get("SANXIANG_ADMIN_PASSWORD")
        if not password:
            raise CommandError("请用 --password 或环境变量 SANXIANG_ADMIN_PASSWORD 提供密码。")
        user, secret = do_create_administrator(username=username, password=password, name=name, actor=OPERATOR)
        self.stdout.write(f"已创建管理员 {user.username}。TOTP 密钥（请录入身份验证器）：{secret}")
