"""Reads: the registers' filters (resolved against what the user may read) and the goods in custody."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch

from sanxiang.access.policy import restrict
from sanxiang.core import inputs
from sanxiang.core.errors import NotFound, RuleViolation
from sanxiang.orgs.models import Unit

from .models import Goods, HandOver
from .registry import REGISTERS, Register


def register_named(name) -> Register:
    found = REGISTERS.get(str(name or ""))
    if found is None:
        raise NotFound("没有这种台账。", code="register_not_found")
    return found


def _date(value, field, label) -> dt.date | None:
    return inputs.day(value, field=field, label=label, empty=None)


def units_for(user):
    """The units whose rows the user may filter by: those of the agencies it may read."""
    return restrict(Unit.objects.select_related("agency"), user).order_by("agency_id", "id")


def filters(reg: Register, user, *, start="", end="", unit="", state="") -> dict:
    """The filters as given (texts), checked: dates, a unit the user may read, a state of the register."""
    start, end = _date(start, "from", "起始日期"), _date(end, "to", "截止日期")
    if start and end and start > end:
        raise RuleViolation(f"起始日期 {start:%Y-%m-%d} 晚于截止日期 {end:%Y-%m-%d}。", field="from")
    found_unit = None
    if unit not in (None, ""):
        try:
            found_unit = units_for(user).filter(pk=int(unit)).first()
        except (TypeError, ValueError):
            found_unit = None
        if found_unit is None:
            raise NotFound("未找到该科室，或您无权查看。", code="unit_not_found")
    state = str(state or "")
    if state and state not in reg.states():
        raise RuleViolation(f"未知的状态“{state}”。", field="state")
    return {"start": start, "end": end, "unit": found_unit, "state": state}


def subtitle(reg: Register, f: dict) -> str:
    parts = []
    if f["start"] or f["end"]:
        parts.append(f"{reg.date_label} {f['start'] or '…'} 至 {f['end'] or '…'}")
    if f["unit"] is not None:
        parts.append(f["unit"].name)
    if f["state"]:
        parts.append(reg.states()[f["state"]])
    return "，".join(parts)


def goods_of(user):
    return (restrict(Goods.objects.select_related("case", "case__unit", "seized_item"), user)
            .prefetch_related(Prefetch("hand_overs", queryset=HandOver.objects.order_by("seq")))
            .order_by("registered_on", "id"))


def goods_for(user, pk) -> Goods | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return goods_of(user).filter(pk=pk).first()


def _unregistered(user):
    from sanxiang.cases.models import Case, SeizedItem

    cases = restrict(Case.objects.all(), user, "register_goods")
    return (SeizedItem.objects.filter(measure__case__in=cases, measure__implemented_on__isnull=False,
                                      goods__isnull=True, carried_from__goods__isnull=True)
            .select_related("measure__case"))


def unregistered_items(user, limit: int = 100) -> list:
    """查封扣押财物 of measures carried out that are not in the register yet, that `user` may register."""
    return list(_unregistered(user).order_by("measure__implemented_on", "id")[:limit])


def unregistered_item(user, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return _unregistered(user).filter(pk=pk).first()


def confiscating_cases(user, limit: int = 100):
    """Cases whose decision confiscates goods (没收非法财物), where `user` may register goods."""
    from sanxiang.cases.models import Case, PenaltyType

    found = restrict(Case.objects.filter(decided_on__isnull=False), user, "register_goods").order_by("-decided_on", "-id")
    return [c for c in found[:limit * 5] if PenaltyType.CONFISCATE_PROPERTY in (c.decided_penalties or [])][:limit]


def confiscating_case(user, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    from sanxiang.cases.models import Case, PenaltyType

    case = restrict(Case.objects.filter(pk=pk, decided_on__isnull=False), user, "register_goods").first()
    return case if case is not None and PenaltyType.CONFISCATE_PROPERTY in (case.decided_penalties or []) else None
