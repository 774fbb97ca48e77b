"""s25 defects10c #1 (decision 0097): the free texts the portal shows that belong to no case — the 统计年报's 录入数字
「数据来源」, the 事前公开 调整原因 and the 法制审核目录 发布原因 — pass the same guard when saved: a phone (any detector of
the agency's profile) is masked, a token shaped as a 公示查询码 that some case's document printed is refused in
Chinese (`party_code_public`). As a user sees it: the portal page, PDF-free (the page and the xlsx)."""

import io
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from publication_cast import env_with_printed_code

from sanxiang.core.errors import RuleViolation

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))

pytestmark = pytest.mark.django_db

CODE = "G2ZP-2B7V"
PHONE = "13912345678"
TYPED = f"复议局函告：申请人电话{PHONE}"


@pytest.fixture
def env():
    return env_with_printed_code(CODE)


def refused(call, field, what):
    with pytest.raises(RuleViolation) as caught:
        call()
    assert caught.value.code == "party_code_public" and caught.value.field == field
    assert what in str(caught.value) and "查询码" in str(caught.value)


def test_the_annual_source_is_masked_and_a_printed_code_refused(env):
    from openpyxl import load_workbook

    from sanxiang.annual import actions as AA

    report = AA.do_open_annual_report(env.agency, 2025, actor=env.reviewer)
    for form in (CODE, "g2zp 2b7v", "G2ZP/2B7V"):
        refused(lambda: AA.do_record_figure(report, item="reconsideration", count=1, source=f"来函 查询码{form}",
                                            actor=env.reviewer), "source", "数据来源")
    AA.do_record_figure(report, item="reconsideration", count=1, source="来函 编号ABCD-EFGH", actor=env.reviewer)
    row = AA.do_record_figure(report, item="reconsideration", count=1, source=TYPED, actor=env.reviewer)
    assert PHONE not in row.source and row.source.startswith("复议局函告：申请人电话")
    AA.do_submit_unit_figures(report.submissions.get(), actor=env.head, on="2026-01-10")
    AA.do_approve_annual_report(report, actor=env.leader, on="2026-01-20")
    AA.do_publish_annual_report(report, actor=env.reviewer, on="2026-01-28")
    anon = Client()
    page = anon.get(f"/gk/{env.agency.code}/nianbao/2025/").content.decode()
    assert "复议局函告" in page and PHONE not in page
    ws = load_workbook(io.BytesIO(anon.get(f"/gk/{env.agency.code}/nianbao/2025/xlsx/").content)).active
    cells = " ".join(str(c.value) for r in ws.iter_rows() for c in r)
    assert "复议局函告" in cells and PHONE not in cells


def test_the_disclosure_reason_is_masked_and_a_printed_code_refused(env):
    from sanxiang.disclosure.actions import do_publish_disclosure, do_save_disclosure_item
    from sanxiang.disclosure.models import Section
    from sanxiang.disclosure.testing import CONTENT, MATTER

    refused(lambda: do_publish_disclosure(env.agency, Section.MATTERS, CONTENT[Section.MATTERS],
                                          reason=f"应申请人要求调整，码{CODE}", actor=env.reviewer), "reason", "调整原因")
    do_publish_disclosure(env.agency, Section.MATTERS, CONTENT[Section.MATTERS], reason="首次发布", actor=env.reviewer)
    item = {**MATTER, "code": "CF-009", "name": "某处罚事项", "category": "行政处罚"}
    refused(lambda: do_save_disclosure_item(env.agency, Section.MATTERS, item, reason=f"码 {CODE.lower()}",
                                            actor=env.reviewer), "reason", "调整原因")
    do_save_disclosure_item(env.agency, Section.MATTERS, item, reason=f"应申请人要求调整，电话{PHONE}", actor=env.reviewer)
    page = Client().get(f"/gk/{env.agency.code}/shixiang/lishi/").content.decode()
    assert "应申请人要求调整" in page and PHONE not in page


def test_the_catalogue_reason_is_masked_and_a_printed_code_refused(env):
    from sanxiang.review import actions as R

    own = [{"key": "large_fine", "label": "大额罚款", "citation": "本局目录第三项",
            "condition": {"kinds": ["penalty"], "fine_at_least": {"person": 10000, "org": 100000}}}]
    today = timezone.localdate()
    refused(lambda: R.do_adopt_catalogue_version(env.agency, own, effective_from=today, reason=f"局务会议{CODE}",
                                                 actor=env.reviewer), "reason", "发布原因")
    R.do_adopt_catalogue_version(env.agency, own, effective_from=today, reason=f"局务会议修订，联系电话{PHONE}",
                                 actor=env.reviewer)
    page = Client().get(f"/gk/{env.agency.code}/shenhe/lishi/").content.decode()
    assert "局务会议修订" in page and PHONE not in page
