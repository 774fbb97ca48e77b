"""`sanxiang deadline --start 2025-09-26 --count 7 --unit workdays [--json]`."""

import json
import sys

from django.core.management.base import BaseCommand

from sanxiang.deadlines.engine import DeadlineError, compute_due
from sanxiang.deadlines.queries import profile_period


class Command(BaseCommand):
    help = "计算法定期限并给出说明（起算日不计入；节假日顺延；调休上班日计为工作日）。"

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="起算日 YYYY-MM-DD（小时：YYYY-MM-DDTHH:MM）")
        parser.add_argument("--count", help="期限数（正整数）")
        parser.add_argument("--unit", help="hours | days | workdays | months")
        parser.add_argument("--profile", help="规则配置（如 zhuzhou-amr）")
        parser.add_argument("--rule", help="规则配置中的期限名称（点分路径）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, *args, **opts):
        try:
            count, unit = opts["count"], opts["unit"]
            if opts["profile"] or opts["rule"]:
                if not (opts["profile"] and opts["rule"]):
                    raise DeadlineError("--profile 与 --rule 必须同时给出", "rule")
                from sanxiang.deadlines.engine import parse_date
                on = parse_date(opts["start"][:10])
                count, unit = profile_period(opts["profile"], opts["rule"], on)
            if count is None or unit is None:
                raise DeadlineError("必须给出 --count 和 --unit，或 --profile 和 --rule", "count")
            result = compute_due(opts["start"], count, unit)
        except DeadlineError as exc:
            sys.stderr.write(f"错误：{exc.message}\n")
            if opts["json"]:
                self.stdout.write(json.dumps(exc.as_dict(),
                                             ensure_ascii=False))
            sys.exit(2)
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        flag = "（临时：缺少官方日历）" if result.provisional else ""
        self.stdout.write(f"到期：{result.due.isoformat()}{flag}")
        for i, line in enumerate(result.explanation, 1):
            self.stdout.write(f"  {i}. {line}")
