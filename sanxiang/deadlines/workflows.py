"""The obligation's states (时限状态) as a transition table.

An open deadline is met, waived (with a reason) or, once past due and not paused, marked overdue
by the system; an overdue one may still be met or waived, and returns to open when a recompute
(a calendar change, an extension, a resumed pause) moves its due date back into the future.
A period the party holds (bearer `party`) is never overdue: once past it is 已届满 (expired), which
is not lateness; it may still be met (a fine paid late), waived (the agency applied to the court)
or reopened by an extension (延期缴纳).
"""

from django.utils import timezone

from sanxiang.orgs.models import Role
from sanxiang.workflow import Param, Table, Transition, register

from .models import Obligation

OPEN, MET, OVERDUE, WAIVED, EXPIRED = (Obligation.OPEN, Obligation.MET, Obligation.OVERDUE, Obligation.WAIVED,
                                       Obligation.EXPIRED)


def agency_borne(ob, actor, **params):
    """由执法机关承担的时限（当事人的期间届满不是逾期）"""
    if ob.bearer == Obligation.PARTY:
        return f"“{ob.kind}”是当事人的期间，届满不属于执法机关逾期。"
    return None


def party_held(ob, actor, **params):
    """当事人的期间"""
    if ob.bearer != Obligation.PARTY:
        return f"“{ob.kind}”是执法机关的时限，过期为超期而不是届满。"
    return None


def not_paused(ob, actor, **params):
    """计时未处于中止状态"""
    if ob.paused:
        return f"时限“{ob.kind}”正处于中止计时期间，不计超期。"
    return None


def past_due(ob, actor, today=None, **params):
    """已过到期日（按小时计的已过到期时刻）"""
    today = today or timezone.localdate()
    late = (ob.due_at < timezone.now()) if ob.due_at else ob.due < today
    if not late:
        return f"时限“{ob.kind}”到期日为 {ob.due:%Y-%m-%d}，尚未超期。"
    return None


def not_past_due(ob, actor, today=None, **params):
    """到期日未过（重新计算之后）"""
    today = today or timezone.localdate()
    if ob.due < today:
        return f"时限“{ob.kind}”到期日 {ob.due:%Y-%m-%d} 已过，仍属超期。"
    return None


def record_met(ob, actor, met_at=None, **params):
    at = met_at or timezone.now()
    ob.met_at = at
    late = (at > ob.due_at) if ob.due_at else (timezone.localtime(at).date() > ob.due)
    if ob.bearer == Obligation.PARTY:
        return {"met_at": at, "late": False, "after_expiry": late}  # the party's, not the agency's lateness
    return {"met_at": at, "late": late}


def record_waiver(ob, actor, reason="", **params):
    ob.note = reason[:300]
    return None


OBLIGATION = register(Table(
    name="obligation",
    label="时限状态",
    model=Obligation,
    state_field="status",
    states=dict(Obligation.STATUSES),
    initial=OPEN,
    subject=lambda ob: f"时限“{ob.kind}”",
    payload=lambda ob: {"due": ob.due_at or ob.due, "status": ob.status},
    transitions=[
        Transition("meet", (OPEN, OVERDUE, EXPIRED), MET, "履行",
                   roles=(Role.ADMINISTRATOR, Role.AGENCY_LEADER, Role.UNIT_HEAD),
                   params={"met_at": Param("履行时间", required=False, text=False)}, effect=record_met),
        Transition("waive", (OPEN, OVERDUE, EXPIRED), WAIVED, "免除", roles=(Role.ADMINISTRATOR, Role.AGENCY_LEADER),
                   params={"reason": Param("免除理由")}, effect=record_waiver),
        Transition("mark_overdue", OPEN, OVERDUE, "标记超期", guards=[agency_borne, not_paused, past_due],
                   params={"today": Param("核查日期", required=False, text=False)}),
        Transition("expire", OPEN, EXPIRED, "期间届满", guards=[party_held, not_paused, past_due],
                   params={"today": Param("核查日期", required=False, text=False)}),
        Transition("reopen", (OVERDUE, EXPIRED), OPEN, "解除超期", guards=[not_past_due],
                   params={"today": Param("核查日期", required=False, text=False)}),
    ],
))
