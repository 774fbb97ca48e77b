"""s25 defects10d (decision 0097): the 检查事由 on the public 扫码入企 page passes the guard at display (#1); a free
text of no case refuses a printed 公示查询码 in any written form (#2); its length is checked after masking (#5).
Each as the public sees it, failing before the fix."""

import re

import pytest
import test_agency_free_text as base
from django.test import Client

from sanxiang.access.actors import OPERATOR
from sanxiang.cases.kinds.inspection import do_create_inspection
from sanxiang.core.errors import RuleViolation
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.parties.actions import do_register_party

pytestmark = pytest.mark.django_db

env = base.env  # the fixture: a case whose 决定书 printed base.CODE (G2ZP-2B7V)
PHONE, refused = base.PHONE, base.refused

ID = "110101199003071234"
FORMS = ("码G2ZP和2B7V", "码G-2-Z-P-2-B-7-V", "前四位G2ZP，后四位2B7V", "码 G 2 Z P 2 B 7 V")


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", html, flags=re.S))


def inspection_page(source, cause, witness=None, items=("预付卡管理",), slug=None, published=("预付卡管理",)):
    """A new agency's inspection and its public page; `published`: the agency's 事前公开 执法事项 names (a 投诉举报
    inspection shows only those of its items, decision 0102)."""
    a = T.agency(slug or f"gk-{source}", categories=("行政处罚", "行政检查"))
    prefix = (slug[-2:] if slug else source[:2]).upper()
    unit = A.do_create_unit(a, "执法一队", actor=OPERATOR)
    people = [T.person(a, unit=unit, name=n) for n in ("王执法", "李执法")]
    for p, number in zip(people, (f"{prefix}0000001", f"{prefix}0000002"), strict=True):
        T.certificate(p, number, categories=["行政处罚", "行政检查"], area="测试区")
    party = do_register_party(a, kind="org", name="某某食品有限公司", credit_code="91110105MA01ABCD13",
                              legal_representative="孙某某", actor=OPERATOR)
    case = do_create_inspection(a, unit=unit, source=source, cause=cause, party=party, handlers=people,
                                actor=OPERATOR, items=list(items))
    if witness:
        from sanxiang.cases import actions as C

        C.do_add_case_participant(case, role="witness", name=witness, actor=OPERATOR)
    if published:
        from sanxiang.disclosure.actions import do_publish_disclosure
        from sanxiang.disclosure.models import Section
        from sanxiang.disclosure.testing import MATTER

        matters = [{**MATTER, "code": f"JC-{n:03}", "name": name} for n, name in enumerate(published, 1)]
        do_publish_disclosure(a, Section.MATTERS, {"items": matters}, reason="首次发布", actor=OPERATOR)
    r = Client().get(f"/gk/{a.code}/jiancha/{case.inspection.code}/")
    assert r.status_code == 200
    return case, visible(r.content.decode())


def test_the_inspection_cause_is_masked_and_a_printed_code_replaced_on_the_public_page(env):
    cause = f"日常检查：证人李强（{PHONE}，身份证{ID}）反映，另案码G2ZP和2B7V"
    case, page = inspection_page("planned", cause, witness="李强")
    assert case.cause == cause  # the staff keep what was typed
    assert "日常检查" in page and "预付卡管理" in page
    for leak in (PHONE, ID, "李强", "G2ZP", "2B7V"):
        assert leak not in page, leak
    assert "［查询码已隐去］" in page


def test_a_complaint_inspection_shows_only_the_label_never_the_typed_cause(env):
    case, page = inspection_page("complaint", "投诉举报核查：举报人王秀英反映预付卡退卡纠纷")
    assert "王秀英" not in page and "退卡纠纷" not in page
    assert "投诉举报核查" in page and "预付卡管理" in page


def test_a_printed_code_in_any_written_form_is_refused_and_plain_numbers_pass(env):
    from sanxiang.annual import actions as AA
    from sanxiang.disclosure.actions import do_publish_disclosure  # noqa: F401 (same guard, agency_text)
    from sanxiang.publicity.public_text import agency_text

    report = AA.do_open_annual_report(env.agency, 2025, actor=env.reviewer)
    for form in FORMS:
        refused(lambda: AA.do_record_figure(report, item="reconsideration", count=1, source=f"来函{form}",
                                            actor=env.reviewer), "source", "数据来源")
        refused(lambda: agency_text(f"调整{form}", env.agency, what="调整原因"), "reason", "调整原因")
    ok = "2025年3月12日复议决定书（宁复〔2025〕12号，编号ABCD-EFGH，共3件，金额12345.67元）"
    row = AA.do_record_figure(report, item="reconsideration", count=1, source=ok, actor=env.reviewer)
    assert row.source == ok


def test_a_text_longer_than_its_column_after_masking_is_refused_in_chinese(env):
    from sanxiang.annual import actions as AA

    report = AA.do_open_annual_report(env.agency, 2025, actor=env.reviewer)
    with pytest.raises(RuleViolation) as caught:
        AA.do_record_figure(report, item="reconsideration", count=1, source="复" * 294 + "a@b.cn", actor=env.reviewer)
    assert "超过300字" in str(caught.value) and caught.value.field == "source"
    row = AA.do_record_figure(report, item="reconsideration", count=1, source="复" * 290 + "a@b.cn", actor=env.reviewer)
    assert len(row.source) <= 300 and "a@b.cn" not in row.source
