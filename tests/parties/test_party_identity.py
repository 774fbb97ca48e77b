"""公民身份号码 (GB 11643) and 统一社会信用代码 (GB 32100): each fault gets its own Chinese message."""

import datetime as dt

import pytest

from sanxiang.core.errors import RuleViolation
from sanxiang.parties.identity import check_credit_code, check_id_number, check_named_person, mask_id_number

# No database here (pure functions, files, profile data): the SQLite pass runs it once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("typed, stored", [
    ("11010519491231002X", "11010519491231002X"),
    ("11010519491231002x", "11010519491231002X"),          # lower-case x
    (" 110105 19491231 002X ", "11010519491231002X"),      # spaces, also between groups
    ("650104198703152317", "650104198703152317"),          # 新市区 (code since 1983)
    ("650104197501010017", "650104197501010017"),          # born before the district's code: still valid
    ("440301200002291210", "440301200002291210"),          # 29 February of a leap year
    ("810000199001011214", "810000199001011214"),          # 港澳居民居住证
])
def test_valid_id_numbers_are_normalised(typed, stored):
    assert check_id_number(typed, today=TODAY) == stored


@pytest.mark.parametrize("typed, message", [
    ("", "公民身份号码不能为空。"),
    ("11010519491231002", "公民身份号码长度错误：应为18位，现为17位。"),
    ("110105194912310021X", "公民身份号码长度错误：应为18位，现为19位。"),
    ("110105194912310O2X", "公民身份号码格式错误：前17位应为数字，最后一位为数字或X。"),
    ("11010519491231002Y", "公民身份号码格式错误：前17位应为数字，最后一位为数字或X。"),
    ("110105194902300020", "公民身份号码出生日期不存在：1949年02月30日。"),
    ("110105190002290025", "公民身份号码出生日期不存在：1900年02月29日。"),
    ("11010520300101001X", "公民身份号码出生日期不合理：2030年01月01日。"),
    ("110105194912310021", "公民身份号码校验位错误：请逐位核对号码是否抄错。"),
    ("110105194912130020", "公民身份号码校验位错误：请逐位核对号码是否抄错。"),  # two digits swapped
    ("999999199001011238", "公民身份号码地址码不存在：前6位“999999”不是行政区划代码。"),
])
def test_each_fault_of_an_id_number_is_named(typed, message):
    with pytest.raises(RuleViolation) as refused:
        check_id_number(typed, today=TODAY)
    assert refused.value.message == message
    assert refused.value.field == "id_number"


def test_the_message_names_the_field_it_is_about():
    with pytest.raises(RuleViolation) as refused:
        check_id_number("110105194912310021", field="operator_id", label="经营者公民身份号码", today=TODAY)
    assert refused.value.message.startswith("经营者公民身份号码校验位错误")
    assert refused.value.field == "operator_id"


@pytest.mark.parametrize("typed, stored", [
    ("91110000600037341L", "91110000600037341L"),
    ("91110000600037341l", "91110000600037341L"),
    ("9111 0000 6000 3734 1L", "91110000600037341L"),
    ("92650104MA78D1Q57E", "92650104MA78D1Q57E"),          # 个体工商户
    ("N2440101MA59CK8A3J", "N2440101MA59CK8A3J"),          # 农业部门 registered (stdnum alone refuses N…)
])
def test_valid_credit_codes_are_normalised(typed, stored):
    assert check_credit_code(typed) == stored


@pytest.mark.parametrize("typed, message", [
    ("", "统一社会信用代码不能为空。"),
    ("91110000600037341", "统一社会信用代码长度错误：应为18位，现为17位。"),
    ("91110000600037341LL", "统一社会信用代码长度错误：应为18位，现为19位。"),
    ("9111000060003734IL", "统一社会信用代码格式错误：由数字和大写字母组成（不使用I、O、Z、S、V），第3至8位为行政区划代码。"),
    ("911A0000600037341L", "统一社会信用代码格式错误：由数字和大写字母组成（不使用I、O、Z、S、V），第3至8位为行政区划代码。"),
    ("B1110000600037341L", "统一社会信用代码格式错误：由数字和大写字母组成（不使用I、O、Z、S、V），第3至8位为行政区划代码。"),
    ("91110000600037341M", "统一社会信用代码校验位错误：请逐位核对代码是否抄错。"),
    ("91110000600073341L", "统一社会信用代码校验位错误：请逐位核对代码是否抄错。"),  # two characters swapped
])
def test_each_fault_of_a_credit_code_is_named(typed, message):
    with pytest.raises(RuleViolation) as refused:
        check_credit_code(typed)
    assert refused.value.message == message
    assert refused.value.field == "credit_code"


def test_a_named_person_may_come_without_a_number_but_not_with_a_wrong_one():
    assert check_named_person("  李  四 ", "") == ("李 四", "")
    assert check_named_person("王五", "11010519491231002x") == ("王五", "11010519491231002X")
    with pytest.raises(RuleViolation) as refused:
        check_named_person("王五", "110105194912310021", field_prefix="agent_", label="委托代理人")
    assert refused.value.message.startswith("委托代理人公民身份号码校验位错误") and refused.value.field == "agent_id_number"
    with pytest.raises(RuleViolation) as refused:
        check_named_person(" ", "", label="证人")
    assert refused.value.message == "证人姓名不能为空。"


@pytest.mark.parametrize("number, shown", [
    ("11010519491231002X", "110105********002X"),
    ("C4791035", "C4******"),
    ("", ""),
])
def test_masking_keeps_the_region_and_the_last_four(number, shown):
    assert mask_id_number(number) == shown
