import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from sanxiang.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库、留痕账本、文件和签名密钥到一个新的（或空的）目录 DIR。备份含密钥，须保密。"

    def add_arguments(self, parser):
        parser.add_argument("dir", help="备份目录（不存在或为空）")

    def handle(self, *args, **options):
        target = Path(options["dir"])
        try:
            manifest = backup(target)
        except BackupError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        for leftover in manifest["cleaned"]:
            self.stdout.write(f"已删除上次被中断的备份留下的未完成目录：{leftover}")
        for warning in manifest["warnings"]:
            self.stderr.write(f"注意：{warning}")
        ledger = manifest["ledger"]
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"备份完成：{target}（{manifest['engine']}，{rows} 行，{len(manifest['files'])} 个文件，"
            f"留痕账本 {ledger['size']} 条，根 {ledger['root']}）。"
        )
        self.stdout.write("注意：备份含签名密钥和账号口令散列，须按秘密保管（目录权限 0700）。")
