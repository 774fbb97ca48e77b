"""The 公示告知书's first sentence reads as Chinese for every kind of decision (brief left10d #3, decision 0094):
the case's source words (「转办交办：」, 「（投诉）」) are not glued into it, and each kind has its own wording."""

from types import SimpleNamespace

import pytest

from sanxiang.publicity.notices import notice_subject

PENALTY = "case:1:penalty_general.decide"

# (case's 案由, deciding move, inspection source, the sentence the notice prints)
CASES = [
    # 立案 from a 线索 of each source (cases.models.Source): the 案由 as the officers wrote it
    ("涉嫌销售过期食品", PENALTY, None, "本机关对你（单位）涉嫌销售过期食品一案作出行政处罚决定（株市监罚〔2026〕12号）。"),
    ("涉嫌销售过期食品（投诉）", PENALTY, None, "本机关对你（单位）涉嫌销售过期食品一案作出行政处罚决定（株市监罚〔2026〕12号）。"),
    ("涉嫌销售过期食品（举报）", PENALTY, None, "本机关对你（单位）涉嫌销售过期食品一案作出行政处罚决定（株市监罚〔2026〕12号）。"),
    ("涉嫌销售超过保质期的食品（检查发现）", PENALTY, None,
     "本机关对你（单位）涉嫌销售超过保质期的食品一案作出行政处罚决定（株市监罚〔2026〕12号）。"),
    ("转办交办：涉嫌销售过期食品", PENALTY, None, "本机关对你（单位）涉嫌销售过期食品一案作出行政处罚决定（株市监罚〔2026〕12号）。"),
    ("移送：涉嫌无照经营", PENALTY, None, "本机关对你（单位）涉嫌无照经营一案作出行政处罚决定（株市监罚〔2026〕12号）。"),
    ("交办：涉嫌虚假宣传一案", PENALTY, None, "本机关对你（单位）涉嫌虚假宣传一案作出行政处罚决定（株市监罚〔2026〕12号）。"),
    ("未按规定公示营业执照", "case:1:penalty_simplified.decide_on_site", None,
     "本机关对你（单位）未按规定公示营业执照一案当场作出行政处罚决定（株市监罚〔2026〕12号）。"),
    ("涉嫌销售过期食品（投诉）", "case:1:penalty_general.decide_no_penalty", None,
     "本机关对你（单位）涉嫌销售过期食品一案作出不予行政处罚决定（株市监罚〔2026〕12号）。"),
    # 检查: the inspection's source named once, as words, and its 检查事项
    # a 转办交办 inspection may carry a complainant: its typed cause is never named (s26 defects10h #1, #2)
    ("转办交办：市民王秀英反映销售过期食品", "case:1:inspection_general.record_inspection_result", ("referral", "转办交办"),
     "本机关对你（单位）实施的行政检查（转办交办，检查事项：依法保密的投诉举报事项）作出检查结论（株市监罚〔2026〕12号）。"),
    ("双随机抽查：食品经营者日常监督检查", "case:1:inspection_general.record_inspection_result", ("random", "双随机抽查"),
     "本机关对你（单位）实施的行政检查（双随机抽查，检查事项：食品经营者日常监督检查）作出检查结论（株市监罚〔2026〕12号）。"),
    ("后厨卫生", "case:1:inspection_general.record_inspection_result", ("other", "其他"),
     "本机关对你（单位）实施的行政检查（检查事项：后厨卫生）作出检查结论（株市监罚〔2026〕12号）。"),
    # 许可: what the party applied for
    ("成品油零售经营许可（申请）", "case:1:licence_general.grant", None,
     "本机关对你（单位）申请的成品油零售经营许可作出准予行政许可决定（株市监罚〔2026〕12号）。"),
    ("食品经营许可", "case:1:licence_general.refuse", None,
     "本机关对你（单位）申请的食品经营许可作出不予行政许可决定（株市监罚〔2026〕12号）。"),
    ("食品经营许可", "case:1:licence_general.decide_on_the_spot", None,
     "本机关对你（单位）申请的食品经营许可当场作出准予行政许可决定（株市监罚〔2026〕12号）。"),
    # 强制, 确认, 裁决, 劳动保障监察
    ("涉嫌生产不符合食品安全标准的食品", "measure:3:coercive_measure.approve", None,
     "本机关对你（单位）涉嫌生产不符合食品安全标准的食品一案作出实施行政强制措施决定（株市监罚〔2026〕12号）。"),
    ("工伤认定", "case:1:confirmation_general.make_decision", None,
     "本机关对你（单位）申请的工伤认定作出行政确认决定（株市监罚〔2026〕12号）。"),
    ("未按规定支付加班费（投诉）", "case:1:labour_inspection_general.order_correction", None,
     "本机关对你（单位）未按规定支付加班费一案作出责令改正决定（株市监罚〔2026〕12号）。"),
]


@pytest.mark.parametrize(("cause", "key", "source", "sentence"), CASES)
def test_the_notice_names_each_kind_of_decision_in_chinese(cause, key, source, sentence):
    inspection = None
    if source is not None:
        inspection = SimpleNamespace(source=source[0], get_source_display=lambda: source[1], items=[],
                                     case=SimpleNamespace(source="other"))
    case = SimpleNamespace(cause=cause, inspection=inspection)
    ob = SimpleNamespace(decision_key=key, decision_label="（内部动作名）")
    printed = f"本机关对你（单位）{notice_subject(case, ob)}（株市监罚〔2026〕12号）。"
    assert printed == sentence
    assert "：" not in printed.split("（", 1)[0] and "登记检查结果" not in printed


@pytest.mark.django_db
def test_the_generated_notice_prints_the_sentence():
    from sanxiang.access.actors import JOBS
    from sanxiang.orgs import testing as T
    from sanxiang.publicity.actions import document_text
    from sanxiang.publicity.notices import do_make_publicity_notice
    from sanxiang.publicity.testing import opened

    pub = opened(T.agency(profile_key="zhuzhou-amr")).publication
    case = pub.obligation.case
    case.cause, case.number = "转办交办：涉嫌销售过期食品", "株市监立〔2026〕7号"  # opened() does not save the number
    case.save(update_fields=["cause", "number"])
    doc = do_make_publicity_notice(pub, actor=JOBS, keep_code=True)
    text = document_text(doc)
    assert f"本机关对你（单位）涉嫌销售过期食品一案作出行政处罚决定（{case.number}）。" in text
    assert "一案作出处罚决定" not in text and "转办交办" not in text
