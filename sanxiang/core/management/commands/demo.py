import contextlib
import importlib
import importlib.util
import logging

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


def demo_modules() -> list[str]:
    """`<app>.demo` of every installed app that has one, in INSTALLED_APPS order (an app after the
    apps it builds on); each has `load(stdout) -> list[str]` returning lines to print."""
    names = [f"{config.name}.demo" for config in apps.get_app_configs() if config.name.startswith("sanxiang.")]
    return [name for name in names if importlib.util.find_spec(name) is not None]


# documents/actions.py `_fill_outside` warns developers when an action fills a template inside a caller's
# transaction (decision 0060). The demo loads everything in one transaction of its own on purpose, so on
# the operator's terminal those ~70 English lines said nothing (s22 tester8 #9); they are left out here.
FILL_WARNING = "template filled inside a caller's transaction"


class _NotTheDemosFills(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(FILL_WARNING)


@contextlib.contextmanager
def quiet_fills():
    logger, quiet = logging.getLogger("sanxiang.documents.actions"), _NotTheDemosFills()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


class Command(BaseCommand):
    help = ("Load the demo data of the five seed agencies (safe to re-run) and print the logins; "
            "with --archive, afterwards, archive one case of each (renders documents with LibreOffice).")

    def add_arguments(self, parser):
        parser.add_argument("--archive", action="store_true",
                            help="after `sanxiang demo`: archive one ended case of every seed agency, with its "
                                 "documents rendered and issued (docs/archive.md); safe to re-run")

    def handle(self, *args, archive=False, **options):
        with quiet_fills():
            return self.load(archive)

    def load(self, archive):
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
