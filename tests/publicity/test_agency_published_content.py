"""s25 defects10d #3 (decision 0101): what the agency publishes in its own name — the 事前公开 sections (公示牌,
机构 with its 投诉 text, 办事指南, 执法事项), the 法制审核目录's rule labels and citations (JSON API, xlsx import) and the
年度抽查计划's title and items — is refused when it holds a 公示查询码 printed on a case's document (in any written
form), a 公民身份号码 or a 银行卡号, in Chinese naming the field; the agency's own phones, address and e-mail stay
published as typed."""

import io
import sys
from pathlib import Path

import pytest
from django.test import Client
from publication_cast import env_with_printed_code
from stdnum import luhn

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import RuleViolation
from sanxiang.parties.actions import do_register_party

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))

pytestmark = pytest.mark.django_db

CODE = "G2ZP-2B7V"
ID_NUMBER = "110101199003071233"  # GB 11643 check digit right (found without a 身份证 label too)
CARD = "6222021234567890128"  # Luhn right
OWN = "咨询电话0991-3688123，地址乌鲁木齐市高新区长春南路 1 号，邮箱 zfj@example.gov.cn"


@pytest.fixture
def env():
    return env_with_printed_code(CODE)


def refused(call, *, code, field, words):
    with pytest.raises(RuleViolation) as caught:
        call()
    assert caught.value.code == code and caught.value.field == field, (caught.value.code, caught.value.field)
    assert all(w in str(caught.value) for w in words), str(caught.value)


def test_a_window_board_with_a_code_or_an_id_number_is_refused_and_the_agencys_own_contacts_stay(env):
    from sanxiang.disclosure.actions import do_publish_disclosure
    from sanxiang.disclosure.models import DisclosureVersion, Section
    from sanxiang.disclosure.testing import CONTENT

    board = CONTENT[Section.WINDOWS]["items"][0]

    def publish(**change):
        return do_publish_disclosure(env.agency, Section.WINDOWS, {"items": [{**board, **change}]}, reason="调整",
                                     actor=env.reviewer)

    for form in (CODE, "G2ZP和2B7V", "g-2-z-p-2-b-7-v", "前四位G2ZP，后四位2B7V"):
        refused(lambda: publish(duties=f"受理申请（查询码{form}）"), code="party_code_public", field="duties",
                words=["第 1 项（CK-01）“岗位职责”", "查询码"])
    refused(lambda: publish(complaint=f"投诉人王秀英，身份证{ID_NUMBER}"), code="personal_number_public",
            field="complaint", words=["“投诉举报”", "公民身份号码", ID_NUMBER])
    refused(lambda: publish(code="MWNE-P5KN", progress=f"退款至卡号{CARD}"), code="personal_number_public",
            field="progress", words=["“办理进度查询”", "银行卡号"])
    assert not DisclosureVersion.objects.filter(agency=env.agency, section=Section.WINDOWS).exists()
    publish(consultation=OWN)
    page = Client().get(f"/gk/{env.agency.code}/gongshipai/").content.decode()
    assert "0991-3688123" in page and "zfj@example.gov.cn" in page and "长春南路 1 号" in page


def test_the_agency_section_and_the_guides_are_guarded_through_the_staff_form_and_the_actions(env):
    from sanxiang.disclosure.actions import do_publish_disclosure, do_remove_disclosure_item, do_save_disclosure_item
    from sanxiang.disclosure.models import DisclosureVersion, Section
    from sanxiang.disclosure.testing import CONTENT, GUIDE

    info = CONTENT[Section.AGENCY]
    refused(lambda: do_publish_disclosure(env.agency, Section.AGENCY, {**info, "complaint": f"12315，或码 {CODE}"},
                                          reason="首次发布", actor=env.reviewer),
            code="party_code_public", field="complaint", words=["“投诉举报渠道”"])
    refused(lambda: do_publish_disclosure(env.agency, Section.AGENCY, {
        **info, "structure": [{"name": "执法一队", "duties": f"联系人{ID_NUMBER}"}]},
        reason="首次发布", actor=env.reviewer), code="personal_number_public", field="structure",
        words=["“内设机构及职责”", "公民身份号码"])
    do_publish_disclosure(env.agency, Section.AGENCY, {**info, "complaint": OWN}, reason="首次发布", actor=env.reviewer)
    assert "0991-3688123" in Client().get(f"/gk/{env.agency.code}/jigou/").content.decode()

    do_publish_disclosure(env.agency, Section.GUIDES, CONTENT[Section.GUIDES], reason="首次发布", actor=env.reviewer)
    bad = {**GUIDE, "materials": [{"name": "申请书", "sample": f"示例：申请人身份证{ID_NUMBER}", "common_errors": "未签字"}]}
    refused(lambda: do_save_disclosure_item(env.agency, Section.GUIDES, bad, code="XK-001", reason="调整",
                                            actor=env.reviewer),
            code="personal_number_public", field="materials", words=["第 1 项（XK-001）“申请材料”"])
    # The staff page: the refusal stands on the form, nothing is published.
    client = Client()
    client.force_login(env.reviewer)
    form = {**{k: v for k, v in GUIDE.items() if k != "materials"}, "materials": "申请书｜填写示范｜未签字",
            "process": f"申请→受理（查询码{CODE}）→决定", "reason": "调整", "cause": "routine"}
    before = DisclosureVersion.objects.count()
    response = client.post(f"/disclosure/{env.agency.code}/guides/XK-001/edit/", form)
    assert response.status_code == 400 and "查询码" in response.content.decode()
    assert DisclosureVersion.objects.count() == before

    # A text published before the guard (written straight into the row) does not block another change.
    row = DisclosureVersion.objects.filter(agency=env.agency, section=Section.GUIDES).latest("version")
    row.content = {"items": [{**row.content["items"][0], "remedies": f"复议（码{CODE}）"}]}
    row.save(update_fields=["content"])
    do_save_disclosure_item(env.agency, Section.GUIDES, {**GUIDE, "code": "XK-002", "name": "另一事项"},
                            reason="新增", actor=env.reviewer)
    do_remove_disclosure_item(env.agency, Section.GUIDES, "XK-002", reason="删除", actor=env.reviewer)


def test_the_agencys_own_account_and_numbers_are_kept_and_only_a_labelled_card_or_a_real_id_is_refused(env):
    """s26 defects10g #4: a 16–19-digit number is a personal 银行卡号 only when labelled 卡/卡号/银行卡/信用卡 right
    before it — the agency's 对公账号 and its 受理编号/流水号/批次 numbers pass whatever their Luhn digit; an
    18-digit number is a 公民身份号码 only with a real birth date and the right check digit, a label alone not
    making it one. The refusal names the number, says why and how to keep an account."""
    from sanxiang.disclosure.actions import do_publish_disclosure
    from sanxiang.disclosure.models import DisclosureVersion, Section
    from sanxiang.disclosure.testing import CONTENT

    board = CONTENT[Section.WINDOWS]["items"][0]

    def publish(**change):
        return do_publish_disclosure(env.agency, Section.WINDOWS, {"items": [{**board, **change}]}, reason="调整",
                                     actor=env.reviewer)

    kept = ("罚没款缴款：户名平罗县财政局，开户行中国农业银行平罗县支行，账号2904000009100012345；"
            f"对公账户{CARD}；办件受理编号2026112500100200，可凭编号查询进度；办件流水号650100000000000100；"
            "抽查批次：2026112500100200；执法证件号码：650100000000000100")
    assert luhn.is_valid("2904000009100012345") and luhn.is_valid("2026112500100200")  # as the tester's were
    publish(progress=kept)
    shown = DisclosureVersion.objects.filter(agency=env.agency, section=Section.WINDOWS).latest("version")
    assert shown.content["items"][0]["progress"] == kept
    for label in ("卡号", "银行卡", "信用卡：", "会员卡 "):
        refused(lambda: publish(progress=f"退款至{label}{CARD}"), code="personal_number_public", field="progress",
                words=[f"“{CARD}”", "标明为银行卡号", "个人的银行卡号", "注明“账号”"])
    refused(lambda: publish(progress=f"办件编号{ID_NUMBER}"), code="personal_number_public", field="progress",
            words=[f"“{ID_NUMBER}”", "出生日期和校验位均正确", "公民身份号码"])


def test_matters_are_guarded(env):
    from sanxiang.disclosure.actions import do_save_disclosure_item
    from sanxiang.disclosure.models import Section
    from sanxiang.disclosure.testing import MATTER

    refused(lambda: do_save_disclosure_item(env.agency, Section.MATTERS, {**MATTER, "basis": f"见函，卡号{CARD}"},
                                            reason="新增", actor=env.reviewer),
            code="personal_number_public", field="basis", words=["“执法依据”", "银行卡号"])


RULE = {"key": "large_fine", "label": "大额罚款", "citation": "本局目录第三项",
        "condition": {"kinds": ["penalty"], "fine_at_least": {"person": 10000, "org": 100000}}}


def test_catalogue_rules_are_guarded_in_the_api_and_the_xlsx_import(env):
    from sanxiang.review.catalogue_xlsx import export_rules
    from sanxiang.review.models import CatalogueVersion

    client = Client()
    client.force_login(env.reviewer)
    base = f"/api/v1/review/catalogue/{env.agency.code}"
    for rule, code, words in (
            ({**RULE, "label": f"涉及重大公共利益（联系人王秀英，码{CODE.replace('-', '和')}）"}, "party_code_public",
             "第 1 条规则的“规则名称”"),
            ({**RULE, "citation": f"本局目录第三项；身份证{ID_NUMBER}"}, "personal_number_public",
             "第 1 条规则的“依据”")):
        response = client.post(f"{base}/versions", {"rules": [rule], "reason": "修订", "effective_from": "2027-01-01"},
                               content_type="application/json")
        assert response.status_code == 400, response.json()
        assert response.json()["code"] == code and words in response.json()["message"]
    book = io.BytesIO(export_rules([{**RULE, "citation": f"本局目录第三项 银行卡{CARD}"}], title="目录"))
    book.name = "目录.xlsx"
    response = client.post(f"{base}/versions/xlsx", {"reason": "导入", "effective_from": "2027-02-01", "file": book})
    assert response.status_code == 400 and response.json()["code"] == "personal_number_public"
    assert not CatalogueVersion.objects.filter(agency=env.agency).exists()
    ok = client.post(f"{base}/versions", {"rules": [{**RULE, "citation": "本局目录第三项（咨询0991-3688123）"}],
                                          "reason": "修订", "effective_from": "2027-01-01"},
                     content_type="application/json")
    assert ok.status_code == 201 and "0991-3688123" in ok.json()["rules"][0]["citation"]


def test_a_plans_title_and_items_are_guarded(env):
    from sanxiang.cases.kinds.inspection_plan import do_create_inspection_plan, do_edit_inspection_plan

    item = {"subject": "测试主体", "basis": "《食品安全法》第一百一十条", "objects": "食品经营者", "content": "进货查验情况",
            "ratio": "5%", "method": "双随机", "frequency": "每年一次"}
    refused(lambda: do_create_inspection_plan(env.agency, unit=env.unit, year=2026, items=[item],
                                              title=f"2026年度抽查计划（码{CODE}）", actor=env.officer),
            code="party_code_public", field="title", words=["计划名称"])
    refused(lambda: do_create_inspection_plan(env.agency, unit=env.unit, year=2026, actor=env.officer,
                                              items=[{**item, "objects": f"举报人身份证{ID_NUMBER}所涉商户"}]),
            code="personal_number_public", field="items", words=["第1项抽查事项的“抽查对象”"])
    plan = do_create_inspection_plan(env.agency, unit=env.unit, year=2026, items=[item], actor=env.officer)
    refused(lambda: do_edit_inspection_plan(plan, items=[{**item, "content": f"核查卡号{CARD}"}], actor=env.officer),
            code="personal_number_public", field="items", words=["抽查内容", "银行卡号"])


def test_the_items_checked_are_masked_on_the_public_inspection_page(env):
    from test_inspection_cause_and_codes_in_any_form import visible

    from sanxiang.cases.kinds.inspection import do_create_inspection
    from sanxiang.orgs import actions as A
    from sanxiang.orgs import testing as T

    a = T.agency("gk-items", categories=("行政处罚", "行政检查"))
    unit = A.do_create_unit(a, "执法一队", actor=OPERATOR)
    people = [T.person(a, unit=unit, name=n) for n in ("王执法", "李执法")]
    for p, number in zip(people, ("IT0000001", "IT0000002"), strict=True):
        T.certificate(p, number, categories=["行政处罚", "行政检查"], area="测试区")
    party = do_register_party(a, kind="org", name="某某食品有限公司", credit_code="91110105MA01ABCD13",
                              legal_representative="孙某某", actor=OPERATOR)
    typed = ["预付卡管理", f"核查举报人13912345678、身份证{ID_NUMBER}所述情况", "另案码G2ZP和2B7V"]
    case = do_create_inspection(a, unit=unit, source="planned", cause="日常检查", party=party, handlers=people,
                                actor=OPERATOR, items=typed[:2])
    # a code is refused when typed now (decision 0102): one stored before that is replaced at display
    type(case.inspection).objects.filter(pk=case.inspection.pk).update(items=typed)
    case.inspection.refresh_from_db()
    assert case.inspection.items == typed  # the staff keep what was typed
    page = visible(Client().get(f"/gk/{a.code}/jiancha/{case.inspection.code}/").content.decode())
    assert "预付卡管理" in page and "［查询码已隐去］" in page
    for leak in ("13912345678", ID_NUMBER, "G2ZP", "2B7V"):
        assert leak not in page, leak


def test_every_agency_text_is_checked_for_length_after_masking_and_stored_whole(env):
    """s25 defects10d #5: a mask may be longer than what it hides (「a@b.cn」 → 「［邮箱已隐去］」). Every caller of
    `agency_text` checks the masked length, so 301 characters never reach a `varchar(300)` — on PostgreSQL (the
    suite's second pass) a longer value would be a DataError; here the longest text that fits is stored whole."""
    from django.utils import timezone

    from sanxiang.annual import actions as AA
    from sanxiang.disclosure.actions import do_publish_disclosure
    from sanxiang.disclosure.models import Section
    from sanxiang.disclosure.testing import CONTENT
    from sanxiang.review import actions as R

    report = AA.do_open_annual_report(env.agency, 2025, actor=env.reviewer)
    calls = {
        "数据来源": lambda text: AA.do_record_figure(report, item="reconsideration", count=1, source=text,
                                                 actor=env.reviewer).source,
        "调整原因": lambda text: do_publish_disclosure(env.agency, Section.MATTERS, CONTENT[Section.MATTERS],
                                                   reason=text, actor=env.reviewer).reason,
        "发布原因": lambda text: R.do_adopt_catalogue_version(env.agency, [RULE], effective_from=timezone.localdate(),
                                                          reason=text, actor=env.reviewer).reason,
    }
    for what, call in calls.items():
        with pytest.raises(RuleViolation) as caught:
            call("复" * 294 + "a@b.cn")  # 300 typed, 301 once masked
        assert f"{what}隐去个人信息后超过300字" in str(caught.value)
        stored = call("复" * 293 + "a@b.cn")  # 299 typed, exactly 300 once masked
        assert len(stored) == 300 and stored.endswith("［邮箱已隐去］")
