"""`sanxiang annual-report AGENCY YEAR (--pdf FILE.pdf | --xlsx FILE.xlsx)`: export an agency's
行政执法统计年报 (the approved figures, or today's while it is compiled)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "导出执法主体的年度行政执法统计年报：AGENCY YEAR (--pdf FILE.pdf | --xlsx FILE.xlsx)"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("agency", help="执法主体代码")
        parser.add_argument("year", type=int, help="统计年度")
        out = parser.add_mutually_exclusive_group(required=True)
        out.add_argument("--pdf", help="输出 PDF 文件（LibreOffice 转换）")
        out.add_argument("--xlsx", help="输出 Excel 文件")

    def handle(self, *args, **opts):
        from sanxiang.annual.figures import report_figures
        from sanxiang.annual.models import AnnualReport
        from sanxiang.annual.xlsx import workbook
        from sanxiang.documents.render import RenderError

        report = AnnualReport.objects.select_related("agency").filter(
            agency__code=opts["agency"], year=opts["year"]).first()
        if report is None:
            sys.stderr.write(f"没有执法主体 {opts['agency']} 的{opts['year']}年度统计年报。\n")
            sys.exit(1)
        figures, recorded = report_figures(report), list(report.recorded.all())
        if opts["xlsx"]:
            data, target = workbook(report, figures, recorded), opts["xlsx"]
        else:
            from sanxiang.annual.pdf import report_pdf
            try:
                data = report_pdf(report, figures, recorded)
            except RenderError as exc:
                sys.stderr.write(f"{exc}\n")
                sys.exit(1)
            target = opts["pdf"]
        Path(target).write_bytes(data)
        self.stdout.write(f"已写出 {target}（{len(data)} 字节）")
