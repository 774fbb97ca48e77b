"""Every write of the calendar and of obligations, each with its ledger entry."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from sanxiang.access.policy import is_system
from sanxiang.core.errors import RuleViolation
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.workflow import apply_consequence, refusals

from . import calendar_file
from .calendar_file import CalendarError
from .engine import DeadlineError, DeadlineResult, check_unit, compute_due, parse_count, parse_date
from .models import CalendarDay, CalendarYear, Obligation, ObligationExtension, ObligationPause, days_digest
from .queries import get_calendar, profile_key_of, profile_period, profile_value
from .workflows import OBLIGATION

register_actions({
    "set_calendar_year": "录入节假日安排",
    "open_obligation": "开始计时",
    "pause_obligation": "中止计时",
    "resume_obligation": "恢复计时",
    "extend_obligation": "延长期限",
    "meet_obligation": "按期履行",
    "waive_obligation": "免除时限",
    "mark_overdue_obligation": "标记超期",
    "recompute_obligation": "重新计算期限",
    "backfill_obligation_bearer": "补记期限承担方",  # backfill.py: periods opened before the bearer existed
    "reopen_obligation": "解除超期",
    "expire_obligation": "当事人期间届满",
})

SEED_YEARS = range(2004, 2027)
OPEN_STATES = (Obligation.OPEN, Obligation.OVERDUE)
# Not yet settled: running, late, or a party's period that ran out unfulfilled (an unpaid fine).
UNSETTLED = (Obligation.OPEN, Obligation.OVERDUE, Obligation.EXPIRED)


# --- calendar ------------------------------------------------------------------------------

@transaction.atomic
def do_set_calendar_year(*, year: int, source: str, official: bool, days, actor,
                         mode: str = "import") -> tuple[CalendarYear, bool]:
    """Replace one year's exception days. Returns (year row, changed). Ledgered when changed."""
    digest = days_digest(days)
    row = CalendarYear.objects.select_for_update().filter(year=year).first()
    if row and row.days_digest == digest and row.source == source and row.official == official:
        return row, False
    if row is None:
        row = CalendarYear.objects.create(year=year, source=source, official=official,
                                          days_digest=digest)
    else:
        row.days.all().delete()
        row.source, row.official, row.days_digest = source, official, digest
        row.save()
    CalendarDay.objects.bulk_create(
        [CalendarDay(year=row, date=d, kind=k, name=n) for d, k, n in days])
    append_entry(action="set_calendar_year", actor=actor, obj=row, agency="", payload={
        "mode": mode, "year": year, "source": source, "official": official,
        "holidays": sum(1 for _, k, _ in days if k == CalendarDay.HOLIDAY),
        "workdays": sum(1 for _, k, _ in days if k == CalendarDay.WORKDAY),
        "days_digest": digest,
    })
    recompute_open_obligations(actor=actor, reason=f"{year} 年日历变更")
    return row, True


def chinesecalendar_days(year: int):
    import chinese_calendar as cc

    full = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
    names = {h.value: full.get(h.chinese, h.chinese) for h in cc.Holiday}
    rows = [(d, CalendarDay.HOLIDAY, names.get(n, n)) for d, n in cc.holidays.items() if d.year == year]
    rows += [(d, CalendarDay.WORKDAY, f"{names.get(n, n)}调休上班")
             for d, n in cc.workdays.items() if d.year == year]
    return sorted(rows)


def seed_calendar(*, actor, years=SEED_YEARS) -> list[tuple[int, bool]]:
    """Fill the years the `chinesecalendar` package knows; idempotent."""
    from importlib.metadata import version

    source = f"chinesecalendar {version('chinesecalendar')}"
    done = []
    for year in years:
        existing = CalendarYear.objects.filter(year=year).first()
        if existing and not existing.source.startswith("chinesecalendar"):
            done.append((year, False))  # entered from a notice: the operator's data wins
            continue
        _, changed = do_set_calendar_year(year=year, source=source, official=True,
                                          days=chinesecalendar_days(year), actor=actor, mode="seed")
        done.append((year, changed))
    return done


def do_import_calendar(data, *, actor) -> tuple[CalendarYear, bool]:
    """Enter a year from a State Council notice file (JSON, see docs). Refused whole on error.

    The calendar serves every agency, so only a system administrator (or a system actor: the
    operator's CLI, the migration) may change it.
    """
    if not is_system(actor):
        raise CalendarError("只有系统管理员可以录入或修改节假日安排")
    if isinstance(data, bytes):
        try:
            data = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CalendarError(f"日历文件不是有效的 UTF-8 JSON：{exc}")
    elif isinstance(data, (str, Path)):
        try:
            data = json.loads(Path(data).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CalendarError(f"找不到日历文件：{data}")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CalendarError(f"日历文件不是有效的 UTF-8 JSON：{exc}")
    year, source, official, days = calendar_file.read(data)
    return do_set_calendar_year(year=year, source=source, official=official, days=days,
                                actor=actor, mode="import")


# --- obligations ---------------------------------------------------------------------------

def compute_obligation(ob: Obligation) -> DeadlineResult:
    """Due date of an obligation: base period, then each extension from the previous due date;
    closed pauses do not count. While a pause is open the due date stays where it was."""
    calendar = get_calendar()
    pauses = [(p.start, p.end) for p in ob.pauses.all() if p.end is not None]
    start = ob.start_at if ob.unit == "hours" else ob.start
    result = compute_due(start, ob.count, ob.unit, calendar=calendar, pauses=pauses)
    explanation, provisional, missing = list(result.explanation), result.provisional, set(result.missing_years)
    for ext in ob.extensions.all():
        previous = result.due
        result = compute_due(previous, ext.count, ext.unit, calendar=calendar, pauses=pauses)
        explanation.append(f"延期 {ext.count}{dict(Obligation.UNITS)[ext.unit]}（{ext.reason}），"
                           f"自原到期日起算")
        explanation += result.explanation[1:]
        provisional = provisional or result.provisional
        missing |= set(result.missing_years)
    return DeadlineResult(ob.start_at or ob.start, ob.count, ob.unit, result.due, provisional,
                          explanation, sorted(missing))


def _apply_due(ob: Obligation, result: DeadlineResult):
    if isinstance(result.due, dt.datetime):
        ob.due_at, ob.due = result.due, timezone.localtime(result.due).date()
    else:
        ob.due_at, ob.due = None, result.due
    ob.provisional = result.provisional


def _entry(ob: Obligation, action: str, actor, payload: dict):
    append_entry(action=action, actor=actor, obj=ob, payload={
        "due": ob.due_at or ob.due, "status": ob.status, **payload})


def _check_open(ob: Obligation, states=OPEN_STATES):
    if ob.status not in states:
        raise DeadlineError(f"该时限已{ob.get_status_display()}，不能再变更", "status")


def _resolve_agency(agency):
    """The agency an obligation is owed by, from an Agency or its code; unknown codes are refused."""
    from sanxiang.orgs.models import Agency

    if isinstance(agency, Agency):
        return agency
    found = Agency.objects.filter(code=str(agency or "")).first() if agency else None
    if found is None:
        raise DeadlineError(f"未知的执法主体「{agency}」", "agency")
    return found


def _resolve_units(agency, units, routed_text: str) -> list:
    """责任科室: the units given (each must belong to the agency), else the agency's units that the
    routed duty text names (`duty_unit_names`, the one rule for reading a duty's words)."""
    from sanxiang.orgs.actions import duty_unit_names

    if units:
        units = list(units)
        foreign = [u for u in units if u.agency_id != agency.pk]
        if foreign:
            raise DeadlineError(f"科室「{foreign[0].name}」不属于{agency.name}", "units")
        return units
    names = duty_unit_names(routed_text)
    return list(agency.units.filter(name__in=names)) if names else []


@transaction.atomic
def do_open_obligation(*, object_type: str, object_id, agency, kind: str, start,
                       count=None, unit=None, rule: str = "", duty: str = "", units=(),
                       unit_name: str = "", leader: str = "", note: str = "", bearer: str = Obligation.AGENCY,
                       actor) -> Obligation:
    """开始计时: open a legal deadline owed by `agency` (an Agency or its code) on a subject.

    The period comes from `count`/`unit` or from the agency's profile (`rule`); the duty's routing
    (`duty`, the profile's `duties.<duty>`) names the responsible units and the leader's position.
    `bearer` is who holds the period: the agency (default; late = 超期) or the party (届满, never late).
    """
    if not object_type or object_id in (None, "") or not agency or not kind:
        raise DeadlineError("时限必须写明对象类型、对象编号、执法主体和种类", "subject")
    if bearer not in dict(Obligation.BEARERS):
        raise DeadlineError(f"未知的期限承担方「{bearer}」（应为执法机关或当事人）", "bearer")
    agency = _resolve_agency(agency)
    profile = profile_key_of(agency)
    unit_value = unit
    if unit_value == "hours":
        from .engine import parse_datetime
        start_at = parse_datetime(start)
        start_day = timezone.localtime(start_at).date()
    else:
        start_at, start_day = None, parse_date(start)
    if rule and count is None:
        count, unit_value = profile_period(profile, rule, on=start_day)
        if unit_value == "hours" and start_at is None:
            from .engine import parse_datetime
            start_at = parse_datetime(start)
    if count is None or unit_value is None:
        raise DeadlineError("必须给出期限（count 和 unit）或规则配置中的期限名称（rule）", "count")
    check_unit(unit_value)
    count = parse_count(count, unit_value)
    if duty:
        routed = profile_value(profile, f"duties.{duty}", on=start_day)
        if isinstance(routed, dict):
            unit_name = unit_name or routed.get("unit", "")
            leader = leader or routed.get("leader", "")
    responsible = _resolve_units(agency, units, unit_name)
    if units and not unit_name:
        unit_name = "、".join(u.name for u in responsible)
    ob = Obligation(object_type=object_type, object_id=str(object_id), agency=agency, kind=kind,
                    start=start_day, start_at=start_at, rule=rule, count=count, unit=unit_value,
                    unit_name=unit_name, leader=leader, note=note, due=start_day, bearer=bearer)
    result = compute_due(start_at or start_day, count, unit_value, calendar=get_calendar())
    _apply_due(ob, result)
    ob.save()
    Obligation.responsible_units.through.objects.bulk_create(
        [Obligation.responsible_units.through(obligation=ob, unit=u) for u in responsible])
    # What was just written, so the entry's digest needs no reading back; dropped afterwards.
    ob._prefetched_objects_cache = {"responsible_units": responsible, "pauses": [], "extensions": []}
    try:
        _entry(ob, "open_obligation", actor, {"kind": kind, "rule": rule, "count": count,
                                              "unit": unit_value, "provisional": ob.provisional, "bearer": bearer,
                                              "responsible_units": [u.name for u in responsible]})
    finally:
        del ob._prefetched_objects_cache
    return ob


def _recompute(ob: Obligation, today: dt.date | None = None) -> bool:
    before = (ob.due, ob.due_at, ob.provisional, ob.status)
    _apply_due(ob, compute_obligation(ob))
    today = today or timezone.localdate()
    reopen = OBLIGATION.find(ob.status, "reopen")
    if reopen is not None and not refusals(reopen, ob, None, {"today": today}):
        # Part of the enclosing action (extension, resumed pause, calendar change), ledgered by it.
        ob.status = reopen.target
    ob.save()
    return before != (ob.due, ob.due_at, ob.provisional, ob.status)


@transaction.atomic
def do_pause_obligation(ob: Obligation, *, start, reason: str, note: str = "", actor) -> ObligationPause:
    ob = Obligation.objects.select_for_update().get(pk=ob.pk)
    _check_open(ob)
    start = parse_date(start, "start")
    if reason not in dict(ObligationPause.REASONS):
        raise DeadlineError(f"未知的中止事由「{reason}」", "reason")
    if reason == "other" and not note.strip():
        raise DeadlineError("事由为「其他」时必须写明具体情况", "note")
    if start <= ob.start:
        raise DeadlineError("中止日期必须晚于起算日", "start")
    if ob.pauses.filter(end__isnull=True).exists():
        raise DeadlineError("该时限已处于中止状态", "status")
    last = ob.pauses.exclude(end__isnull=True).order_by("-end").first()
    if last and start < last.end:
        raise DeadlineError("中止期间不能与之前的中止期间重叠", "start")
    pause = ObligationPause.objects.create(obligation=ob, start=start, reason=reason, note=note)
    _entry(ob, "pause_obligation", actor, {"start": start, "reason": reason, "note": note})
    return pause


@transaction.atomic
def do_resume_obligation(ob: Obligation, *, end, actor) -> Obligation:
    """Restart the clock on `end`: the paused days [pause start, end) do not count."""
    ob = Obligation.objects.select_for_update().get(pk=ob.pk)
    _check_open(ob)
    end = parse_date(end, "end")
    pause = ob.pauses.filter(end__isnull=True).first()
    if pause is None:
        raise DeadlineError("该时限未处于中止状态", "status")
    if end < pause.start:
        raise DeadlineError("恢复日期不能早于中止日期", "end")
    pause.end = end
    pause.save()
    _recompute(ob)
    _entry(ob, "resume_obligation", actor, {"pause_start": pause.start, "end": end,
                                            "paused_days": (end - pause.start).days})
    return ob


@transaction.atomic
def do_extend_obligation(ob: Obligation, *, count, unit, approver, reason: str, date=None,
                         actor) -> Obligation:
    ob = Obligation.objects.select_for_update().get(pk=ob.pk)
    _check_open(ob, UNSETTLED)  # a party's expired period may be extended (延期缴纳罚款)
    check_unit(unit)
    if (unit == "hours") != (ob.unit == "hours"):
        raise DeadlineError("小时时限只能按小时延期，按日计算的时限不能按小时延期", "unit")
    count = parse_count(count, unit)
    if approver is None:
        raise DeadlineError("延期必须有批准人", "approver")
    if not reason or not reason.strip():
        raise DeadlineError("延期必须写明理由", "reason")
    date = parse_date(date, "date") if date else timezone.localdate()
    ObligationExtension.objects.create(obligation=ob, count=count, unit=unit, approver=approver,
                                       reason=reason.strip(), date=date)
    _recompute(ob)
    _entry(ob, "extend_obligation", actor, {"count": count, "unit": unit, "reason": reason.strip(),
                                            "approver": approver.get_username(), "date": date})
    return ob


def _transition(ob: Obligation, action: str, actor, **params) -> Obligation:
    """One move of the obligation table (deadlines/workflows.py), its refusals worded as DeadlineError."""
    try:
        return OBLIGATION.apply(ob, action, actor=actor, **params)
    except RuleViolation as exc:
        raise DeadlineError(exc.message, "status" if exc.code == "transition_not_allowed" else exc.field) from None


@transaction.atomic
def do_meet_obligation(ob: Obligation, *, at=None, actor) -> Obligation:
    return _transition(ob, "meet", actor, met_at=at or timezone.now())


@transaction.atomic
def do_waive_obligation(ob: Obligation, *, reason: str, actor) -> Obligation:
    return _transition(ob, "waive", actor, reason=reason)


def meet_obligations_of(*, object_type: str, object_id, kinds, actor, at=None,
                        states=OPEN_STATES) -> list[Obligation]:
    """Meet the open deadlines of `kinds` on one object as part of an act the actor was already
    permitted (a transition that closes them): the obligation table is checked, roles are not.
    A party's period that already ran out stays 已届满 unless `states` includes it (a late payment)."""
    found = Obligation.objects.select_for_update().filter(
        object_type=object_type, object_id=str(object_id), kind__in=list(kinds), status__in=states)
    return [apply_consequence(ob, "meet", actor=actor, table=OBLIGATION, locked=ob, met_at=at or timezone.now())
            for ob in found]


def do_mark_overdue_obligations(*, today: dt.date | None = None, actor) -> list[Obligation]:
    """Sweep: open obligations past their due date (and not paused) become overdue — the agency's;
    a party's period becomes 已届满 instead (not lateness). Returns the changed ones.

    Run by the job runner (actor JOBS). Each obligation changes in its own short transaction, so
    a sweep interrupted half-way leaves each one open or overdue with its entry, never between,
    and the next sweep marks the rest."""
    today = today or timezone.localdate()
    candidates = Obligation.objects.filter(status=Obligation.OPEN, due__lte=today)
    marked = []
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            ob = candidates.select_for_update().filter(pk=pk).first()
            if ob is None:
                continue
            action = "expire" if ob.bearer == Obligation.PARTY else "mark_overdue"
            if not refusals(OBLIGATION.find(Obligation.OPEN, action), ob, actor, {"today": today}):
                marked.append(_transition(ob, action, actor, today=today))
    return marked


def recompute_open_obligations(*, actor, reason: str = "") -> int:
    """After a calendar change: recompute every open day-based obligation; ledger the changed ones."""
    changed = 0
    for ob in Obligation.objects.filter(status__in=UNSETTLED).exclude(unit="hours"):
        if _recompute(ob):
            _entry(ob, "recompute_obligation", actor, {"reason": reason})
            changed += 1
    return changed
