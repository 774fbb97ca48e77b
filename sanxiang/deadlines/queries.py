"""Reads of the calendar and of obligations (时限预警、科室队列、领导督办)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, models
from django.utils import timezone

from sanxiang.access.policy import restrict

from .engine import Calendar, DeadlineError, subtract_workdays
from .models import CalendarDay, CalendarYear, Obligation

DEFAULT_WARNING_LEAD_WORKDAYS = 3
_cache: dict = {"key": None, "calendar": None}
_CALENDAR_KEY_SQL = 'SELECT "year", "official", "days_digest" FROM {} ORDER BY "year"'.format(
    CalendarYear._meta.db_table)


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
    # Raw: asked before every deadline computed, and the ORM's compiling cost more than the query.
    with connection.cursor() as cursor:
        cursor.execute(_CALENDAR_KEY_SQL)
        key = tuple(tuple(row) for row in cursor.fetchall())
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


CALENDAR_ACTIONS = {
    "operator": "请在国务院办公厅发布通知后用「sanxiang calendar import 文件」录入",
    "sysadmin": "请在国务院办公厅发布通知后在「节假日日历」页面录入",
    "staff": "请联系系统管理员录入",
}


def calendar_warnings(today: dt.date | None = None, *, audience: str = "operator") -> list[str]:
    """Warnings about missing official years (from 1 November: next year missing).

    `audience` says what the reader can do about it: the CLI operator and the system administrator
    can import the year, everyone else can only ask the system administrator.
    """
    today = today or timezone.localdate()
    official = set(CalendarYear.objects.filter(official=True).values_list("year", flat=True))
    warnings = []
    if today.year not in official:
        warnings.append(f"{today.year} 年的官方节假日安排尚未录入，本年度的时限均为临时结果（仅按周末计算）。"
                        f"{CALENDAR_ACTIONS[audience]}。")
    if today >= dt.date(today.year, 11, 1) and today.year + 1 not in official:
        warnings.append(
            f"{today.year + 1} 年的官方节假日安排尚未录入，跨年的时限将被标为临时：{CALENDAR_ACTIONS[audience]}。")
    return warnings


def calendar_audience(user) -> str:
    return "sysadmin" if getattr(user, "is_superuser", False) else "staff"


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


def profile_key_of(agency) -> str:
    """The profile an agency's deadlines follow: the one assigned to it, else the national one."""
    from sanxiang.profiles.registry import NATIONAL

    return agency.profile_key or NATIONAL


def warning_lead(profile: str, on: dt.date) -> int:
    try:
        value = profile_value(profile, "deadlines.warning_lead_workdays", on)
    except DeadlineError:
        return DEFAULT_WARNING_LEAD_WORKDAYS
    return value if isinstance(value, int) and value >= 0 else DEFAULT_WARNING_LEAD_WORKDAYS


# --- obligations ---------------------------------------------------------------------------

YELLOW, RED = "yellow", "red"
EXPIRED = "expired"  # a party's period that has passed (已届满): shown, never counted as lateness


def _party_level(obligation: Obligation, today: dt.date) -> str | None:
    if obligation.status == Obligation.EXPIRED:
        return EXPIRED
    if obligation.status == Obligation.OPEN and not obligation.paused and today > obligation.due:
        return EXPIRED
    return None


def warning_level(obligation: Obligation, today: dt.date, *, lead: int | None = None,
                  calendar: Calendar | None = None) -> str | None:
    """red after the due date, yellow within the warning lead (working days) before it — for the
    agency's deadlines only; a party's period is "expired" once passed, else None."""
    if obligation.bearer == Obligation.PARTY:
        return _party_level(obligation, today)
    if obligation.status not in (Obligation.OPEN, Obligation.OVERDUE) or obligation.paused:
        return None
    if today > obligation.due:
        return RED
    if lead is None:
        lead = warning_lead(profile_key_of(obligation.agency), today)
    if calendar is None:
        calendar = get_calendar()
    if today >= subtract_workdays(obligation.due, lead, calendar):
        return YELLOW
    return None


def obligation_warnings(agency, today: dt.date | None = None) -> list[tuple[Obligation, str]]:
    """Red and yellow warnings of one agency's open obligations (the agency's own, not the party's)."""
    today = today or timezone.localdate()
    lead = warning_lead(profile_key_of(agency), today)
    calendar = get_calendar()
    found = []
    for ob in open_obligations().filter(agency=agency, bearer=Obligation.AGENCY):
        level = warning_level(ob, today, lead=lead, calendar=calendar)
        if level:
            found.append((ob, level))
    return found


def open_obligations():
    return Obligation.objects.filter(
        status__in=[Obligation.OPEN, Obligation.OVERDUE]
    ).select_related("agency").prefetch_related("pauses", "responsible_units")


def _routed_to(unit_ids) -> models.Q:
    through = Obligation.responsible_units.through
    return models.Q(pk__in=through.objects.filter(unit_id__in=unit_ids).values("obligation_id"))


def obligations_for_unit(unit):
    """The unit's queue (责任科室待办): open and overdue obligations routed to it, earliest due first."""
    return open_obligations().filter(_routed_to([unit.pk])).order_by("due", "id")


def escalated_obligations(agency, leader: str, today: dt.date | None = None):
    """Overdue obligations escalated to the responsible leader (责任领导督办); a party's period never is."""
    today = today or timezone.localdate()
    return (open_obligations().filter(agency=agency, leader=leader, due__lt=today, bearer=Obligation.AGENCY)
            .order_by("due", "id"))


def obligations_for(object_type: str, object_id: str):
    return Obligation.objects.filter(object_type=object_type, object_id=str(object_id))


# --- what a user sees on the workbench ---------------------------------------------------------

def _roles_of(user):
    from sanxiang.orgs.querysets import current_roles

    return list(current_roles(user).select_related("agency", "unit"))


def oversight_scope(user) -> dict:
    """Which obligations reach the user, by role (before the access module's per-object filter).

    units:      ids of the units the user holds a role in — the unit's queue
                (责任科室待办) reaches its head and its officers, reviewers, archivists and editors;
    overseen:   agencies whose warnings reach the user as their leader or administrator (督办);
    supervised: agencies the user's supervisory body oversees (执法监督);
    everything: the system administrator sees every agency's warnings.
    """
    from sanxiang.orgs.models import Agency, Role

    scope = {"units": [], "overseen": [], "supervised": [], "everything": bool(user.is_superuser)}
    supervising = []
    for role in _roles_of(user):
        if role.role in (Role.ADVISER, Role.SUPERVISOR):
            if role.role == Role.SUPERVISOR:
                supervising.append(role.agency_id)
            continue
        if role.unit_id:
            scope["units"].append(role.unit_id)
        if role.role in (Role.ADMINISTRATOR, Role.AGENCY_LEADER):
            scope["overseen"].append(role.agency.code)
    if supervising:
        scope["supervised"] = sorted(set(Agency.objects.filter(supervised_by__in=supervising)
                                         .values_list("code", flat=True)))
    return scope


class Levels:
    """Warning levels of many obligations with one calendar load and one lead per agency."""

    def __init__(self, today: dt.date):
        self.today = today
        self.calendar = None
        self.leads: dict[str, int] = {}  # by agency code

    def __call__(self, ob: Obligation) -> str | None:
        if ob.bearer == Obligation.PARTY:
            return _party_level(ob, self.today)
        if ob.status not in (Obligation.OPEN, Obligation.OVERDUE) or ob.paused:
            return None
        if self.today > ob.due:
            return RED
        if self.calendar is None:
            self.calendar = get_calendar()
        if ob.agency_id not in self.leads:
            self.leads[ob.agency_id] = warning_lead(profile_key_of(ob.agency), self.today)
        return warning_level(ob, self.today, lead=self.leads[ob.agency_id], calendar=self.calendar)


def workbench_obligations(user, today: dt.date | None = None) -> dict:
    """The open obligations on the user's workbench, in a constant number of queries.

    Returns {"queue", "overdue", "due_soon", "supervised": rows, "scope": oversight_scope(user)}; a row is
    {"ob", "level", "agency_name"}: the queue is every open obligation routed to one of the user's
    units; overdue/due_soon are the red/yellow warnings of the agencies they lead or administer
    (every agency for the system administrator); supervised are the red/yellow warnings of the
    agencies their body supervises.
    """
    today = today or timezone.localdate()
    scope = oversight_scope(user)
    result = {"queue": [], "overdue": [], "due_soon": [], "supervised": [], "scope": scope}
    reach = models.Q(pk__in=[])  # the OR of what reaches the user; an empty Q() would mean "all"
    if scope["units"]:
        reach |= _routed_to(scope["units"])
    wide = set(scope["overseen"]) | set(scope["supervised"])
    if wide:
        reach |= models.Q(agency__in=wide)
    if not scope["units"] and not wide and not scope["everything"]:
        return result
    obligations = open_obligations() if scope["everything"] else open_obligations().filter(reach)
    # Whatever the routing says, only obligations the access policy lets the user read.
    rows = list(restrict(obligations, user).order_by("due", "id"))
    level_of = Levels(today)
    my_units = set(scope["units"])
    for ob in rows:
        row = {"ob": ob, "level": level_of(ob), "agency_name": ob.agency.name}
        if my_units.intersection(u.pk for u in ob.responsible_units.all()):
            result["queue"].append(row)
        if row["level"] not in (RED, YELLOW):
            continue
        if scope["everything"] or ob.agency_id in scope["overseen"]:
            result["overdue" if row["level"] == RED else "due_soon"].append(row)
        elif ob.agency_id in scope["supervised"]:
            result["supervised"].append(row)
    return result
