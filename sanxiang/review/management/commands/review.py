"""`sanxiang review check --profile KEY [--on DATE] --json < PROPOSAL.json` (issue 9 §1)."""

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand

from sanxiang.profiles.schema import ProfileError
from sanxiang.review.conditions import ShapeError
from sanxiang.review.determination import check_profile


class Command(BaseCommand):
    help = "法制审核目录：check --profile KEY [--on DATE] --json < PROPOSAL.json（是否须法制审核及所依据的规则）。"
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        p = sub.add_parser("check", help="按规则配置的审核目录判断拟作出的决定是否须法制审核（从标准输入读 JSON）")
        p.add_argument("--profile", required=True, help="规则配置，如 zhuzhou-amr")
        p.add_argument("--on", help="决定日期 YYYY-MM-DD（默认今天）")
        p.add_argument("--json", action="store_true", help="输出 JSON（目前唯一的输出格式）")

    def handle(self, *args, **opts):
        getattr(self, "do_" + opts["sub"])(opts)

    def _refuse(self, message: str):
        sys.stderr.write(f"{message}\n")
        sys.exit(2)

    def do_check(self, opts):
        on = None
        if opts["on"]:
            try:
                on = dt.date.fromisoformat(opts["on"])
            except ValueError:
                self._refuse(f"日期 {opts['on']!r} 格式不正确，应为 YYYY-MM-DD。")
        try:
            data = json.loads(sys.stdin.read())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self._refuse(f"拟作出的决定不是有效的 JSON：{exc}")
        try:
            result = check_profile(opts["profile"], data, on)
        except ShapeError as exc:
            self._refuse(f"拟作出的决定被拒绝：{exc.message}")
        except ProfileError as exc:
            self._refuse(exc.message)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
