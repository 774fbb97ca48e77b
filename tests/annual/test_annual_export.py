"""Exports of the annual report: a report not yet published is marked as such in the xlsx and the
PDF (finding 13 of defects10), and `sanxiang annual-report` refuses a bad output path with a
"错误：" line and exit code 1, never a traceback (finding 12)."""

import io
import zipfile

import pytest
from django.core.management import call_command

from sanxiang.annual import actions as AA
from sanxiang.annual.figures import report_figures
from sanxiang.annual.pdf import report_docx
from sanxiang.annual.xlsx import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(env):
    return AA.do_open_annual_report(env.agency, 2025, actor=env.reviewer)


def _xlsx_first_cells(data: bytes):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    return ws.title, ws["A1"].value, ws.oddHeader.center.text


def _docx(data: bytes) -> str:
    z = zipfile.ZipFile(io.BytesIO(data))
    return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/") and n.endswith(".xml"))


def _move(env, report, state):
    if state in ("approved", "published"):
        AA.do_submit_unit_figures(report.submissions.get(), actor=env.head, on="2026-01-10")
        report = AA.do_approve_annual_report(report, actor=env.leader, on="2026-01-20")
    if state == "published":
        report = AA.do_publish_annual_report(report, actor=env.reviewer, on="2026-01-28")
    return report


# state → the mark every export carries ("" once published)
MARKS = [("compiling", "草稿：汇总中，未审核"), ("approved", "待公开：已审核，尚未公开"), ("published", "")]


@pytest.mark.parametrize("state,mark", MARKS)
def test_exports_carry_the_status_mark_until_published(env, report, state, mark):
    report = _move(env, report, state)
    title, a1, header = _xlsx_first_cells(workbook(report, report_figures(report), []))
    text = _docx(report_docx(report, report_figures(report), []))
    if mark:
        assert mark in a1 and mark.split("：")[0] in title and mark in (header or "")
        assert mark in text
    else:
        assert a1.endswith("2025年度行政执法统计年报") and title == "2025年度" and not header
        assert "草稿" not in text and "待公开" not in text


def _run(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        call_command("annual-report", *args)
    out = capsys.readouterr()
    return exited.value.code, out.err


@pytest.mark.parametrize("make_target,text", [
    (lambda tmp: str(tmp / "nosuch" / "x.xlsx"), "输出目录"),
    (lambda tmp: str(tmp) + "/", "是一个目录"),
    (lambda tmp: str(tmp), "是一个目录"),
])
def test_a_bad_output_path_is_an_error_line_not_a_traceback(env, report, capsys, tmp_path, make_target, text):
    target = make_target(tmp_path)
    for flag in ("--xlsx", "--pdf"):
        code, err = _run(capsys, env.agency.code, "2025", flag, target)
        assert code == 1
        assert err.startswith("错误：") and text in err and "Traceback" not in err


def test_a_missing_report_is_an_error_line(env, capsys, tmp_path):
    code, err = _run(capsys, env.agency.code, "1999", "--xlsx", str(tmp_path / "x.xlsx"))
    assert code == 1 and err.startswith("错误：没有执法主体")


def test_the_xlsx_is_written_and_the_draft_says_so(env, report, capsys, tmp_path):
    call_command("annual-report", env.agency.code, "2025", "--xlsx", str(tmp_path / "x.xlsx"))
    out = capsys.readouterr().out
    assert "已写出" in out and "草稿" in out
    assert (tmp_path / "x.xlsx").read_bytes().startswith(b"PK")


def test_the_pdfs_totals_are_amounts_and_its_due_reads_to_publish_by(env, report):
    """s23 defects10 #11: 合计 read 「0 0」 beside rows of 0.00, and 「公开截止」 read as the end of publication."""
    from docx import Document as Docx

    word = Docx(io.BytesIO(report_docx(report, report_figures(report), [])))
    total = [c.text for c in word.tables[0].rows[-1].cells]
    assert total[0] == "合计" and total[2] == "0.00" and total[3] == "0.00"
    text = "\n".join(p.text for p in word.paragraphs)
    assert "公开截止" not in text and "应于 2026年1月31日 前公开" in text


def test_the_exports_carry_the_publication_day_the_delivery_due_and_the_deliveries(env, report):
    """s25 tester10b #4 (decision 0098): the xlsx has the 公开日期, the 报送期限 and every delivery recorded so far;
    the PDF's document the 公开日期 and the 报送期限, on a landscape page (「无相关职责」 fits its cell)."""
    from openpyxl import load_workbook

    report = _move(env, report, "published")
    rows = [[c for c in r if c is not None] for r in load_workbook(io.BytesIO(
        workbook(report, report_figures(report), []))).active.iter_rows(values_only=True)]
    assert ["公开日期", "2026-01-28"] in rows and ["报送记录", "尚未报送"] in rows
    assert any(r[:2] == ["报送期限", "应于 2026-01-31 前报送"] for r in rows)
    AA.do_deliver_annual_report(report, recipient="本级人民政府", actor=env.reviewer, on="2026-01-29")
    rows = [[c for c in r if c is not None] for r in load_workbook(io.BytesIO(
        workbook(report, report_figures(report), []))).active.iter_rows(values_only=True)]
    assert ["报送记录", "2026-01-29", "本级人民政府"] in rows
    text = _docx(report_docx(report, report_figures(report), []))
    assert "公开日期：2026-01-28" in text and "报送期限：应于 2026年1月31日 前报送" in text
    assert 'w:orient="landscape"' in text


def test_the_xlsx_draws_the_two_charts_over_its_table(env, report):
    """§6 asks for charts: the workbook has the pages' two (件数; 罚没金额) as Excel charts over the table's cells."""
    report = _move(env, report, "published")
    names = zipfile.ZipFile(io.BytesIO(workbook(report, report_figures(report), []))).namelist()
    charts = [n for n in names if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    xml = "".join(zipfile.ZipFile(io.BytesIO(workbook(report, report_figures(report), []))).read(n).decode()
                  for n in charts)
    assert "各类执法行为件数" in xml and "罚没金额" in xml and "$A$" in xml and "$B$" in xml


def test_the_pdf_document_draws_the_charts(env, report):
    """§6's charts in the printed report: the PDF's document carries the 件数 chart as an image (and the 罚没金额 one
    where there are amounts)."""
    report = _move(env, report, "published")
    names = zipfile.ZipFile(io.BytesIO(report_docx(report, report_figures(report), []))).namelist()
    assert len([n for n in names if n.startswith("word/media/")]) >= 1
