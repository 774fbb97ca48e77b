"""`sanxiang calendar seed | import FILE | show YEAR | status`."""

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import do_import_calendar, seed_calendar
from sanxiang.deadlines.engine import DeadlineError
from sanxiang.deadlines.models import CalendarYear
from sanxiang.deadlines.queries import calendar_status, calendar_warnings


class Command(BaseCommand):
    help = "节假日日历：seed（从 chinesecalendar 填入 2004–2026）、import FILE、show YEAR、status。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("seed", help="从 chinesecalendar 填入 2004–2026（可重复执行）")
        p = sub.add_parser("import", help="从国务院办公厅通知录入一年（JSON 文件，见 docs/deadlines.md）")
        p.add_argument("file")
        p = sub.add_parser("show", help="显示某年的节假日和调休上班日")
        p.add_argument("year", type=int)
        sub.add_parser("status", help="各年度是否有官方数据；11 月起提醒下一年缺失")

    def handle(self, *args, **opts):
        getattr(self, "do_" + opts["sub"])(opts)

    def do_seed(self, opts):
        done = seed_calendar(actor=OPERATOR)
        changed = [y for y, c in done if c]
        self.stdout.write(f"已检查 {len(done)} 个年度，更新 {len(changed)} 个"
                          + (f"：{', '.join(map(str, changed))}" if changed else "（无变化）"))

    def do_import(self, opts):
        try:
            row, changed = do_import_calendar(opts["file"], actor=OPERATOR)
        except DeadlineError as exc:
            sys.stderr.write(f"日历文件被拒绝，未写入任何数据：{exc.message}\n")
            sys.exit(2)
        state = "已录入" if changed else "内容相同，未变更"
        self.stdout.write(f"{row.year} 年日历{state}（来源：{row.source}；"
                          f"{'官方' if row.official else '临时'}）")

    def do_show(self, opts):
        row = CalendarYear.objects.filter(year=opts["year"]).first()
        if row is None:
            sys.stderr.write(f"{opts['year']} 年没有日历数据：时限将仅按周末计算并标为临时\n")
            sys.exit(1)
        self.stdout.write(f"{row.year} 年（{'官方' if row.official else '临时'}；来源：{row.source}）")
        for day in row.days.all():
            self.stdout.write(f"  {day.date.isoformat()} 周{'一二三四五六日'[day.date.weekday()]}  "
                              f"{day.get_kind_display()}  {day.name}")

    def do_status(self, opts):
        for r in calendar_status(timezone.localdate()):
            self.stdout.write(f"{r['year']}  {'官方' if r['official'] else '临时'}  "
                              f"节假日 {r['holidays']} 天  调休上班 {r['workdays']} 天  {r['source']}")
        for line in calendar_warnings(timezone.localdate()):
            self.stdout.write(f"警告：{line}")
