"""Reads of the 法制审核目录清单 for pages and the API: which agencies a user may read, an agency
resolved against the user's rights (another agency's is 404), its versions and the one in force."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.access.policy import can, restrict
from sanxiang.core import inputs
from sanxiang.core.errors import NotFound

from .catalogue import changes
from .conditions import describe, parse_rules
from .models import CatalogueVersion


class CatalogueNotFound(NotFound):
    code = "catalogue_not_found"
    default_message = "没有这个执法主体的法制审核目录清单，或您无权查看。"


def readable_agencies(user):
    from sanxiang.orgs.models import Agency, AgencyKind

    return list(restrict(Agency.objects.filter(kind=AgencyKind.ENFORCEMENT), user, "read_review_catalogue")
                .order_by("code"))


def agency_for(user, code: str):
    """The agency of `code` when the user may read its catalogue; NotFound otherwise."""
    from sanxiang.orgs.models import Agency

    agency = Agency.objects.filter(code=code).first()
    if agency is None or not can(user, "read_review_catalogue", agency):
        raise CatalogueNotFound()
    return agency


def versions(agency) -> list[CatalogueVersion]:
    return list(CatalogueVersion.objects.filter(agency=agency).order_by("-version"))


def version_of(agency, number) -> CatalogueVersion:
    if isinstance(number, str) and number.isdigit():
        number = int(number)
    row = CatalogueVersion.objects.filter(agency=agency, version=number).first() if isinstance(number, int) else None
    if row is None:
        raise CatalogueNotFound(f"{agency.name}没有这一版法制审核目录清单。")
    return row


def in_force(agency, on: dt.date | None = None) -> CatalogueVersion | None:
    from .determination import version_in_force

    return version_in_force(agency, on or timezone.localdate())


def shown_rules(rules: list[dict]) -> list[dict]:
    """Each rule as people read it: label, citation and its condition in words (no keys)."""
    return [{"key": r.key, "label": r.label, "citation": r.citation, "condition": "；".join(describe(r.condition))}
            for r in parse_rules(rules)] if rules else []


def shown_changes(before: CatalogueVersion | None, after: CatalogueVersion) -> dict[str, list]:
    """What `after` changed against `before`, for people: added, removed, changed (before, after)."""
    diff = changes(before.rules if before else [], after.rules)
    one = shown_rules
    return {"added": one(diff["added"]), "removed": one(diff["removed"]),
            "changed": [(one([a])[0], one([b])[0]) for a, b in diff["changed"]]}


def parse_date(value, field: str, label: str) -> dt.date | None:
    return inputs.day(value, field=field, label=label, empty=None)
