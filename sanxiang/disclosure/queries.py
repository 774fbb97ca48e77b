"""Reads of 事前公开. `public_*` serve the portal without a user: what they return is published
(the latest version of a section, its history with reasons); `versions` is the internal history."""

from __future__ import annotations

from django.utils import timezone

from sanxiang.access.policy import restrict

from .models import DisclosureVersion, Section


def public_current(agency, section) -> DisclosureVersion | None:
    return DisclosureVersion.objects.filter(agency=agency, section=section).order_by("-version").first()


def public_all_current(agency) -> dict[str, DisclosureVersion]:
    """The latest version of every section the agency has published, by section."""
    found = {}
    for row in DisclosureVersion.objects.filter(agency=agency).order_by("section", "-version"):
        found.setdefault(row.section, row)
    return found


def public_history(agency, section) -> list[DisclosureVersion]:
    return list(DisclosureVersion.objects.filter(agency=agency, section=section).order_by("-version"))


def public_version(agency, section, number: int) -> DisclosureVersion | None:
    return DisclosureVersion.objects.filter(agency=agency, section=section, version=number).first()


def public_item(agency, section, code: str) -> dict | None:
    row = public_current(agency, section)
    if row is None:
        return None
    return next((i for i in row.content.get("items", []) if i["code"] == code), None)


def versions(user, agency, section=None):
    qs = restrict(DisclosureVersion.objects.filter(agency=agency), user, "view")
    if section:
        qs = qs.filter(section=Section(section))
    return qs.order_by("section", "-version")


def triggers(user, agency):
    """调整事由 of the agency with the update deadline each opened (None where the profile sets none)."""
    from sanxiang.deadlines.models import Obligation

    from .actions import UPDATE_DUTY
    from .models import DisclosureTrigger

    rows = list(restrict(DisclosureTrigger.objects.filter(agency=agency), user, "view")
                .select_related("answered_by").order_by("answered_by_id", "-occurred_on"))
    obligations = {o.object_id: o for o in Obligation.objects.filter(
        object_type=DisclosureTrigger.ledger_type(), object_id__in=[str(r.pk) for r in rows], kind=UPDATE_DUTY)}
    today = timezone.localdate()
    for r in rows:
        r.obligation = obligations.get(str(r.pk))
        r.deadline_state = deadline_state(r.obligation, today) if r.obligation else None
    return rows


def deadline_state(ob, today) -> dict:
    """How the update deadline stands, lateness kept in view: {"label", "late"} — 已超期 from the day after
    the due date even before the job marks it, and 逾期履行（date） once met after it (tester10b #6)."""
    if ob.status == ob.MET and ob.met_at:
        met_day = timezone.localtime(ob.met_at).date()
        late = (ob.met_at > ob.due_at) if ob.due_at else met_day > ob.due
        return {"label": f"逾期履行（{met_day:%Y-%m-%d}）" if late else f"已履行（{met_day:%Y-%m-%d}）", "late": late}
    if ob.status in (ob.OPEN, ob.OVERDUE) and ((ob.due_at < timezone.now()) if ob.due_at else ob.due < today):
        return {"label": "已超期", "late": True}
    return {"label": ob.get_status_display(), "late": False}


def open_triggers(agency):
    from .models import DisclosureTrigger

    return DisclosureTrigger.objects.filter(agency=agency, answered_by__isnull=True).order_by("occurred_on", "id")
