"""The annual report's pages: the figures as a table (and the chart's data beside it), the acts, the xlsx."""

import io

import pytest
from django.urls import reverse

from sanxiang.annual import actions as AA
from sanxiang.annual.models import ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(env):
    return AA.do_open_annual_report(env.agency, 2025, actor=env.reviewer)


def test_the_page_shows_the_table_dates_and_chart_data(client, env, report):
    client.force_login(env.reviewer)
    page = client.get(reverse("annual:report", args=[report.pk])).content.decode()
    assert "2025年度行政执法统计年报" in page
    assert 'id="annual-figures"' in page and "行政征收" in page
    assert 'id="annual-chart-data"' in page and "annual/vendor/echarts.min.js" in page
    assert "2026年1月31日" in page and "国办发〔2018〕118号" in page
    assert "本级人民政府、上级主管部门" in page


def test_outsiders_get_404(client, env, report):
    client.force_login(env.outsider)
    assert client.get(reverse("annual:report", args=[report.pk])).status_code == 404


def test_the_acts_through_the_pages(client, env, report):
    sub = report.submissions.get()
    client.force_login(env.head)
    client.post(reverse("annual:act", args=[report.pk, "submit"]), {"submission": sub.pk, "on": "2026-01-10"})
    client.force_login(env.reviewer)
    r = client.post(reverse("annual:act", args=[report.pk, "record"]),
                    {"item": "reconsideration", "count": "1", "source": ""}, follow=True)
    assert "请填写数据来源" in r.content.decode()
    client.post(reverse("annual:act", args=[report.pk, "record"]),
                {"item": "reconsideration", "count": "1", "source": "市政府行政复议办公室统计"})
    client.force_login(env.leader)
    client.post(reverse("annual:act", args=[report.pk, "approve"]), {"on": "2026-01-20"})
    client.force_login(env.reviewer)
    client.post(reverse("annual:act", args=[report.pk, "publish"]), {"on": "2026-01-28"})
    client.post(reverse("annual:act", args=[report.pk, "deliver"]), {"recipient": "上级主管部门", "on": "2026-01-29"})
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    assert report.figures["totals"]["reconsideration"] == 1
    assert [d.recipient for d in report.deliveries.all()] == ["上级主管部门"]
    page = client.get(reverse("annual:report", args=[report.pk])).content.decode()
    assert "市政府行政复议办公室统计" in page and "2026-01-29" in page


def test_a_handler_cannot_approve_through_the_page(client, env, report):
    client.force_login(env.officer)
    r = client.post(reverse("annual:act", args=[report.pk, "approve"]))
    assert r.status_code == 404  # the officer does not read the report at all


def test_the_xlsx(client, env, report):
    from openpyxl import load_workbook

    AA.do_record_figure(report, item="litigation", count=2, source="法院来函", actor=env.reviewer)
    client.force_login(env.reviewer)
    r = client.get(reverse("annual:xlsx", args=[report.pk]))
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0].startswith("【草稿：汇总中，未审核")  # not yet published: marked (finding 13)
    rows = rows[1:]
    assert rows[0][0].endswith("2025年度行政执法统计年报")
    assert rows[1] == ["执法行为", "件数", "罚款金额（元）", "没收金额（元）", "法制审核", "听证", "行政复议", "行政诉讼"]
    assert rows[2][0] == "行政许可" and rows[2][1] == 0
    total = next(r for r in rows if r[0] == "合计")
    assert total[7] == 2
    assert ["行政诉讼", 2, "法院来函"] in [r[:3] for r in rows]
    assert any(r[0] == "公开期限" and r[1] == "应于 2026-01-31 前公开" for r in rows)  # s23 defects10 #11


def test_the_pdf_is_rendered_once(env, report):
    """The approved report through LibreOffice (the documents app's renderer): a PDF with the title."""
    from sanxiang.annual.figures import report_figures
    from sanxiang.annual.pdf import report_docx, report_pdf
    from sanxiang.documents.render import soffice

    AA.do_submit_unit_figures(report.submissions.get(), actor=env.head, on="2026-01-10")
    report = AA.do_approve_annual_report(report, actor=env.leader, on="2026-01-20")
    docx = report_docx(report, report_figures(report), [])
    assert "行政征收".encode() in _docx_text(docx)
    if soffice() is None:
        pytest.fail("LibreOffice (soffice) is needed for this test")
    pdf = report_pdf(report, report_figures(report), [])
    assert pdf.startswith(b"%PDF-")


def _docx_text(docx: bytes) -> bytes:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")


def test_the_index_and_opening_a_year_through_the_page(client, env):
    client.force_login(env.officer)
    assert client.get(reverse("annual:index")).status_code == 403
    client.force_login(env.reviewer)
    page = client.get(reverse("annual:index")).content.decode()
    assert "开始汇总" in page and env.agency.name in page
    r = client.post(reverse("annual:open"), {"agency": env.agency.pk, "year": "2024"})
    report = env.agency.annual_reports.get(year=2024)
    assert r.status_code == 302 and r["Location"] == reverse("annual:report", args=[report.pk])
    r = client.post(reverse("annual:open"), {"agency": env.agency.pk, "year": "2024"}, follow=True)
    assert "已经开始汇总" in r.content.decode()
