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

    def _fail(self, message: str):
        sys.stderr.write(f"错误：{message}\n")
        sys.exit(1)

    def _target(self, value: str) -> Path:
        """The output file, checked before anything is computed or rendered (no traceback on a bad path)."""
        target = Path(value)
        if value.endswith(("/", "\\")) or target.is_dir():
            self._fail(f"输出路径 {value} 是一个目录，请给出文件名（例如 {Path(value) / '年报.xlsx'}）。")
        if not target.parent.exists():
            self._fail(f"输出目录 {target.parent} 不存在。")
        if not target.parent.is_dir():
            self._fail(f"{target.parent} 不是目录。")
        return target

    def handle(self, *args, **opts):
        from sanxiang.annual.figures import draft_mark, report_figures
        from sanxiang.annual.models import AnnualReport
        from sanxiang.annual.xlsx import workbook
        from sanxiang.documents.render import RenderError

        target = self._target(opts["xlsx"] or opts["pdf"])
        report = AnnualReport.objects.select_related("agency").filter(
            agency__code=opts["agency"], year=opts["year"]).first()
        if report is None:
            self._fail(f"没有执法主体 {opts['agency']} 的{opts['year']}年度统计年报。")
        figures, recorded = report_figures(report), list(report.recorded.all())
        if opts["xlsx"]:
            data = workbook(report, figures, recorded)
        else:
            from sanxiang.annual.pdf import report_pdf
            try:
                data = report_pdf(report, figures, recorded)
            except RenderError as exc:
                self._fail(str(exc).removeprefix("错误："))
        try:
            target.write_bytes(data)
        except OSError as exc:
            self._fail(f"无法写入 {target}：{exc.strerror or exc}。")
        mark = draft_mark(report)
        self.stdout.write(f"已写出 {target}（{len(data)} 字节）" + (f"；{mark}" if mark else ""))
