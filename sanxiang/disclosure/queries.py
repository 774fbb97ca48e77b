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
