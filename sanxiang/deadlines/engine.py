"""The legal deadline engine (时限计算), per legal-rules.md §0.

Rules: the start day (or hour) is not counted; `workdays` counts working days, where a make-up
weekend day (调休上班) is a working day and a statutory holiday is not; `days` and `months`
periods whose last day is a rest day end on the next working day; months clamp to the month's end.
`hours` are plain elapsed hours and are never rolled over (see docs/deadlines.md).
A computation touching a year without official calendar data uses weekends only for that year
and is flagged provisional.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sanxiang.core.errors import RuleViolation
from sanxiang.lib.periods import UNITS

HOLIDAY = "holiday"
WORKDAY = "workday"
LIMITS = {"hours": 87600, "days": 3650, "workdays": 2000, "months": 120}
WEEKDAYS = "一二三四五六日"
TZ = ZoneInfo("Asia/Shanghai")
# Start dates the engine accepts. With the longest periods (LIMITS) every due date stays far inside
# what Python's dates can hold, so no input ends in an overflow.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)


class DeadlineError(RuleViolation):
    """时限计算错误 — bad input, with a Chinese message and the offending field."""

    code = "invalid_deadline"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, field=field)


@dataclass(frozen=True)
class Calendar:
    """节假日日历 in memory: the exceptions of the official years only."""

    days: dict = field(default_factory=dict)  # date -> (kind, name), official years only
    official: frozenset = frozenset()
    sources: dict = field(default_factory=dict)

    def _entry(self, day: dt.date):
        entry = self.days.get(day)
        return entry if entry is not None and day.year in self.official else None

    def is_working(self, day: dt.date) -> bool:
        entry = self._entry(day)
        if entry is not None:
            return entry[0] == WORKDAY
        return day.weekday() < 5

    def describe_rest(self, day: dt.date) -> str:
        entry = self._entry(day)
        if entry is not None and entry[0] == HOLIDAY:
            return f"{entry[1]}假期"
        return "周末"

    def makeup_name(self, day: dt.date) -> str | None:
        entry = self._entry(day)
        if entry is not None and entry[0] == WORKDAY and day.weekday() >= 5:
            return entry[1]
        return None


WEEKENDS_ONLY = Calendar()


@dataclass
class DeadlineResult:
    """计算结果 — the due date or datetime, provisional flag and explanation."""

    start: dt.date | dt.datetime
    count: int
    unit: str
    due: dt.date | dt.datetime
    provisional: bool
    explanation: list[str]
    missing_years: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "count": self.count,
            "unit": self.unit,
            "due": self.due.isoformat(),
            "provisional": self.provisional,
            "missing_years": self.missing_years,
            "explanation": self.explanation,
        }


def fmt(day: dt.date) -> str:
    return f"{day.isoformat()}（周{WEEKDAYS[day.weekday()]}）"


def parse_date(value, field: str = "start") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DeadlineError(f"日期格式错误或日期不存在：「{text}」（应为 YYYY-MM-DD 的真实日期）", field)


def parse_datetime(value, field: str = "start") -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=TZ)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0, 0), tzinfo=TZ)
    text = str(value or "").strip()
    if len(text) == 10:
        return dt.datetime.combine(parse_date(text, field), dt.time(0, 0), tzinfo=TZ)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise DeadlineError(
            f"时间格式错误或时间不存在：「{text}」（应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）", field)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=TZ)


def parse_count(value, unit: str) -> int:
    if isinstance(value, bool):
        raise DeadlineError("期限数必须是正整数", "count")
    if isinstance(value, int):
        count = value
    else:
        text = str(value if value is not None else "").strip()
        if not text.lstrip("-").isdecimal():
            raise DeadlineError(f"期限数必须是正整数，收到「{text}」", "count")
        count = int(text)
    if count <= 0:
        raise DeadlineError(f"期限数必须大于零，收到 {count}", "count")
    limit = LIMITS[unit]
    if count > limit:
        raise DeadlineError(f"期限数过大：{count}{UNITS[unit]}，最多 {limit}{UNITS[unit]}", "count")
    return count


def check_range(day: dt.date, field: str = "start") -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise DeadlineError(
            f"起算日 {day.isoformat()} 超出可计算的范围（{EARLIEST.isoformat()} 至 {LATEST.isoformat()}）",
            field)
    return day


def check_unit(unit) -> str:
    if unit not in UNITS:
        raise DeadlineError(
            f"未知的期限单位「{unit}」，应为 hours（小时）、days（日）、workdays（工作日）或 months（月）",
            "unit")
    return unit


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _paused_set(pauses) -> frozenset:
    days = set()
    for begin, end in pauses or ():
        d = begin
        while d < end:
            days.add(d)
            d += dt.timedelta(days=1)
    return frozenset(days)


class _Skips:
    """Groups consecutive skipped days with the same reason into one explanation line."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.run = None  # [first, last, reason]

    def add(self, day: dt.date, reason: str):
        if self.run and self.run[2] == reason and self.run[1] + dt.timedelta(days=1) == day:
            self.run[1] = day
            return
        self.flush()
        self.run = [day, day, reason]

    def flush(self):
        if self.run:
            first, last, reason = self.run
            span = fmt(first) if first == last else f"{fmt(first)} 至 {fmt(last)}"
            self.lines.append(f"{span}：{reason}，不计入")
            self.run = None


def compute_due(start, count, unit, *, calendar: Calendar | None = None, pauses=()) -> DeadlineResult:
    """Compute a legal deadline. `pauses` are (first_paused_day, resume_day) pairs: the days in
    [first, resume) do not count (中止、听证、检测鉴定… 期间不计入)."""
    unit = check_unit(unit)
    count = parse_count(count, unit)
    if unit == "hours":
        start = parse_datetime(start)
        check_range(start.date())
        return _compute_hours(start, count, pauses)
    start = check_range(parse_date(start))
    if calendar is None:
        from sanxiang.deadlines.queries import get_calendar
        calendar = get_calendar()
    paused = _paused_set(pauses)
    lines = [f"起算日：{fmt(start)}，起算当日不计入", f"期限：{count}{UNITS[unit]}"]
    skips = _Skips(lines)
    if unit == "workdays":
        d, counted = start, 0
        while counted < count:
            d += dt.timedelta(days=1)
            if d in paused:
                skips.add(d, "中止（暂停计时）期间")
            elif calendar.is_working(d):
                counted += 1
                makeup = calendar.makeup_name(d)
                if makeup:
                    skips.flush()
                    lines.append(f"{fmt(d)}：调休上班日（{makeup}），计为第 {counted} 个工作日")
            else:
                skips.add(d, calendar.describe_rest(d))
        skips.flush()
        due = d
    else:
        if unit == "days":
            if paused:
                d, counted = start, 0
                while counted < count:
                    d += dt.timedelta(days=1)
                    if d in paused:
                        skips.add(d, "中止（暂停计时）期间")
                    else:
                        counted += 1
                skips.flush()
            else:
                d = start + dt.timedelta(days=count)
            lines.append(f"按自然日计算，第 {count} 日为 {fmt(d)}")
        else:
            d = add_months(start, count)
            if d.day != start.day:
                lines.append(f"{count} 个月后无对应日，取该月末日 {fmt(d)}")
            else:
                lines.append(f"{count} 个月后的对应日为 {fmt(d)}")
            if paused:
                base, extra = d, -1
                while True:
                    n = sum(1 for p in paused if start < p <= d)
                    if n == extra:
                        break
                    extra, d = n, base + dt.timedelta(days=n)
                if extra:
                    lines.append(f"扣除中止（暂停计时）期间 {extra} 日，顺延至 {fmt(d)}")
        makeup = calendar.makeup_name(d)
        if makeup:
            lines.append(f"{fmt(d)} 为调休上班日（{makeup}），属工作日，不顺延")
        elif not calendar.is_working(d):
            last = d
            while not calendar.is_working(d):
                skips.add(d, calendar.describe_rest(d))
                d += dt.timedelta(days=1)
            skips.flush()
            lines.append(f"期限末日 {fmt(last)} 为休息日，顺延至下一个工作日 {fmt(d)}")
        due = d
    missing = [y for y in range(start.year, due.year + 1) if y not in calendar.official]
    if missing:
        years = "、".join(str(y) for y in missing)
        lines.append(f"{years} 年尚无官方节假日安排，该年仅按周末计算：本结果为临时结果（缺少官方日历）")
    lines.append(f"到期日：{fmt(due)}")
    return DeadlineResult(start, count, unit, due, bool(missing), lines, missing)


def _compute_hours(start: dt.datetime, count: int, pauses) -> DeadlineResult:
    paused_hours = 0
    for begin, end in pauses or ():
        paused_hours += (end - begin).days * 24
    due = start + dt.timedelta(hours=count + paused_hours)
    local = due.astimezone(TZ)
    lines = [
        f"起算时间：{start.astimezone(TZ):%Y-%m-%d %H:%M}，起算的小时不计入",
        f"期限：{count} 小时，按连续的自然小时计算，不扣除休息日，也不顺延",
    ]
    if paused_hours:
        lines.append(f"扣除中止（暂停计时）期间 {paused_hours} 小时")
    lines.append(f"到期时间：{local:%Y-%m-%d %H:%M}（北京时间）")
    return DeadlineResult(start, count, "hours", local, False, lines, [])


def working_days_between(start: dt.date, end: dt.date, calendar: Calendar) -> int:
    """Number of working days in (start, end]."""
    n, d = 0, start
    while d < end:
        d += dt.timedelta(days=1)
        if calendar.is_working(d):
            n += 1
    return n


def subtract_workdays(day: dt.date, count: int, calendar: Calendar) -> dt.date:
    d, counted = day, 0
    while counted < count:
        d -= dt.timedelta(days=1)
        if calendar.is_working(d):
            counted += 1
    return d
