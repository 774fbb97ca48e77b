"""Portal pages of rest10 (issue 10 §1, §6; decision 0073): the adopted annual inspection plans with
their adoption date and the yearly cap, the discretion benchmarks as a versioned 事前公开 section, the
published annual reports (figures fixed at approval, SVG charts, xlsx and the PDF the job rendered at
publication) — public, session-less, without script — and the officer table stacked for a phone."""

import io
import re
import sys
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))

pytestmark = pytest.mark.django_db

ITEM = {"subject": "平罗县商务局", "basis": "《单用途商业预付卡管理办法（试行）》第三十条", "objects": "辖区发卡企业",
        "content": "备案、资金存管情况", "ratio": "5%", "method": "双随机抽取、书面检查", "frequency": "每年一次"}


class Cast:
    pass


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    from kinds_cast import make_kinds_env

    from sanxiang.annual import actions as AA
    from sanxiang.cases.kinds import inspection_plan as IP
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    with django_db_blocker.unblock(), transaction.atomic():
        c = Cast()
        c.env = env = make_kinds_env(profile_key="pingluo-commerce")
        env.leader = T.member(env.agency, Role.AGENCY_LEADER)
        T.person(env.agency, user_obj=env.leader, name="孙局长")
        year = timezone.localdate().year
        c.plan = IP.do_create_inspection_plan(env.agency, unit=env.unit, year=year, items=[ITEM], actor=env.officer,
                                              title=f"{year}年度双随机抽查计划")
        c.draft = IP.do_create_inspection_plan(env.agency, unit=env.unit, year=year, items=[{**ITEM, "content": "草稿事项"}],
                                               actor=env.officer, title="尚未通过的计划")
        IP.do_adopt_inspection_plan(c.plan, actor=env.leader)
        c.plan.refresh_from_db()
        c.report = AA.do_open_annual_report(env.agency, 2025, actor=env.reviewer)
        c.draft_report = AA.do_open_annual_report(env.agency, 2024, actor=env.reviewer)
        AA.do_submit_unit_figures(c.report.submissions.get(), actor=env.head, on="2026-01-10")
        AA.do_record_figure(c.report, item="litigation", count=2, source="法院来函", actor=env.reviewer)
        AA.do_approve_annual_report(c.report, actor=env.leader, on="2026-01-20")
        c.report = AA.do_publish_annual_report(c.report, actor=env.reviewer, on="2026-01-28")
        yield c
        transaction.set_rollback(True)


def base(c):
    return f"/gk/{c.env.agency.code}/"


def get(path, status=200):
    r = Client().get(path)
    assert r.status_code == status, (path, r.status_code)
    assert not r.cookies, path
    if status == 200:
        assert "<script" not in r.content.decode(errors="ignore"), path
    return r


def test_the_plans_page_lists_adopted_plans_with_their_adoption_date_and_the_cap(cast):
    html = get(base(cast) + "jihua/").content.decode()
    assert cast.plan.title in html and "尚未通过的计划" not in html and "草稿事项" not in html
    assert f"通过日期：{cast.plan.adopted_on:%Y-%m-%d}" in html
    for label in ("抽查主体", "抽查依据", "抽查对象", "抽查内容", "抽查比例", "抽查方式", "抽查频次"):
        assert f'data-label="{label}"' in html
    assert "备案、资金存管情况" in html
    assert "年度行政检查次数上限：本机关尚未公布" in html and "54号" in html  # 平罗 sets no cap: said, with the source


def test_zhuzhou_shows_its_before_march_rule(cast):
    from sanxiang.orgs import testing as T

    agency = T.agency(profile_key="zhuzhou-amr")
    html = get(f"/gk/{agency.code}/jihua/").content.decode()
    assert "制定并公开期限：每年3月1日前" in html and "3月份前" in html
    assert "尚无经审核通过的年度抽查计划" in html


def test_a_cap_the_profile_sets_is_published(cast, monkeypatch):
    from sanxiang.portal import published

    monkeypatch.setattr(published, "_cap", lambda agency, on: {"value": 2, "citation": "某市规定", "exempt": ["投诉举报"]})
    html = get(base(cast) + "jihua/").content.decode()
    assert "每年不超过 2 次" in html and "投诉举报不计入" in html


def test_benchmarks_are_a_versioned_section(cast):
    from sanxiang.access.actors import OPERATOR
    from sanxiang.disclosure.actions import do_publish_disclosure
    from sanxiang.disclosure.demo import BENCHMARKS
    from sanxiang.disclosure.models import Section

    agency = cast.env.agency
    get(base(cast) + "jizhun/")  # nothing published yet: the page says so
    do_publish_disclosure(agency, Section.BENCHMARKS, {"items": BENCHMARKS["commerce"]}, reason="首次发布", actor=OPERATOR)
    changed = [{**BENCHMARKS["commerce"][0], "standard": "处一万元以上三万元以下罚款"}]
    do_publish_disclosure(agency, Section.BENCHMARKS, {"items": changed}, reason="上位法罚款幅度调整",
                          cause="law", actor=OPERATOR)
    html = get(base(cast) + "jizhun/").content.decode()
    assert "行政处罚裁量基准" in html and "第 2 版" in html and "处一万元以上三万元以下罚款" in html
    for label in ("违法行为", "违法依据", "处罚依据", "裁量阶次", "适用情形", "处罚标准"):
        assert label in html
    history = get(base(cast) + "jizhun/lishi/").content.decode()
    assert "上位法罚款幅度调整" in history
    assert "处一万元以上二万元以下罚款" in get(base(cast) + "jizhun/lishi/1/").content.decode()
    assert "行政处罚裁量基准" in get(base(cast)).content.decode()  # in the agency's navigation


def test_a_benchmark_without_its_standard_is_refused(cast):
    from sanxiang.access.actors import OPERATOR
    from sanxiang.core.errors import RuleViolation
    from sanxiang.disclosure.actions import do_publish_disclosure
    from sanxiang.disclosure.demo import BENCHMARKS
    from sanxiang.disclosure.models import Section

    with pytest.raises(RuleViolation, match="处罚标准"):
        do_publish_disclosure(cast.env.agency, Section.BENCHMARKS,
                              {"items": [{**BENCHMARKS["amr"][0], "standard": ""}]}, reason="测试", actor=OPERATOR)


def test_only_published_reports_are_listed_with_their_fixed_figures(cast):
    html = get(base(cast) + "nianbao/").content.decode()
    assert "2025年度行政执法统计年报" in html and "2024年度" not in html
    get(base(cast) + "nianbao/2024/", status=404)  # compiling: not public
    get(base(cast) + "nianbao/2023/", status=404)
    page = get(base(cast) + "nianbao/2025/").content.decode()
    assert 'id="annual-figures"' in page and "行政诉讼" in page and "法院来函" in page
    assert page.count("<svg") >= 1 and 'aria-label="各类执法行为件数（数据见上表）"' in page
    assert 'data-label="件数"' in page
    assert "PDF 正在生成" in page  # the job has not run yet
    assert "公开截止" not in page  # defects10 (s22) #18: read as "publication ends on"; it is "to publish by"
    assert "前公开" in page


def test_the_public_xlsx_is_the_published_report_without_a_draft_mark(cast):
    from urllib.parse import quote

    from openpyxl import load_workbook

    r = get(base(cast) + "nianbao/2025/xlsx/")
    saved = f"{cast.report.agency.name}2025年度行政执法统计年报"  # tester10b #14: a Chinese name, not the code
    assert f"filename*=UTF-8''{quote(saved)}.xlsx" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value.endswith("2025年度行政执法统计年报")
    assert ["行政诉讼", 2, "法院来函"] in [[c.value for c in row][:3] for row in ws.iter_rows()]


def test_publication_enqueues_the_pdf_job_which_renders_and_ledgers_it(cast, monkeypatch, django_capture_on_commit_callbacks):
    from urllib.parse import quote

    from sanxiang.annual import pdf as annual_pdf
    from sanxiang.annual.tasks import render_annual_report_pdfs
    from sanxiang.ledger.models import LedgerEntry

    calls = []
    monkeypatch.setattr(annual_pdf, "report_pdf", lambda report, figures, recorded: calls.append(report.pk) or b"%PDF-1.7 test")
    result = render_annual_report_pdfs.call()
    assert result["done"] == 1 and result["failed"] == 0 and calls == [cast.report.pk]
    cast.report.refresh_from_db()
    assert cast.report.pdf_path and len(cast.report.pdf_sha256) == 64
    entry = LedgerEntry.objects.filter(action="render_annual_report_pdf").latest("index")
    assert cast.report.pdf_sha256 in entry.entry
    r = get(base(cast) + "nianbao/2025/pdf/")
    assert r["Content-Type"] == "application/pdf" and r.content == b"%PDF-1.7 test"
    assert f"filename*=UTF-8''{quote(cast.report.agency.name + '2025年度行政执法统计年报.pdf')}" in r["Content-Disposition"]
    assert "下载 PDF" in get(base(cast) + "nianbao/2025/").content.decode()
    assert render_annual_report_pdfs.call()["done"] == 0  # rendered once
    c = Client()
    c.force_login(cast.env.reviewer)
    staff = c.get(f"/annual/{cast.report.pk}/").content.decode()
    assert 'id="annual-pdf"' in staff
    assert c.get(f"/annual/{cast.report.pk}/pdf/").content == b"%PDF-1.7 test"
    get(base(cast) + "nianbao/2024/pdf/", status=404)


def test_a_failed_render_is_recorded_once_and_retried(cast, monkeypatch):
    from sanxiang.annual import actions as AA
    from sanxiang.annual import pdf as annual_pdf
    from sanxiang.annual.models import AnnualReport
    from sanxiang.documents.render import RenderError
    from sanxiang.ledger.models import LedgerEntry
    from sanxiang.orgs import testing as T

    env = cast.env
    other = AA.do_open_annual_report(env.agency, 2023, actor=env.reviewer)
    AA.do_submit_unit_figures(other.submissions.get(), actor=env.head, on="2024-01-10")
    AA.do_approve_annual_report(other, actor=env.leader, on="2024-01-20")
    other = AA.do_publish_annual_report(other, actor=env.reviewer, on="2024-01-28")

    def broken(*a):
        raise RenderError("LibreOffice 未安装")

    monkeypatch.setattr(annual_pdf, "report_pdf", broken)
    for _ in range(2):
        AA.do_render_annual_pdf(AnnualReport.objects.get(pk=other.pk), actor=T.member(env.agency, "agency_leader"))
    other.refresh_from_db()
    assert other.pdf_failure == "LibreOffice 未安装" and not other.pdf_path
    assert LedgerEntry.objects.filter(action="fail_annual_report_pdf").count() == 1
    monkeypatch.setattr(annual_pdf, "report_pdf", lambda *a: b"%PDF-ok")
    AA.do_render_annual_pdf(other, actor=env.leader)
    other.refresh_from_db()
    assert other.pdf_path and other.pdf_failure == ""


def test_publishing_queues_the_job_after_commit(cast, django_capture_on_commit_callbacks, monkeypatch):
    from sanxiang.annual import actions as AA

    queued = []
    monkeypatch.setattr(AA, "_queue_pdf", lambda: queued.append(1))
    env = cast.env
    report = AA.do_open_annual_report(env.agency, 2022, actor=env.reviewer)
    AA.do_submit_unit_figures(report.submissions.get(), actor=env.head, on="2023-01-10")
    AA.do_approve_annual_report(report, actor=env.leader, on="2023-01-20")
    with django_capture_on_commit_callbacks(execute=True):
        AA.do_publish_annual_report(report, actor=env.reviewer, on="2023-01-28")
    assert queued == [1]


def test_the_new_pages_keep_the_portal_rules(cast):
    """No internal id in any address (a year is a public number, like a version), nothing of the session."""
    for path in ("jihua/", "jizhun/", "nianbao/", "nianbao/2025/"):
        html = get(base(cast) + path).content.decode()
        for href in re.findall(r'(?:href|action)="([^"]*)"', html):
            assert href.startswith(("/gk/", "/public/", "/static/", "http")), (path, href)
            plain = re.sub(r"/(nianbao|lishi)/\d+/", "/", href)
            assert not any(seg.isdigit() for seg in re.split(r"[/?&=]", plain)), (path, href)
        assert cast.env.officer.username not in html


def test_the_officer_table_is_stacked_on_a_phone(cast):
    html = get(base(cast) + "renyuan/").content.decode()
    assert '<table class="officers stack">' in html and 'data-label="执法类别"' in html
    assert "table-wrap" not in html  # no sideways scrolling box
    from django.contrib.staticfiles import finders

    css = Path(finders.find("portal/portal.css")).read_text(encoding="utf-8")
    assert "table.stack td::before { content:attr(data-label)" in css and "@media (max-width: 640px)" in css


def test_the_pdf_job_is_scheduled_and_queued_in_the_task_table():
    from django_tasks_db.models import DBTaskResult

    from sanxiang.annual.actions import _queue_pdf
    from sanxiang.jobs.schedules import all_schedules

    schedule = {s.name: s for s in all_schedules()}["annual_report_pdfs"]
    assert schedule.label == "生成已公开年报的 PDF" and schedule.interval == 3600
    before = DBTaskResult.objects.filter(task_path=schedule.task.module_path).count()
    _queue_pdf()
    assert DBTaskResult.objects.filter(task_path=schedule.task.module_path).count() == before + 1


def test_the_chart_text_stays_readable_on_a_phone():
    """tester10b #15: on a 375 px phone the card is ≈ 309 px wide; the chart, scaled to it, keeps its text at
    ≥ 12 px (it was drawn 462 units wide: 12-unit labels read at ≈ 8 px) and the largest amount still fits."""
    import re

    from sanxiang.annual.public import charts

    rows = {"许可": {"count": 3, "fine": "0", "confiscation": "0"},
            "处罚": {"count": 120, "fine": "1234567.89", "confiscation": "99999.00"}}
    for svg in charts({"order": ["许可", "处罚"], "rows": rows}):
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
        assert 309 / width * min(sizes) >= 11.9, (width, min(sizes))
        for x, text in re.findall(r'<text x="([\d.]+)"[^>]*>([^<]*)</text>', svg):
            assert float(x) + len(text) * 12 * 0.6 <= width + 1, text  # digits ≈ 0.6 em wide
