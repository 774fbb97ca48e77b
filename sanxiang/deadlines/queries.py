"""Reads of the calendar and of obligations (时限预警、科室队列、领导督办)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .engine import Calendar, DeadlineError, subtract_workdays
from .models import CalendarDay, CalendarYear, Obligation

DEFAULT_WARNING_LEAD_WORKDAYS = 3
_cache: dict = {"key": None, "calendar": None}


def load_calendar() -> Calendar:
    years = {y.year: y for y in CalendarYear.objects.all()}
    official = frozenset(y for y, row in years.items() if row.official)
    days = {
        day: (kind, name)
        for day, kind, name, year in CalendarDay.objects.values_list(
            "date", "kind", "name", "year__year")
        if year in official
    }
    return Calendar(days=days, official=official,
                    sources={y: row.source for y, row in years.items()})


def get_calendar() -> Calendar:
    """The calendar, loaded once and reloaded only when a year's content changed."""
    key = tuple(CalendarYear.objects.order_by("year").values_list("year", "official", "days_digest"))
    if _cache["key"] != key or _cache["calendar"] is None:
        _cache["calendar"] = load_calendar()
        _cache["key"] = key
    return _cache["calendar"]


def calendar_status(today: dt.date) -> list[dict]:
    rows = []
    for year in CalendarYear.objects.all():
        rows.append({"year": year.year, "official": year.official, "source": year.source,
                     "holidays": year.days.filter(kind=CalendarDay.HOLIDAY).count(),
                     "workdays": year.days.filter(kind=CalendarDay.WORKDAY).count()})
    return rows


def calendar_warnings(today: dt.date | None = None) -> list[str]:
    """Warnings for the administrator's home page (from 1 November: next year missing)."""
    today = today or timezone.localdate()
    official = set(CalendarYear.objects.filter(official=True).values_list("year", flat=True))
    warnings = []
    if today.year not in official:
        warnings.append(f"{today.year} 年的官方节假日安排尚未录入，本年度的时限均为临时结果（仅按周末计算）。")
    if today >= dt.date(today.year, 11, 1) and today.year + 1 not in official:
        warnings.append(
            f"{today.year + 1} 年的官方节假日安排尚未录入：请在国务院办公厅发布通知后用"
            f"「节假日日历」页面（系统管理员）或「sanxiang calendar import 文件」录入，否则跨年的时限将被标为临时。")
    return warnings


# --- profiles ------------------------------------------------------------------------------

def get_profile(key: str):
    """The agency's rule profile (contract of sanxiang.profiles.registry)."""
    try:
        from sanxiang.profiles.registry import get_profile as registry_get
    except ImportError:
        raise DeadlineError("规则配置模块尚不可用，无法读取规则配置", "profile")
    try:
        return registry_get(key)
    except DeadlineError:
        raise
    except Exception:
        raise DeadlineError(f"未知的规则配置「{key}」", "profile")


def profile_value(key: str, name: str, on: dt.date | None = None):
    profile = get_profile(key)
    try:
        return profile.value(name, on=on) if on is not None else profile.value(name)
    except Exception:
        raise DeadlineError(f"规则配置「{key}」中没有「{name}」", "rule")


def profile_period(key: str, rule: str, on: dt.date | None = None) -> tuple[int, str]:
    value = profile_value(key, rule, on)
    if not isinstance(value, dict) or "count" not in value or "unit" not in value:
        raise DeadlineError(f"规则配置「{key}」中的「{rule}」不是期限（应含 count 和 unit）", "rule")
    return value["count"], value["unit"]


def warning_lead(agency: str, on: dt.date) -> int:
    try:
        value = profile_value(agency, "deadlines.warning_lead_workdays", on)
    except DeadlineError:
        return DEFAULT_WARNING_LEAD_WORKDAYS
    return value if isinstance(value, int) and value >= 0 else DEFAULT_WARNING_LEAD_WORKDAYS


# --- obligations ---------------------------------------------------------------------------

YELLOW, RED = "yellow", "red"


def warning_level(obligation: Obligation, today: dt.date, *, lead: int | None = None,
                  calendar: Calendar | None = None) -> str | None:
    """red after the due date, yellow within the warning lead (working days) before it."""
    if obligation.status not in (Obligation.OPEN, Obligation.OVERDUE) or obligation.paused:
        return None
    if today > obligation.due:
        return RED
    if lead is None:
        lead = warning_lead(obligation.agency, today)
    if calendar is None:
        calendar = get_calendar()
    if today >= subtract_workdays(obligation.due, lead, calendar):
        return YELLOW
    return None


def obligation_warnings(agency: str, today: dt.date | None = None) -> list[tuple[Obligation, str]]:
    today = today or timezone.localdate()
    lead = warning_lead(agency, today)
    calendar = get_calendar()
    found = []
    for ob in open_obligations().filter(agency=agency):
        level = warning_level(ob, today, lead=lead, calendar=calendar)
        if level:
            found.append((ob, level))
    return found


def open_obligations():
    return Obligation.objects.filter(
        status__in=[Obligation.OPEN, Obligation.OVERDUE]).prefetch_related("pauses")


def obligations_for_unit(agency: str, unit_name: str):
    """The unit's queue (责任科室待办): open and overdue obligations, earliest due first.

    Seeds route a duty to several units in one phrase (e.g. "各业务科室、市市场监管执法支队"), so a
    unit's queue holds every obligation whose routed unit text names it.
    """
    if not unit_name:
        return Obligation.objects.none()
    return open_obligations().filter(agency=agency, unit_name__contains=unit_name).order_by("due", "id")


def escalated_obligations(agency: str, leader: str, today: dt.date | None = None):
    """Overdue obligations escalated to the responsible leader (责任领导督办)."""
    today = today or timezone.localdate()
    return open_obligations().filter(agency=agency, leader=leader, due__lt=today).order_by("due", "id")


def obligations_for(object_type: str, object_id: str):
    return Obligation.objects.filter(object_type=object_type, object_id=str(object_id))
