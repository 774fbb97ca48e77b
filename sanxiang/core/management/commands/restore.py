import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from sanxiang.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份目录 DIR 恢复到一个空的安装（空数据目录、空数据库）；先核对清单摘要。"

    def add_arguments(self, parser):
        parser.add_argument("dir", help="由 sanxiang backup 写出的备份目录")

    def handle(self, *args, **options):
        source = Path(options["dir"])
        try:
            manifest = restore(
                source, migrate=lambda: call_command("migrate", interactive=False, verbosity=0)
            )
        except BackupError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        ledger = manifest["ledger"]
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"恢复完成：{rows} 行，{len(manifest['files'])} 个备份文件，"
            f"留痕账本 {ledger['size']} 条，根 {ledger['root']}。"
        )
        self.stdout.write(manifest["key_outcome"])
        self.stdout.write("请运行 sanxiang verify 核验。")
