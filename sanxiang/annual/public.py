"""The published annual reports as the public portal shows them (/gk/<agency>/nianbao/): only
reports in state 已公开, their fixed figures (never today's), and the charts as static SVG drawn on
the server — no script, readable on a phone; the table carries every number as well.
Also the PDF download, shared by the portal and the staff page (the file the job rendered)."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils.html import escape

from sanxiang.core.public import download_disposition

from .figures import NO_DUTY, ROW_LABELS
from .models import AnnualReport, ReportStatus


def published(agency):
    """The agency's published reports, newest year first."""
    return AnnualReport._base_manager.filter(agency=agency, status=ReportStatus.PUBLISHED).order_by("-year")


def published_year(agency, year: int) -> AnnualReport | None:
    return published(agency).filter(year=year).first()


def report_name(report, ext: str) -> str:
    """The Chinese name a download of the report is saved under (s25 tester10b #14)."""
    return f"{report.agency.name}{report.year}年度行政执法统计年报.{ext}"


def pdf_response(report, filename: str):
    """The rendered PDF from the file store (404 while the job has not rendered it), saved as
    「<机关>XXXX年度行政执法统计年报.pdf」 (`filename` the ASCII fallback)."""
    from sanxiang import storage

    if not report.pdf_path:
        raise Http404("该年报的 PDF 尚未生成。")
    try:  # a report's PDF is a few dozen kilobytes: read whole, the handle closed
        with storage.open_file(report.pdf_path) as fh:
            data = b"".join(storage.read_chunks(fh))
    except storage.StorageError:
        raise Http404("该年报的 PDF 暂时无法读取。") from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = download_disposition(filename, report_name(report, "pdf"))
    return response


VALUE_ROOM = 90  # right of the longest bar: 「1,234,567.89」 at 12 units


def _bars(title: str, series: list[tuple[str, list]], labels: list[str], unit: str) -> str:
    """A horizontal bar chart as inline SVG (one group per label, one bar per series). Drawn 306 units wide, about
    the width of a card on a 375 px phone, so its 12-unit text is read at ≈ 12 px there, not scaled down to ≈ 8 px
    (s25 tester10b #15); the page caps its width, so it is not blown up on a desktop either."""
    colours = ("#1f5fa8", "#c8791a")
    bar, gap, left, width = 16, 10, 56, 160
    height = 28 + len(labels) * (len(series) * bar + gap) + (18 if len(series) > 1 else 0)
    top = max((float(v) for _, values in series for v in values), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + VALUE_ROOM} {height}" '
             f'role="img" aria-label="{escape(title)}（数据见上表）" class="annual-svg">',
             f'<text x="0" y="16" font-size="14" font-weight="600">{escape(title)}</text>']
    y = 28
    for i, label in enumerate(labels):
        parts.append(f'<text x="0" y="{y + bar * len(series) / 2 + 4:.0f}" font-size="12">{escape(label)}</text>')
        for j, (_, values) in enumerate(series):
            value = float(values[i])
            w = 0 if value <= 0 else max(1.0, width * value / top)
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 2}" fill="{colours[j % 2]}"/>')
            shown = f"{Decimal(str(values[i])):,.2f}" if unit == "元" else str(values[i])
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + bar - 3}" font-size="12">{shown}</text>')
            y += bar
        y += gap
    if len(series) > 1:
        x = left
        for j, (name, _) in enumerate(series):
            parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colours[j % 2]}"/>'
                         f'<text x="{x + 14}" y="{y + 10}" font-size="12">{escape(name)}</text>')
            x += 70
    parts.append("</svg>")
    return "".join(parts)


def charts(figures: dict) -> list[str]:
    """The two charts of the report (件数; 罚没金额) as SVG strings; rows without power are left out."""
    kinds = [k for k in figures.get("order", []) if isinstance(figures["rows"].get(k), dict)]
    labels = [ROW_LABELS.get(k, k) for k in kinds]
    counts = [figures["rows"][k]["count"] for k in kinds]
    money = [k for k in kinds if Decimal(figures["rows"][k]["fine"]) or Decimal(figures["rows"][k]["confiscation"])]
    out = [_bars("各类执法行为件数", [("件数", counts)], labels, "件")]
    if money:
        out.append(_bars("罚没金额（元）", [("罚款", [figures["rows"][k]["fine"] for k in money]),
                                          ("没收", [figures["rows"][k]["confiscation"] for k in money])],
                         [ROW_LABELS.get(k, k) for k in money], "元"))
    return out


__all__ = ["NO_DUTY", "charts", "pdf_response", "published", "published_year"]
