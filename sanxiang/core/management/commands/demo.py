import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules() -> list[str]:
    """`<app>.demo` of every installed app that has one, in INSTALLED_APPS order (an app after the
    apps it builds on); each has `load(stdout) -> list[str]` returning lines to print."""
    names = [f"{config.name}.demo" for config in apps.get_app_configs() if config.name.startswith("sanxiang.")]
    return [name for name in names if importlib.util.find_spec(name) is not None]


class Command(BaseCommand):
    help = "Load the demo data of the five seed agencies (safe to re-run) and print the logins."

    def handle(self, *args, **options):
        lines = []
        with transaction.atomic():
            for name in demo_modules():
                module = importlib.import_module(name)
                lines += module.load(self.stdout) or []
        for line in lines:
            self.stdout.write(line)
