"""The holiday calendar file (节假日安排文件): one year of a State Council notice, as JSON.

The format (docs/deadlines.md) is the pydantic model `CalendarFile`; `read(data)` validates it and
returns the year's exception days, or raises `CalendarError` with one Chinese sentence.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, ValidationError, model_validator

from sanxiang.lib.validation import StrictModel, explain

from .engine import DeadlineError, parse_date
from .models import CalendarDay

MAX_HOLIDAY_SPAN_DAYS = 30
Name = Annotated[str, Field(min_length=1)]


class CalendarError(DeadlineError):
    """日历数据错误."""


class Holiday(StrictModel):
    """节假日: named days, listed (`dates`) or as a range (`from` … `to`)."""

    name: Name
    dates: Annotated[list[str], Field(min_length=1)] | None = None
    first: str | None = Field(None, alias="from")
    last: str | None = Field(None, alias="to")

    @model_validator(mode="after")
    def dates_or_range(self):
        if self.dates is None and (self.first is None or self.last is None):
            raise ValueError("应给出 dates 列表或 from/to 起止日期")
        return self


class Workday(StrictModel):
    """调休上班日."""

    date: str
    name: Name


class CalendarFile(StrictModel):
    year: Annotated[int, Field(ge=1990, le=2100)]
    source: Name
    official: bool = True
    holidays: Annotated[list[Holiday], Field(min_length=1)]
    workdays: list[Workday] = []


MESSAGES = {
    "": "日历文件应为一个 JSON 对象",
    "year": "年份无效：「{input}」（应为 1990–2100 之间的整数）",
    "source": "缺少来源（source），例如「国办发明电〔2025〕7号」",
    "official": "official 应为 true 或 false",
    "holidays": "缺少节假日列表（holidays）",
    "workdays": "调休上班日（workdays）应为列表",
    "holidays.*": "{where}应为对象",
    "holidays.*.name": "{where}缺少名称（name）",
    "holidays.*.dates": "{where}的 dates 应为非空列表",
    "workdays.*": "{where}应为含 date 和 name 的对象",
    "workdays.*.date": "{where}应为含 date 和 name 的对象",
    "workdays.*.name": "{where}缺少名称（name）",
}


def _where(loc: tuple) -> str:
    """第 N 个节假日 / 第 N 个调休上班日 for anything inside that item."""
    if len(loc) >= 2 and loc[0] in ("holidays", "workdays") and isinstance(loc[1], int):
        return f"第 {loc[1] + 1} 个{'节假日' if loc[0] == 'holidays' else '调休上班日'}"
    return ".".join(str(part) for part in loc)


def read(data) -> tuple[int, str, bool, list[tuple[dt.date, str, str]]]:
    """Validate a year file; return (year, source, official, sorted exception days)."""
    try:
        parsed = CalendarFile.model_validate(data)
    except ValidationError as exc:
        raise CalendarError(explain(exc, subject="日历文件", where=_where, messages=MESSAGES)) from None
    year = parsed.year
    days: dict[dt.date, tuple[str, str]] = {}

    def add(day: dt.date, kind: str, name: str, where: str):
        if day.year != year:
            raise CalendarError(f"{where}的日期 {day} 不在 {year} 年内")
        if day in days:
            if days[day][0] != kind:
                raise CalendarError(f"{day} 同时被列为节假日和调休上班日，互相冲突")
            raise CalendarError(f"{day} 重复出现")
        if kind == CalendarDay.WORKDAY and day.weekday() < 5:
            raise CalendarError(f"调休上班日 {day} 本来就是工作日（周一至周五），请核对通知")
        days[day] = (kind, name)

    def parse(value: str, where: str) -> dt.date:
        try:
            return parse_date(value, "date")
        except DeadlineError:
            raise CalendarError(f"{where}的日期格式错误或日期不存在：「{value}」（应为 YYYY-MM-DD）") from None

    for i, holiday in enumerate(parsed.holidays, 1):
        where = f"第 {i} 个节假日"
        if holiday.dates is not None:
            for value in holiday.dates:
                add(parse(value, where), CalendarDay.HOLIDAY, holiday.name, where)
            continue
        try:
            first, last = parse_date(holiday.first), parse_date(holiday.last)
        except DeadlineError:
            raise CalendarError(f"{where}的起止日期格式错误或日期不存在：「{holiday.first}」至「{holiday.last}」") from None
        if last < first or (last - first).days > MAX_HOLIDAY_SPAN_DAYS:
            raise CalendarError(f"{where}的起止日期无效：{holiday.first} 至 {holiday.last}")
        day = first
        while day <= last:
            add(day, CalendarDay.HOLIDAY, holiday.name, where)
            day += dt.timedelta(days=1)
    for i, workday in enumerate(parsed.workdays, 1):
        where = f"第 {i} 个调休上班日"
        add(parse(workday.date, where), CalendarDay.WORKDAY, workday.name, where)
    return year, parsed.source, parsed.official, sorted((d, k, n) for d, (k, n) in days.items())
