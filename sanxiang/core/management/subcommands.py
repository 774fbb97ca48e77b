"""Operator commands with subcommands (`sanxiang profiles show …`, `sanxiang workflow diagram …`)."""

import sys

from django.core.management.base import BaseCommand

from sanxiang.core.errors import SanxiangError


class SubcommandCommand(BaseCommand):
    """Runs `do_<subcommand>(options)` (the subparser's dest is "sub"); an error of the family
    becomes one Chinese line on stderr and exit code 2, never a traceback."""

    def handle(self, *args, **options):
        try:
            getattr(self, f"do_{options['sub']}")(options)
        except SanxiangError as exc:
            self.stderr.write(f"错误：{exc.message}")
            sys.exit(2)
