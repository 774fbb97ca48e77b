"""年报 as an Excel workbook: a title row, the header of the columns, one row per kind, the totals,
the recorded figures with their sources, the dates and recipients with their citations, the day of
publication and the deliveries recorded so far (made per request: always current)."""

from __future__ import annotations

import io
from decimal import Decimal

from sanxiang.core.sheets import append_text_row

from .figures import COLUMNS, NO_DUTY, dates, draft_mark, table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, str) and value != NO_DUTY:
        try:
            return Decimal(value.replace(",", ""))
        except ArithmeticError:
            return value
    return value


def _charts(ws, header_row: int, last_row: int) -> None:
    """The two charts of the pages (§6: 件数; 罚没金额) as native Excel bar charts over the table's cells — a
    「无相关职责」 row is text and draws no bar (s25 tester10b #4, decision 0098)."""
    from openpyxl.chart import BarChart, Reference

    if last_row <= header_row:
        return
    labels = Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row)
    for title, first, last, anchor in (("各类执法行为件数", 2, 2, "J2"), ("罚没金额（元）", 3, 4, "J20")):
        chart = BarChart()
        chart.title, chart.height, chart.width = title, 7.5, 16
        chart.add_data(Reference(ws, min_col=first, max_col=last, min_row=header_row, max_row=last_row),
                       titles_from_data=True)
        chart.set_categories(labels)
        ws.add_chart(chart, anchor)


def workbook(report, figures: dict, recorded: list) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    mark = draft_mark(report)
    ws.title = f"{report.year}年度（{mark.split('：')[0]}）" if mark else f"{report.year}年度"
    ws.append([f"{report.agency.name}{report.year}年度行政执法统计年报"])
    ws["A1"].font = Font(bold=True, size=14)
    if mark:  # a report not yet published says so above its figures, in red, and in every printed header
        ws.insert_rows(1)
        ws["A1"] = f"【{mark}】"
        ws["A1"].font = Font(bold=True, size=14, color="C00000")
        ws["A1"].fill = PatternFill("solid", fgColor="FFF2CC")
        ws.oddHeader.center.text = mark
        ws.evenHeader.center.text = mark
    ws.append(["执法行为", *[label for _, label in COLUMNS]])
    header_row = ws.max_row
    for row in table(figures):
        ws.append([row["label"], *[_cell(c) for c in row["cells"]]])
    last_row = ws.max_row
    totals = figures.get("totals", {})
    ws.append(["合计", *[_cell(totals.get(c)) if c not in ("fine", "confiscation") else Decimal(str(totals.get(c, 0)))
                        for c, _ in COLUMNS]])
    for col in ("C", "D"):
        for cell in ws[col][2:]:
            cell.number_format = "#,##0.00"
    ws.append([])
    ws.append(["录入数字", "件数", "来源说明"])
    for r in recorded:
        append_text_row(ws, [r.get_item_display(), r.count, r.source])  # text, never a formula (s22 tester8 #4)
    d = dates(report.agency, report.year)
    ws.append([])
    ws.append(["科室报送截止", d.unit_submission_due.isoformat() if d.unit_submission_due else "规则配置未规定",
               d.unit_submission_citation])
    ws.append(["公开期限", f"应于 {d.due.isoformat()} 前公开" if d.due else "规则配置未规定", d.due_citation])
    ws.append(["报送对象", "、".join(d.recipients), d.recipients_citation])
    # s25 tester10b #4 (decision 0098): the day it was published, the report's due and its deliveries so far
    ws.append(["报送期限", f"应于 {d.delivery_due.isoformat()} 前报送" if d.delivery_due else "规则配置未规定",
               d.delivery_citation])
    ws.append(["公开日期", report.published_on.isoformat() if report.published_on else "尚未公开"])
    deliveries = list(report.deliveries.all())
    for delivery in deliveries:
        append_text_row(ws, ["报送记录", delivery.delivered_on.isoformat(), delivery.recipient])
    if not deliveries:
        ws.append(["报送记录", "尚未报送"])
    _charts(ws, header_row, last_row)
    ws.column_dimensions["A"].width = 16
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 14
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
