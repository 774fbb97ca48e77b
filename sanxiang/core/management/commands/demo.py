import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


def demo_modules() -> list[str]:
    """`<app>.demo` of every installed app that has one, in INSTALLED_APPS order (an app after the
    apps it builds on); each has `load(stdout) -> list[str]` returning lines to print."""
    names = [f"{config.name}.demo" for config in apps.get_app_configs() if config.name.startswith("sanxiang.")]
    return [name for name in names if importlib.util.find_spec(name) is not None]


class Command(BaseCommand):
    help = ("Load the demo data of the five seed agencies (safe to re-run) and print the logins; "
            "with --archive, afterwards, archive one case of each (renders documents with LibreOffice).")

    def add_arguments(self, parser):
        parser.add_argument("--archive", action="store_true",
                            help="after `sanxiang demo`: archive one ended case of every seed agency, with its "
                                 "documents rendered and issued (docs/archive.md); safe to re-run")

    def handle(self, *args, archive=False, **options):
        if archive:
            return self.archive()
        lines = []
        with transaction.atomic():
            for name in demo_modules():
                module = importlib.import_module(name)
                lines += module.load(self.stdout) or []
        for line in lines:
            self.stdout.write(line)

    def archive(self):
        from sanxiang.archive.demo_archive import load_archived
        from sanxiang.orgs.demo import AGENCIES
        from sanxiang.orgs.models import Agency

        if Agency.objects.filter(code__in=[spec["code"] for spec in AGENCIES]).count() < len(AGENCIES):
            raise CommandError("尚未载入演示数据：请先运行 sanxiang demo，再运行 sanxiang demo --archive。")
        lines, complete = load_archived()
        for line in lines:
            self.stdout.write(line)
        if not complete:
            raise CommandError("部分执法主体的演示案件未能归档（原因见上）。")
