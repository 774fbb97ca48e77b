"""暂缓公开's until-date (finding 11 of defects10, decision 0073): the day the publication is deferred
to is a deadline like any other, so it may not be in the past nor on a rest day.

Chosen: **refuse** and name the working day to take (not move it silently): the approver approves a
date, and the date they approved is the one recorded; the message says which working day follows
(or which is the next working day after today) so the editor can pick it. A year without an
official holiday calendar is checked on weekends only, and the message says the check is
provisional (临时：缺少该年官方节假日日历).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.core.errors import RuleViolation

MAX_DEFERRAL = dt.timedelta(days=366)


def next_working_day(day: dt.date, calendar) -> dt.date:
    while not calendar.is_working(day):
        day += dt.timedelta(days=1)
    return day


def check_until(until: dt.date, due: dt.date, *, today: dt.date | None = None, calendar=None) -> dt.date:
    """The until-date of a 暂缓公开, or RuleViolation (field `until`) naming the fault and the day to take."""
    from sanxiang.deadlines.queries import get_calendar

    today = today or timezone.localdate()
    calendar = calendar or get_calendar()
    if until < today:
        first = next_working_day(max(today, due + dt.timedelta(days=1)), calendar)
        raise RuleViolation(f"暂缓至的日期（{until:%Y-%m-%d}）已经过去，最早可暂缓至{first:%Y-%m-%d}。", field="until")
    if until <= due:
        first = next_working_day(due + dt.timedelta(days=1), calendar)
        raise RuleViolation(f"暂缓至的日期应晚于现在的公示期限（{due:%Y-%m-%d}），最早为{first:%Y-%m-%d}。",
                            field="until")
    if until > due + MAX_DEFERRAL:
        raise RuleViolation("暂缓公开一次最长一年，期满再行决定。", field="until")
    if not calendar.is_working(until):
        moved = next_working_day(until, calendar)
        note = "" if until.year in calendar.official else "（该年尚无官方节假日日历，仅按周末判断，为临时结果）"
        raise RuleViolation(f"暂缓至的日期{until:%Y-%m-%d}为休息日（{calendar.describe_rest(until)}）{note}，"
                            f"请改为工作日，例如其后的第一个工作日{moved:%Y-%m-%d}。", field="until")
    return until
