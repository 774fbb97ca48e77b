"""s26 defects10e #1 (decision 0102): the 检查内容 (`Inspection.items`) on the public 扫码入企 page follows the rule of
the 检查事由 — masked as it is (decision 0101, tests/publicity/test_agency_published_content.py) and in a 投诉举报
inspection nothing of the complainant; a printed 公示查询码 is refused when the items are typed (register and
result). #5: a name after 举报人/投诉人 in any inspection's cause or items is masked 「王某」, and a card number right
after 「卡」 even when it fails Luhn. Each as the public or the officer sees it, failing before the fix."""

import pytest
import test_inspection_cause_and_codes_in_any_form as base

from sanxiang.access.actors import OPERATOR
from sanxiang.cases.kinds.inspection import result_complete
from sanxiang.core.errors import RuleViolation

pytestmark = pytest.mark.django_db

env = base.env  # the fixture: a case whose 决定书 printed G2ZP-2B7V
ID, PHONE, visible = base.ID, base.PHONE, base.visible

CARD = "6222021234567890128"  # Luhn-valid
TYPED = f"核查举报人王秀英（{PHONE}，身份证{ID}，银行卡{CARD}）反映的问题"


def inspection(source, cause, items, slug=None, published=("预付卡台账",)):
    return base.inspection_page(source, cause, items=items, slug=slug or f"gi-{source}", published=published)


def test_a_complaint_inspections_items_never_show_the_complainant(env):
    case, page = inspection("complaint", "投诉举报核查", [TYPED, f"预付卡台账（经办人电话{PHONE}）", "预付卡台账"])
    assert case.inspection.items[0] == TYPED  # the staff keep what was typed
    for leak in ("王秀英", PHONE, ID, CARD):
        assert leak not in page, leak
    assert "核查投诉举报反映的问题" in page and "预付卡台账" in page


# ---- s26 defects10g #8 HIGH: any wording of a complainant in a 投诉举报 inspection's items; #1 LOW: a split code ----

WORDINGS = ("核查消费者王秀英反映的预付卡退卡问题", "核实王女士投诉的退款问题",
            "回访来电群众王秀英（住平罗县城关镇鼓楼街1号3单元501室）", "核查王秀英等3名会员的退卡诉求")


def test_a_complaint_inspection_shows_only_its_published_items_and_the_standard_sentence_once(env):
    items = [*WORDINGS, "预付卡 台账。", "单用途商业预付卡发卡企业监督检查"]
    case, page = inspection("complaint", "投诉核查", items, slug="gi-words",
                            published=("预付卡台账", "单用途商业预付卡发卡企业监督检查"))
    assert case.inspection.items == items  # the staff keep what was typed
    for leak in ("王秀英", "王女士", "鼓楼街", "3名会员", "退卡", "退款"):
        assert leak not in page, leak
    assert page.count("核查投诉举报反映的问题") == 1
    # a published 执法事项 name is shown, exact after whitespace and punctuation
    assert "预付卡 台账。" in page and "单用途商业预付卡发卡企业监督检查" in page
    # a planned inspection keeps today's masking: its items are shown
    _, planned = inspection("planned", "日常检查", ["核查预付卡退卡问题"], slug="gi-wplan", published=())
    assert "核查预付卡退卡问题" in planned and "核查投诉举报反映的问题" not in planned


def test_a_code_split_across_two_items_is_refused_when_typed(env):
    for n, items in enumerate((["核查 G2ZP", "2B7V 台账"], "核查G2ZP；2B7V台账")):
        with pytest.raises(RuleViolation) as caught:
            inspection("planned", "日常检查", items, slug=f"gi-split{n}")
        assert caught.value.code == "party_code_public" and caught.value.field == "items"
    case, page = inspection("planned", "日常检查", ["核查 ABCD", "EFGH 台账"], slug="gi-splitok")
    assert "核查 ABCD" in page and "EFGH 台账" in page


def test_a_printed_code_in_the_items_is_refused_when_typed(env):
    forms = ("码G2ZP-2B7V", "码G2ZP和2B7V", "前四位G2ZP，后四位2B7V", "码 G 2 Z P 2 B 7 V")
    for n, form in enumerate(forms):
        with pytest.raises(RuleViolation) as caught:
            inspection("planned", "日常检查", ["预付卡台账", f"核查{form}"], slug=f"gi-code{n}")
        assert caught.value.code == "party_code_public" and caught.value.field == "items"
        assert "检查事项中含有当事人的公示查询码" in str(caught.value)
    case, page = inspection("planned", "日常检查", ["2025年台账（编号ABCD-EFGH，共3件）"], slug="gi-ok")
    assert "ABCD-EFGH" in page
    # the items typed again with the result (登记检查结果) pass the same refusal
    problem = result_complete(case, OPERATOR, result="normal", items=["核查码G2ZP和2B7V"], conclusion="合格")
    assert problem and "公示查询码" in problem
    assert result_complete(case, OPERATOR, result="normal", items=["台账"], conclusion="合格") is None


# ---- s26 defects10e #5 LOW: a complainant's name in a non-complaint cause; a card number right after 「卡」 -------

def test_a_name_after_a_complainant_label_and_a_card_number_after_ka_are_masked_in_any_inspections_cause(env):
    bad_card = "6222021234567890123"  # fails Luhn, right after 「卡」
    cause = f"日常检查：举报人王秀英（{PHONE}，卡{bad_card}）反映；投诉人称店内有过期食品"
    case, page = inspection("planned", cause, ["预付卡台账", "核对投诉人：张三丰所述"], slug="gi-names")
    assert case.cause == cause  # the staff keep what was typed
    for leak in ("王秀英", "张三丰", bad_card, PHONE):
        assert leak not in page, leak
    assert "举报人王某" in page and "投诉人：张某" in page and "投诉人称店内有过期食品" in page


def test_a_number_right_after_ka_is_masked_by_the_redaction_and_an_order_number_elsewhere_stays():
    from sanxiang.publicity.redaction import redact

    assert "6222021234567890123" not in redact("退款至其会员卡：6222021234567890123").text
    assert "6222021234567890123" in redact("订单号6222021234567890123").text


# ---- s26 defects10g #4 / #2 addendum: a Luhn-passing 批次 number is no card unless labelled as one ----------------

def test_an_unlabelled_batch_number_stays_in_the_items_and_a_labelled_card_is_still_masked(env):
    from stdnum import luhn

    batch = "2026112500100200"
    assert luhn.is_valid(batch)
    case, page = inspection("planned", "日常检查", [f"抽查批次：{batch}", f"核查卡号{CARD}", f"会员卡 {CARD}"],
                            slug="gi-batch")
    assert f"抽查批次：{batch}" in page and "［银行卡号已隐去］" not in page.split(batch)[0]
    assert CARD not in page and page.count("［银行卡号已隐去］") == 2


def test_a_case_text_still_masks_an_unlabelled_luhn_number():
    from sanxiang.publicity.redaction import redact

    assert CARD not in redact(f"经查，当事人收款账户为{CARD}。").text
    assert "2026112500100200" not in redact("编号2026112500100200").text  # the case texts' detector is unchanged
