"""年报 as PDF: a docx built with python-docx (title, the figures table, recorded numbers, dates and
recipients with their citations), converted by the documents app's LibreOffice renderer. Run from the
CLI (`sanxiang annual-report … --pdf`), never inside a web request (LibreOffice takes seconds)."""

from __future__ import annotations

import io

from .figures import COLUMNS, dates, draft_mark, table


def report_docx(report, figures: dict, recorded: list) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    _landscape(doc.sections[0])  # eight columns: 「无相关职责」 on one line (s25 tester10b #4)
    style = doc.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.font.size = Pt(10)
    mark = draft_mark(report)
    if mark:  # a report not yet published: a red line above the title and the same in every page's header
        from docx.shared import RGBColor

        header = doc.sections[0].header.paragraphs[0]
        run = header.add_run(mark)
        run.bold, run.font.color.rgb = True, RGBColor(0xC0, 0, 0)
        run = doc.add_paragraph().add_run(f"【{mark}】")
        run.bold, run.font.size, run.font.color.rgb = True, Pt(14), RGBColor(0xC0, 0, 0)
    doc.add_heading(f"{report.agency.name}{report.year}年度行政执法统计年报", level=1)
    rows = table(figures)
    grid = doc.add_table(rows=1, cols=len(COLUMNS) + 1)
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, ["执法行为", *[label for _, label in COLUMNS]], strict=True):
        cell.text = text
    for row in rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, [row["label"], *row["cells"]], strict=True):
            cell.text = str(text)
    totals = figures.get("totals", {})
    cells = grid.add_row().cells
    from .figures import _money

    total_cells = [_money(totals.get(c, 0)) if c in ("fine", "confiscation") else totals.get(c, "") for c, _ in COLUMNS]
    for cell, text in zip(cells, ["合计", *total_cells], strict=True):
        cell.text = str(text)
    if recorded:
        doc.add_heading("录入数字（平台未办理的案件）", level=2)
        for r in recorded:
            doc.add_paragraph(f"{r.get_item_display()}：{r.count}件（来源：{r.source}）")
    d = dates(report.agency, report.year)
    doc.add_heading("报送与公开", level=2)
    due = f"应于 {d.due:%Y年%-m月%-d日} 前公开" if d.due else "规则配置未规定"
    doc.add_paragraph(f"公开期限：{due}（{d.due_citation}）")
    doc.add_paragraph(f"报送对象：{'、'.join(d.recipients)}（{d.recipients_citation}）")
    deliver_by = f"应于 {d.delivery_due:%Y年%-m月%-d日} 前报送" if d.delivery_due else "规则配置未规定"
    doc.add_paragraph(f"报送期限：{deliver_by}（{d.delivery_citation}）")
    if report.published_on:
        doc.add_paragraph(f"公开日期：{report.published_on:%Y-%m-%d}")
    for delivery in report.deliveries.all():
        doc.add_paragraph(f"已于{delivery.delivered_on:%Y-%m-%d}报送{delivery.recipient}")
    status = {"compiling": "汇总中（未审核）", "approved": "已审核", "published": "已公开"}[report.status]
    doc.add_paragraph(f"状态：{status}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _landscape(section):
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2)


def report_pdf(report, figures: dict, recorded: list) -> bytes:
    from sanxiang.documents.render import to_pdf

    return to_pdf(report_docx(report, figures, recorded))
