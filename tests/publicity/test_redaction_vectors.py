"""脱敏 vectors (issue 10 §4): each detector positive and negative, the known persons first, kept facts.

Each row: the text, the context (PARTY.json data or None), then what the redacted text must be
(exact) — so a row shows both what is masked and what stays verbatim.
"""

import pytest

from sanxiang.publicity.policy import policy_for
from sanxiang.publicity.redaction import Span, masked_name, redact

# The subject is text and profile files, no database: run once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

ID = "430202199001011233"  # valid GB 11643 check digit
ID_X = "11010519491231002X"
ID_BAD = "430202199001011234"  # check digit wrong
USCC = "91430200MA4L0Q0X39"  # valid GB 32100
USCC_IB = "92430202MA4PXY123G"
CARD = "6217001234567890122"  # Luhn-valid, 19 digits
CARD_BAD = "6217001234567890123"
IDR = "［身份证号已隐去］"
TEL = "［电话已隐去］"
CARDR = "［银行卡号已隐去］"
PLATE = "［车牌号已隐去］"
MAIL = "［邮箱已隐去］"
ADDR = "［详细地址已隐去］"

PERSON = {"kind": "person", "organization": None, "persons": [{"role": "party", "name": "张三"}]}
ORG = {"kind": "org", "organization": {"name": "株洲市某某食品有限公司", "uscc": USCC},
       "persons": [{"role": "legal_representative", "name": "李四"}, {"role": "witness", "name": "李四明"}]}
SHOP = {"kind": "individual_business", "organization": {"name": "株洲市荷塘区王五便利店", "uscc": USCC_IB},
        "persons": [{"role": "operator", "name": "王五", "id_number": ID, "phone": "13800138000",
                     "address": "湖南省株洲市荷塘区新华路12号3栋201室"}]}

VECTORS = [
    # ── the persons the case knows: surname kept, given name → 某 ──
    ("names-two-chars", "当事人张三于2026年3月15日经营。", PERSON, "当事人张某于2026年3月15日经营。"),
    ("names-spaced", "当事人张 三到场。", PERSON, "当事人张某到场。"),
    ("names-compound-surname", "证人欧阳娜娜、司马光、诸葛亮到场。",
     {"kind": "person", "persons": [{"role": "witness", "name": n} for n in ("欧阳娜娜", "司马光", "诸葛亮")]},
     "证人欧阳某、司马某、诸葛某到场。"),
    ("names-collide", "举报人王五称，委托代理人王六到场。",
     {"kind": "person", "persons": [{"role": "informant", "name": "王五"}, {"role": "agent", "name": "王六"}]},
     "举报人王某甲称，委托代理人王某乙到场。"),
    ("names-minority", "证人买买提·艾力证实。", {"kind": "person", "persons": [{"role": "witness", "name": "买买提·艾力"}]},
     "证人买某证实。"),
    # defects10 (s22) #4: the separator written differently, or not at all, or a space
    ("names-minority-any-separator", "A买买提.艾力 B买买提•艾力 C买买提・艾力 D买买提艾力 E买买提－艾力 F买买提-艾力 G买买提 艾力 H买买提‧艾力",
     {"kind": "person", "persons": [{"role": "party", "name": "买买提·艾力"}]},
     "A买某 B买某 C买某 D买某 E买某 F买某 G买某 H买某"),
    ("names-minority-context-without-separator", "当事人买买提·艾力到场。",
     {"kind": "person", "persons": [{"role": "party", "name": "买买提艾力"}]}, "当事人买某到场。"),
    ("names-in-evidence-title", "证据：《张三询问笔录》。", PERSON, "证据：《张某询问笔录》。"),
    # ── registered facts stay: organisation, code, legal representative; individual business, operator ──
    ("org-facts-kept", f"当事人：株洲市某某食品有限公司，统一社会信用代码：{USCC}，法定代表人：李四。证人李四明。",
     ORG, f"当事人：株洲市某某食品有限公司，统一社会信用代码：{USCC}，法定代表人：李四。证人李某。"),
    ("shop-facts-kept", f"当事人：株洲市荷塘区王五便利店（{USCC_IB}），经营者王五，身份证号{ID}。",
     SHOP, f"当事人：株洲市荷塘区王五便利店（{USCC_IB}），经营者王五，身份证号{IDR}。"),
    ("same-name-kept-and-masked-is-masked", "法定代表人李四，证人李四。",
     {"kind": "org", "organization": {"name": "某公司"},
      "persons": [{"role": "legal_representative", "name": "李四"}, {"role": "witness", "name": "李四"}]},
     "法定代表人李某，证人李某。"),
    ("operator-not-kept-for-a-person", "经营者王五。", {**SHOP, "kind": "person", "organization": None}, "经营者王某。"),
    # the known person's own data from the context, in any written form, before the detectors
    ("context-phone-spaced", "电话 138 0013 8000 。", SHOP, f"电话 {TEL} 。"),
    ("context-id-wrong-digit", f"号码{ID_BAD}。",
     {"kind": "person", "persons": [{"role": "party", "name": "赵六", "id_number": ID_BAD}]}, f"号码{IDR}。"),
    ("context-address-unlabelled", "其在湖南省株洲市荷塘区新华路12号3栋201室经营。", SHOP, f"其在湖南省株洲市荷塘区{ADDR}经营。"),
    # ── ID numbers ──
    ("id-valid", f"身份证号：{ID}。", None, f"身份证号：{IDR}。"),
    ("id-valid-no-label", f"其号码为{ID_X}。", None, f"其号码为{IDR}。"),
    ("id-valid-no-label-2", f"（{ID}）", None, f"（{IDR}）"),
    ("id-lowercase-x", f"号码{ID_X.lower()}。", None, f"号码{IDR}。"),
    ("id-spaced", "身份证 4302 0219 9001 0112 33。", None, f"身份证 {IDR}。"),
    ("id-fullwidth", "公民身份号码４３０２０２１９９００１０１１２３３。", None, f"公民身份号码{IDR}。"),
    ("id-wrong-digit-next-to-label", f"身份证号码：{ID_BAD}，", None, f"身份证号码：{IDR}，"),
    ("id-15-digit-next-to-label", "身份证号430202900101123。", None, f"身份证号{IDR}。"),
    ("id-wrong-digit-no-label", f"编号{ID_BAD}。", None, f"编号{ID_BAD}。"),
    # ── phones ──
    ("mobile", "手机13800138000。", None, f"手机{TEL}。"),
    ("mobile-dashes", "联系138-0013-8000。", None, f"联系{TEL}。"),
    ("mobile-plus86", "电话+86 139 1234 5678。", None, f"电话{TEL}。"),
    ("mobile-fullwidth", "电话：１３９１２３４５６７８", None, f"电话：{TEL}"),
    ("landline-dash", "电话0731-28888888。", None, f"电话{TEL}。"),
    ("landline-brackets", "电话（0731）2888 8888。", None, f"电话{TEL}。"),
    ("landline-010", "电话010-6512 3456。", None, f"电话{TEL}。"),
    ("landline-plus86", "Tel: +86 731 2888 8888", None, f"Tel: {TEL}"),
    ("local-number-after-label", "联系电话：28888888。", None, f"联系电话：{TEL}。"),
    ("landline-seven-digits", "电话0952-6012345。", None, f"电话{TEL}。"),
    ("landline-fullwidth", "电话（０７３１）２８８８８８８８。", None, f"电话{TEL}。"),
    ("mobile-0086", "电话0086-13912345678。", None, f"电话{TEL}。"),
    ("not-an-area-code", "检验报告编号：0123456789。", None, "检验报告编号：0123456789。"),
    ("landline-020", "电话020 8888 8888。", None, f"电话{TEL}。"),
    ("eight-digits-no-label", "编号28888888。", None, "编号28888888。"),
    # ── bank cards (Luhn) ──
    ("card-luhn", f"转账至{CARD}。", None, f"转账至{CARDR}。"),
    ("card-spaced", "卡 6217 0012 3456 7890 122。", None, f"卡 {CARDR}。"),
    ("card-bad-luhn-no-label", f"流水号{CARD_BAD}。", None, f"流水号{CARD_BAD}。"),
    ("card-bad-luhn-with-label", f"银行卡号：{CARD_BAD}。", None, f"银行卡号：{CARDR}。"),
    # ── plates ──
    ("plate", "驾驶湘B12345号车辆。", None, f"驾驶{PLATE}号车辆。"),
    ("plate-dot", "车牌湘B·12345。", None, f"车牌{PLATE}。"),
    ("plate-new-energy", "新能源车湘BD12345、粤B12345F。", None, f"新能源车{PLATE}、{PLATE}。"),
    ("plate-negative", "湘潭市、湘B区域。", None, "湘潭市、湘B区域。"),
    # ── e-mail ──
    ("email", "邮箱 zhang.san+x@example.com.cn 。", None, f"邮箱 {MAIL} 。"),
    ("email-negative", "见@本局公告。", None, "见@本局公告。"),
    # ── home addresses ──
    ("address-label", "住址：湖南省株洲市荷塘区新华路12号3栋201室，", None, f"住址：湖南省株洲市荷塘区{ADDR}，"),
    ("address-jiazhu", "家住株洲市天元区泰山路88号金山小区5栋。", None, f"家住株洲市天元区{ADDR}。"),
    ("address-xianzhu", "现住乌鲁木齐市新市区北京南路88号。", None, f"现住乌鲁木齐市新市区{ADDR}。"),
    ("address-no-division", "住址：金山小区5栋。", None, f"住址：{ADDR}。"),
    ("address-company-domicile-kept", "住所：株洲市天元区泰山路1号。", ORG, "住所：株洲市天元区泰山路1号。"),
    ("address-person-domicile-masked", "住所：株洲市天元区泰山路1号。", PERSON, f"住所：株洲市天元区{ADDR}。"),
    # finding 10 (defects10): a bare 住, "地址：" of a natural person; the org's registered address stays
    ("address-bare-zhu", "张三，男，住湖南省株洲市荷塘区新华路18号3栋501室。", PERSON, f"张某，男，住湖南省株洲市荷塘区{ADDR}。"),
    ("address-bare-zhu-after-role", "当事人住湖南省株洲市荷塘区新华路18号3栋501室。", None, f"当事人住湖南省株洲市荷塘区{ADDR}。"),
    ("address-bare-zhu-legal-rep-of-org", "法定代表人李四，住株洲市天元区泰山路88号。", ORG, f"法定代表人李四，住株洲市天元区{ADDR}。"),
    ("address-juzhu", "其居住在株洲市荷塘区新华路18号。", None, f"其居住在株洲市荷塘区{ADDR}。"),
    ("address-dizhi-person", "地址：湖南省株洲市荷塘区新华路18号3栋501室", PERSON, f"地址：湖南省株洲市荷塘区{ADDR}"),
    ("address-dizhi-org-kept", "地址：湖南省株洲市荷塘区新华路18号3栋501室", ORG, "地址：湖南省株洲市荷塘区新华路18号3栋501室"),
    ("address-dizhi-without-colon-kept", "按地址湖南省株洲市荷塘区新华路18号送达", ORG, "按地址湖南省株洲市荷塘区新华路18号送达"),
    ("address-zhu-not-an-address", "当事人张三，住在老地方，住了三天。", PERSON, "当事人张某，住在老地方，住了三天。"),
    ("address-zhu-words-kept", "办理住宿登记，住房和城乡建设局，住院治疗。", None, "办理住宿登记，住房和城乡建设局，住院治疗。"),
    ("address-company-zhusuo-org-kept", "住所：株洲市天元区泰山路1号。", ORG, "住所：株洲市天元区泰山路1号。"),
    # QQ numbers and WeChat ids next to their label (通讯方式)
    ("qq-labelled", "QQ：12345678，QQ号 987654321。", None, "QQ：［账号已隐去］，QQ号 ［账号已隐去］。"),
    ("qq-fullwidth", "ＱＱ：１２３４５６７８", None, "ＱＱ：［账号已隐去］"),
    ("wechat-glued", "微信nana_oy88联系。", None, "微信［账号已隐去］联系。"),
    ("wechat-labelled", "微信号：wxid_abc123；WeChat: zhang-san88", None, "微信号：［账号已隐去］；WeChat: ［账号已隐去］"),
    ("wechat-public-account-kept", "关注微信公众号：zzamr123", None, "关注微信公众号：zzamr123"),
    ("qq-group-and-unlabelled-kept", "QQ群123456，编号12345678，abc_def99。", None, "QQ群123456，编号12345678，abc_def99。"),
    ("wechat-mobile-is-a-phone", "微信 13800138000", None, f"微信 {TEL}"),
    # ── kept verbatim: 文号, laws, amounts, dates, USCC; a company phone is masked (documented) ──
    ("doc-number", "株市监罚〔2026〕12号、乌高新市监处字[2025]第0013号", None, "株市监罚〔2026〕12号、乌高新市监处字[2025]第0013号"),
    ("law-article", "依据《中华人民共和国食品安全法》第一百二十四条第一款第三项", None,
     "依据《中华人民共和国食品安全法》第一百二十四条第一款第三项"),
    ("amount", "罚款人民币13800138000元、1,380,013.80元。", None, "罚款人民币13800138000元、1,380,013.80元。"),
    ("date", "2026年3月15日、2026-03-15、2026/3/5。", None, "2026年3月15日、2026-03-15、2026/3/5。"),
    ("uscc-unknown-kept", f"该公司统一社会信用代码{USCC_IB}。", None, f"该公司统一社会信用代码{USCC_IB}。"),
    ("company-phone-masked", "该公司电话0731-22334455。", ORG, f"该公司电话{TEL}。"),
    ("service-number-kept", "投诉举报电话12315。", None, "投诉举报电话12315。"),
]


@pytest.mark.parametrize("text,context,expected", [v[1:] for v in VECTORS], ids=[v[0] for v in VECTORS])
def test_vector(text, context, expected):
    assert redact(text, context, policy_for("national")).text == expected


def test_known_persons_come_before_the_detectors():
    # the operator's ID with a wrong check digit and no label: only the context can find it
    ctx = {"kind": "person", "persons": [{"role": "party", "name": "赵六", "id_number": ID_BAD}]}
    result = redact(f"赵六 {ID_BAD}", ctx, policy_for("national"))
    assert [(s.kind, s.origin) for s in result.spans] == [("person", "context"), ("id_number", "context")]
    assert "案件已知的当事人" in result.spans[1].reason


def test_spans_carry_kind_reason_and_offsets_and_kept_facts():
    text = f"法定代表人李四，身份证号{ID}，罚款5000元。"
    result = redact(text, ORG, policy_for("zhuzhou-amr"))
    (span,) = result.spans
    assert text[span.start:span.end] == ID and span.kind == "id_number" and "校验位正确" in span.reason
    kinds = {k.kind for k in result.kept}
    assert {"registered_person", "amount"} <= kinds
    assert ID not in str(result.as_dict())  # the JSON never carries a masked original


def test_policy_decides_what_is_masked():
    policy = policy_for("national").model_copy(update={"mask": ["id_number"], "keep": ["0731-28888888"]})
    result = redact(f"张三，电话0731-28888888，身份证{ID}", PERSON, policy)
    assert result.text == f"张三，电话0731-28888888，身份证{IDR}"


def test_editor_can_add_and_dismiss_spans_with_reasons():
    result = redact("当事人张三，住在老地方。", PERSON, policy_for("national"))
    added = result.add(Span(8, 11, "address", ADDR, "编辑认为可识别住所", origin="editor"))
    assert added.text == f"当事人张某，住在{ADDR}。"
    dismissed = added.dismiss(3, 5, "当事人同意公开姓名")
    assert dismissed.text == f"当事人张三，住在{ADDR}。"
    assert dismissed.dismissed[0].reason == "当事人同意公开姓名"
    with pytest.raises(ValueError, match="理由"):
        result.dismiss(3, 5, " ")


@pytest.mark.parametrize("name,masked", [("张三", "张某"), ("张三丰", "张某"), ("欧阳娜娜", "欧阳某"), ("司马光", "司马某"),
                                         ("欧阳", "欧某"), ("买买提·艾力", "买某"),
                                         ("买买提・艾力", "买某"), ("买买提．艾力", "买某")])
def test_masked_name(name, masked):
    assert masked_name(name) == masked
