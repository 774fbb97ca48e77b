import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from sanxiang.core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("从备份目录 DIR 恢复到一个空的安装（空数据目录、空数据库）；先核对清单摘要和签名密钥。"
            "被中断的恢复：用同一个备份再运行一次即可完成。")

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
        for leftover in manifest.get("cleaned", ()):
            self.stdout.write(f"已删除上次被中断的恢复留下的未完成目录：{leftover}")
        if manifest.get("resumed"):
            self.stdout.write("上次的恢复在数据库提交之后被中断：数据库已是备份的内容，现已放好文件、见证密钥和签名密钥。")
        ledger = manifest["ledger"]
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"恢复完成：{rows} 行，{len(manifest['files'])} 个备份文件，"
            f"留痕账本 {ledger['size']} 条，根 {ledger['root']}。"
        )
        if manifest.get("files_outcome"):
            self.stdout.write(manifest["files_outcome"])
        self.stdout.write(manifest["key_outcome"])
        if manifest.get("witness_key_outcome"):
            self.stdout.write(manifest["witness_key_outcome"])
        self.stdout.write("请运行 sanxiang verify 核验。")
