"""Identity numbers of parties (证件号码): 公民身份号码 (GB 11643) and 统一社会信用代码 (GB 32100).

Checked with python-stdnum (decision 0017), each failure worded for the person typing the number:
which field, and what is wrong with it (长度错误, 校验位错误, 出生日期不存在 …). Also used by other
apps for "a named natural person with an optional ID number" (agents, witnesses, interpreters):
`check_id_number(value, field=…, label=…)` and `check_named_person(name, id_number)`.
"""

import datetime as dt
import re

from django.utils import timezone
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from sanxiang.core.errors import RuleViolation

_SPACES = re.compile(r"[\s\-\u3000]+")
# GB 32100: the registering authority (1–9, A, N, Y), then the entity type, then a six-digit
# division code. stdnum wants eight digits, which would refuse 农业 (N…) and 其他 (Y…) codes.
_USCC = re.compile(r"[1-9ANY][0-9A-HJ-NP-RTUWXY][0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}")
# 个体工商户: registered by market regulation (9), entity type 2.
INDIVIDUAL_BUSINESS_PREFIX = "92"


def normalise(value) -> str:
    """Strip spaces (also full-width) and dashes, upper-case (a trailing x becomes X)."""
    return _SPACES.sub("", str(value or "")).upper()


def check_id_number(value, *, field="id_number", label="公民身份号码", today=None) -> str:
    """The normalised 18-digit 公民身份号码, or `RuleViolation` naming `label` and the fault."""
    number = normalise(value)
    if not number:
        raise RuleViolation(f"{label}不能为空。", field=field)
    if len(number) != 18:
        raise RuleViolation(f"{label}长度错误：应为18位，现为{len(number)}位。", field=field)
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise RuleViolation(f"{label}格式错误：前17位应为数字，最后一位为数字或X。", field=field)
    try:
        born = ric.get_birth_date(number)
    except StdnumError:
        raise RuleViolation(f"{label}出生日期不存在：{number[6:10]}年{number[10:12]}月{number[12:14]}日。",
                            field=field) from None
    if born > (today or timezone.localdate()) or born < dt.date(1880, 1, 1):
        raise RuleViolation(f"{label}出生日期不合理：{born:%Y年%m月%d日}。", field=field)
    if number[17] != ric.calc_check_digit(number):
        raise RuleViolation(f"{label}校验位错误：请逐位核对号码是否抄错。", field=field)
    if not known_division(number[:6]):
        raise RuleViolation(f"{label}地址码不存在：前6位“{number[:6]}”不是行政区划代码。", field=field)
    return number


def known_division(code: str) -> bool:
    """A county-level code that exists or once existed (stdnum's table of GB/T 2260 codes).

    Not "existed in the birth year", as `ric.get_birth_place` asks: the code is that of the place
    of registration when the number was first issued (from 1984), so a person born in 1975 in a
    district created in 1983 carries its code. 830000 is the 台湾居民居住证 prefix.
    """
    from stdnum import numdb

    if code == TAIWAN_RESIDENCE_PREFIX:
        return True
    return any("county" in props for _, props in numdb.get("cn/loc").info(code))


TAIWAN_RESIDENCE_PREFIX = "830000"


def check_credit_code(value, *, field="credit_code", label="统一社会信用代码") -> str:
    """The normalised 18-character 统一社会信用代码, or `RuleViolation` naming the fault."""
    code = normalise(value)
    if not code:
        raise RuleViolation(f"{label}不能为空。", field=field)
    if len(code) != 18:
        raise RuleViolation(f"{label}长度错误：应为18位，现为{len(code)}位。", field=field)
    if not _USCC.fullmatch(code):
        raise RuleViolation(f"{label}格式错误：由数字和大写字母组成（不使用I、O、Z、S、V），第3至8位为行政区划代码。",
                            field=field)
    if code[17] != uscc.calc_check_digit(code):
        raise RuleViolation(f"{label}校验位错误：请逐位核对代码是否抄错。", field=field)
    return code


def check_named_person(name, id_number="", *, field_prefix="", label="") -> tuple[str, str]:
    """(name, id_number) of a named natural person with an optional 公民身份号码 (agent, witness …)."""
    name = " ".join(str(name or "").split())
    if not name:
        raise RuleViolation(f"{label}姓名不能为空。", field=f"{field_prefix}name")
    number = normalise(id_number)
    if number:
        number = check_id_number(number, field=f"{field_prefix}id_number", label=f"{label}公民身份号码")
    return name, number


def mask_id_number(number: str) -> str:
    """110101********1234: the first six and last four characters of a long number."""
    number = number or ""
    if len(number) <= 10:
        return number[:2] + "*" * max(len(number) - 2, 0) if number else ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
