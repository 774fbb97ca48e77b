"""Pydantic validation of files and inputs, explained in Chinese.

Files and inputs are described by pydantic models (strict types, unknown fields forbidden); a
failure is turned into one Chinese sentence naming where it is. Domain checks inside validators
raise `ValueError("<中文>")`, which is shown as written.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, ValidationError

# What each pydantic error type means, for people.
PROBLEMS = {
    "missing": "缺少此项",
    "extra_forbidden": "是未知字段",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数值",
    "bool_type": "应为 true 或 false",
    "string_type": "应为字符串",
    "string_too_short": "不能为空",
    "list_type": "应为列表",
    "too_short": "不能为空列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "literal_error": "取值无效",
    "greater_than_equal": "超出允许范围",
    "less_than_equal": "超出允许范围",
    "greater_than": "超出允许范围",
    "date_type": "应为日期",
    "date_from_datetime_inexact": "应为日期（不含时间）",
}


class StrictModel(BaseModel):
    """A file or input format: exact types, no unknown fields, surrounding spaces removed."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True,
                              populate_by_name=True)


def explain(exc: ValidationError, *, subject: str = "", where: Callable[[tuple], str] | None = None,
            messages: dict[str, str] | None = None) -> str:
    """The first error as one Chinese sentence.

    `messages` maps a location pattern ("year", "holidays.*.name"; "" for the whole input) to the
    sentence for any error there, with `{where}` (the place, as `where(loc)` names it) and
    `{input}`; otherwise the sentence is the place and the problem (`PROBLEMS`). `subject` names
    the whole input ("日历文件") in sentences about it.
    """
    errors = exc.errors(include_url=False)
    error = errors[0]
    loc = tuple(error["loc"])
    pattern = ".".join("*" if isinstance(part, int) else str(part) for part in loc)
    place = (where(loc) if where else ".".join(str(part) for part in loc)) or subject
    if error["type"] == "value_error":  # a domain check's own sentence
        return f"{place}{error['ctx']['error']}"
    if messages and pattern in messages:
        return messages[pattern].format(where=place, input=error.get("input"))
    if error["type"] == "extra_forbidden":
        parent = loc[:-1]
        names = [str(e["loc"][-1]) for e in errors
                 if e["type"] == "extra_forbidden" and tuple(e["loc"][:-1]) == parent]
        owner = (where(parent) if where and parent else ".".join(map(str, parent))) or subject
        return f"{owner}含有未知字段：{'、'.join(sorted(names))}"
    if error["type"] in ("greater_than_equal", "less_than_equal"):
        bound = error["ctx"].get("ge", error["ctx"].get("le"))
        return f"{place}不能{'小' if error['type'] == 'greater_than_equal' else '大'}于 {bound}"
    if error["type"] == "literal_error":
        return f"{place}应为 {error['ctx']['expected'].replace(' or ', ' 或 ')}"
    return f"{place}{PROBLEMS.get(error['type'], '格式错误')}"


def where_in_list(loc: tuple) -> str:
    """第 N 项的 field — places inside a list of tables, for people."""
    parts = [f"第 {part + 1} 项" if isinstance(part, int) else str(part) for part in loc]
    return "的 ".join(parts) + (" " if parts and not isinstance(loc[-1], int) else "")
