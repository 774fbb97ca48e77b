import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

# Loaded in this order; each module has `load(stdout) -> list[str]` returning lines to print.
DEMO_MODULES = ["sanxiang.profiles.demo", "sanxiang.deadlines.demo", "sanxiang.orgs.demo", "sanxiang.witness.demo",
                "sanxiang.cases.demo"]


class Command(BaseCommand):
    help = "Load the demo data of the five seed agencies (safe to re-run) and print the logins."

    def handle(self, *args, **options):
        lines = []
        with transaction.atomic():
            for name in DEMO_MODULES:
                module = importlib.import_module(name)
                lines += module.load(self.stdout) or []
        for line in lines:
            self.stdout.write(line)
