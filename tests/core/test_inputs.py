"""The input rules (sanxiang/core/inputs.py): dates, texts, whole numbers and the acting user — each
refusal a 400 `RuleViolation` naming the field in Chinese and by its key, never a silent fallback."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from sanxiang.access.actors import SystemActor
from sanxiang.core import inputs
from sanxiang.core.errors import NotAuthenticated, RuleViolation

TODAY = object()  # stands for timezone.localdate() in the tables


def _expect(result, want):
    assert result == (timezone.localdate() if want is TODAY else want)


@pytest.mark.parametrize("value, empty, want", [
    (dt.date(2026, 3, 2), inputs.TODAY, dt.date(2026, 3, 2)),
    ("2026-03-02", inputs.TODAY, dt.date(2026, 3, 2)),
    (" 2026-03-02 ", None, dt.date(2026, 3, 2)),
    (dt.datetime(2026, 3, 2, 23, 0), inputs.TODAY, dt.date(2026, 3, 2)),
    (None, inputs.TODAY, TODAY),
    ("", inputs.TODAY, TODAY),
    ("  ", inputs.TODAY, TODAY),
    (None, None, None),
    ("", None, None),
])
def test_good_dates(value, empty, want):
    _expect(inputs.day(value, field="on", label="送达日期", empty=empty), want)


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "tomorrow", "02/03/2026", 20260302, 3.5, ["2026-03-02"]])
def test_a_bad_date_is_refused_never_today(value):
    with pytest.raises(RuleViolation) as caught:
        inputs.day(value, field="served_on", label="送达日期")
    assert caught.value.field == "served_on"
    assert caught.value.code == "rule_violation"
    assert caught.value.message.startswith("送达日期“")
    assert "YYYY-MM-DD" in caught.value.message


def test_a_required_date_and_a_future_date_are_refused():
    with pytest.raises(RuleViolation, match="请填写成文日期。") as caught:
        inputs.day("", field="written_on", label="成文日期", empty=inputs.REQUIRED)
    assert caught.value.field == "written_on"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert inputs.day(tomorrow, label="成文日期") == tomorrow  # the future is the caller's choice
    with pytest.raises(RuleViolation, match="成文日期不能晚于今天。"):
        inputs.day(tomorrow.isoformat(), label="成文日期", not_after_today=True)
    assert inputs.day(timezone.localdate(), not_after_today=True) == timezone.localdate()


def test_a_caller_keeps_its_wording():
    with pytest.raises(RuleViolation, match="^受理日期格式不正确（应为 2026-03-02）：x$"):
        inputs.day("x", label="受理日期", invalid="{label}格式不正确（应为 2026-03-02）：{value}")


@pytest.mark.parametrize("value, required, want", [
    ("  甲乙丙  ", True, "甲乙丙"),
    ("a\nb\tc\r\nd", True, "a\nb\tc\r\nd"),
    ("", False, ""),
    (None, False, ""),
    ("x" * 10, True, "x" * 10),
])
def test_good_texts(value, required, want):
    assert inputs.text(value, label="理由", field="reason", max_length=10, required=required) == want


@pytest.mark.parametrize("value, message, code", [
    ("", "请填写理由。", "rule_violation"),
    ("   ", "请填写理由。", "rule_violation"),
    (None, "请填写理由。", "rule_violation"),
    (12, "理由必须是文字。", "rule_violation"),
    (["a"], "理由必须是文字。", "rule_violation"),
    ("x" * 11, "理由过长（最多 10 字）。", "rule_violation"),
    ("a\x00b", "理由含有不可见的控制字符（U+0000），请删去后重新填写。", "control_characters"),
    ("a\x1bb", "理由含有不可见的控制字符（U+001B），请删去后重新填写。", "control_characters"),
])
def test_bad_texts(value, message, code):
    with pytest.raises(RuleViolation) as caught:
        inputs.text(value, label="理由", field="reason", max_length=10)
    assert (caught.value.message, caught.value.field, caught.value.code) == (message, "reason", code)


def test_a_text_caller_keeps_its_wording():
    with pytest.raises(RuleViolation, match="^案由不能为空。$"):
        inputs.text(" ", label="案由", field="cause", max_length=5, empty="{label}不能为空。")
    with pytest.raises(RuleViolation, match="^原因不能超过 5 个字。$"):
        inputs.text("原因原因原因", label="原因", field="reason", max_length=5,
                    too_long="{label}不能超过 {max_length} 个字。")


@pytest.mark.parametrize("value, kwargs, want", [
    (3, {}, 3),
    ("42", {}, 42),
    (" -1 ", {}, -1),
    ("", {"required": False}, None),
    (None, {"required": False}, None),
    ("5", {"minimum": 1, "maximum": 5}, 5),
])
def test_good_integers(value, kwargs, want):
    assert inputs.integer(value, label="份数", field="count", **kwargs) == want


@pytest.mark.parametrize("value, kwargs, message", [
    ("abc", {}, "份数“abc”不是整数。"),
    ("1.5", {}, "份数“1.5”不是整数。"),
    (1.0, {}, "份数“1.0”不是整数。"),
    (True, {}, "份数“True”不是整数。"),
    ("", {}, "请填写份数。"),
    ("0", {"minimum": 1, "maximum": 9}, "份数应在 1 到 9 之间。"),
    ("0", {"minimum": 1}, "份数不能小于 1。"),
    ("10", {"maximum": 9}, "份数不能大于 9。"),
])
def test_bad_integers(value, kwargs, message):
    with pytest.raises(RuleViolation) as caught:
        inputs.integer(value, label="份数", field="count", **kwargs)
    assert (caught.value.message, caught.value.field) == (message, "count")


def test_the_user_of_a_request():
    person = SimpleNamespace(is_authenticated=True, pk=7)
    assert inputs.request_user(SimpleNamespace(user=person)) is person
    with pytest.raises(NotAuthenticated) as caught:
        inputs.request_user(SimpleNamespace(user=SimpleNamespace(is_authenticated=False)))
    assert (caught.value.status, caught.value.code) == (401, "login_required")


def test_the_user_row_behind_an_actor():
    person = SimpleNamespace(is_authenticated=True, pk=7)
    assert inputs.acting_user(person) is person
    assert inputs.acting_user(SystemActor("jobs", "任务")) is None
    assert inputs.acting_user(SimpleNamespace(is_authenticated=False, pk=None)) is None
    assert inputs.acting_user(None) is None
