"""Reads of 事前公开. `public_*` serve the portal without a user: what they return is published
(the latest version of a section, its history with reasons); `versions` is the internal history."""

from __future__ import annotations

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
    for r in rows:
        r.obligation = obligations.get(str(r.pk))
    return rows


def open_triggers(agency):
    from .models import DisclosureTrigger

    return DisclosureTrigger.objects.filter(agency=agency, answered_by__isnull=True).order_by("occurred_on", "id")
