"""The profile values a case reads (never constants in code) and small date helpers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sanxiang.core import inputs
from sanxiang.core.errors import RuleViolation
from sanxiang.deadlines.engine import DeadlineError
from sanxiang.deadlines.queries import profile_key_of, profile_period, profile_value

# Kinds of the deadlines (时限) a case opens; the names people see on the workbench.
VERIFICATION = "案源核查期限"
TIME_LIMIT = "办案期限"
STATEMENT = "陈述申辩期"
HEARING_REQUEST = "听证申请期"
SERVICE = "决定书送达期限"
PAYMENT = "罚款缴纳期限"
CLOSING = "结案期限"
MATERIALS = "简易程序材料交回期限"
RECONSIDERATION_WINDOW = "申请行政复议期限"
LITIGATION_WINDOW = "提起行政诉讼期限"
ONSITE_HANDIN = "当场收缴罚款交回期限"
# Deadlines that must be met (or lawfully waived) before a case may close.
MANDATORY = (TIME_LIMIT, SERVICE, PAYMENT, MATERIALS, ONSITE_HANDIN)
# Periods the party holds (当事人的期间): once passed they are 已届满, never the agency's lateness.
PARTY_PERIODS = frozenset({STATEMENT, HEARING_REQUEST, PAYMENT, RECONSIDERATION_WINDOW, LITIGATION_WINDOW})


def bearer(kind: str) -> str:
    """Who holds a deadline of `kind`: "party" for the party's periods, else "agency"."""
    return "party" if kind in PARTY_PERIODS else "agency"


def value(case, name: str, on: dt.date | None = None):
    try:
        return profile_value(profile_key_of(case.agency), name, on)
    except DeadlineError as exc:
        raise RuleViolation(f"{case.agency.name}的规则配置缺少“{name}”：{exc.message}", code="profile_value") from None


def period(case, name: str, on: dt.date | None = None) -> tuple[int, str] | None:
    """A period `(count, unit)` of the agency's profile, or None where the profile says there is none."""
    if value(case, name, on) is None:
        return None
    return profile_period(profile_key_of(case.agency), name, on)


def party_kind(case) -> str:
    """The amounts key of the case's parties: "person" if any is a person or an individual
    business (their thresholds are the lower ones), else "org"."""
    kinds = {cp.party.kind for cp in case.case_parties.select_related("party")}
    return "org" if kinds == {"org"} else "person"


def amount(case, name: str, on: dt.date | None = None) -> Decimal:
    amounts = value(case, name, on)
    return Decimal(str(amounts[party_kind(case)]))


def as_date(value_, field: str = "on", *, empty=inputs.TODAY) -> dt.date | None:
    """A date input (a date, an ISO string, or nothing for today — or None when `empty=None`); a future
    date is refused."""
    return inputs.day(value_, field=field, empty=empty, not_after_today=True,
                      future="日期 {value:%Y-%m-%d} 晚于今天，不能预先登记。")


def as_amount(value_, field: str) -> Decimal | None:
    if value_ in (None, ""):
        return None
    try:
        number = Decimal(str(value_))
    except ArithmeticError:
        raise RuleViolation(f"金额“{value_}”无效。", field=field) from None
    if not number.is_finite() or number < 0:
        raise RuleViolation(f"金额“{value_}”无效：应为不小于 0、最多两位小数的数字。", field=field)
    if number >= Decimal("1e12"):  # checked first: quantizing 1e400 overflows the decimal context
        raise RuleViolation(f"金额“{value_}”过大。", field=field)
    if number != number.quantize(Decimal("0.01")):
        raise RuleViolation(f"金额“{value_}”无效：应为不小于 0、最多两位小数的数字。", field=field)
    return number
