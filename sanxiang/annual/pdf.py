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
    _add_charts(doc, figures)
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


def _add_charts(doc, figures: dict) -> None:
    """The pages' two charts (件数; 罚没金额), drawn as PNG images (Pillow, the CJK font the watermarks use):
    rows without power are left out, as on the portal (s25 tester10b #4, decision 0098). No font: no chart
    (the table above carries every number)."""
    from decimal import Decimal

    from docx.shared import Cm

    from .figures import ROW_LABELS

    kinds = [k for k in figures.get("order", []) if isinstance(figures["rows"].get(k), dict)]
    rows = figures["rows"]
    money = [k for k in kinds if Decimal(str(rows[k]["fine"])) or Decimal(str(rows[k]["confiscation"]))]
    drawn = [_bars_png("各类执法行为件数", [ROW_LABELS.get(k, k) for k in kinds],
                       [("件数", [Decimal(str(rows[k]["count"])) for k in kinds])], "件")]
    if money:
        drawn.append(_bars_png("罚没金额（元）", [ROW_LABELS.get(k, k) for k in money],
                               [("罚款", [Decimal(str(rows[k]["fine"])) for k in money]),
                                ("没收", [Decimal(str(rows[k]["confiscation"])) for k in money])], "元"))
    for png in drawn:
        if png:
            doc.add_picture(io.BytesIO(png), width=Cm(16))


def _bars_png(title: str, labels: list[str], series: list, unit: str) -> bytes | None:
    """Horizontal bars, one group per label, one bar per series, the value written beside each bar."""
    from PIL import Image, ImageDraw, ImageFont

    from sanxiang.retrieval.watermark import SC_IN_COLLECTION, WatermarkError, font_path

    try:
        font = ImageFont.truetype(font_path(), size=28, index=SC_IN_COLLECTION)
        bold = ImageFont.truetype(font_path(), size=32, index=SC_IN_COLLECTION)
    except (OSError, WatermarkError):  # no CJK font on the server
        return None
    colours = [(84, 112, 198), (250, 200, 88)]
    bar, gap, left, width = 30, 24, 200, 1600
    height = 90 + len(labels) * (len(series) * bar + gap) + (50 if len(series) > 1 else 0)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), title, font=bold, fill="black")
    top = max((max(values, default=0) for _, values in series), default=0) or 1
    y = 80
    for i, label in enumerate(labels):
        draw.text((20, y + (len(series) * bar - 30) // 2), label, font=font, fill="black")
        for j, (_, values) in enumerate(series):
            length = int((width - left - 260) * float(values[i]) / float(top))
            draw.rectangle([left, y, left + max(length, 1), y + bar - 4], fill=colours[j % 2])
            value = f"{values[i]:,.2f}" if unit == "元" else f"{values[i]}"
            draw.text((left + length + 10, y - 2), f"{value}{unit}", font=font, fill="black")
            y += bar
        y += gap
    if len(series) > 1:
        x = left
        for j, (name, _) in enumerate(series):
            draw.rectangle([x, y + 8, x + 24, y + 32], fill=colours[j % 2])
            draw.text((x + 32, y + 2), name, font=font, fill="black")
            x += 160
    out = io.BytesIO()
    image.save(out, format="PNG")
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
