"""`review_required(case, proposed_decision)`: does this decision need a passed 法制审核, and why.

The answer comes from the agency's 法制审核目录清单 in force on the decision date: its newest
version in force then, or — for an agency that has none yet, or a date before its first
version — the catalogue its rule profile gives on that date.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.core.errors import RuleViolation

from .catalogue import answer, profile_catalogue, simplified_ceiling
from .conditions import Rule, ShapeError, parse_proposal, parse_rules
from .models import CatalogueVersion


def version_in_force(agency, on: dt.date) -> CatalogueVersion | None:
    """The agency's catalogue version that applies to decisions made on `on`."""
    from django.db.models import Q

    return (CatalogueVersion.objects.filter(agency=agency)
            .filter(Q(effective_from__isnull=True) | Q(effective_from__lte=on)).order_by("-version").first())


def rules_in_force(agency, on: dt.date) -> list[Rule]:
    from sanxiang.deadlines.queries import profile_key_of

    version = version_in_force(agency, on)
    if version is not None:
        return parse_rules(version.rules)
    return profile_catalogue(profile_key_of(agency), on)


def party_kind_of(case) -> str | None:
    """The parties' kind as the amounts of the cases app read it: an organisation only when every
    party is one (else the lower, natural-person amounts apply)."""
    kinds = {link.party.kind for link in case.case_parties.select_related("party")}
    if not kinds:
        return None
    if kinds == {"org"}:
        return "org"
    return "person" if "person" in kinds else "individual_business"


def review_required(case, proposed_decision: dict, *, on: dt.date | None = None) -> tuple[bool, list[dict]]:
    """(required, [{"key", "label", "citation"}]) for the proposal, on `on` (None: today)."""
    from sanxiang.deadlines.queries import profile_key_of

    on = on or timezone.localdate()
    data = dict(proposed_decision)
    if data.get("party_kind") is None:
        data["party_kind"] = party_kind_of(case)
    try:
        proposal = parse_proposal(data)
        return answer(rules_in_force(case.agency, on), proposal, simplified_ceiling(profile_key_of(case.agency), on))
    except ShapeError as exc:
        raise RuleViolation(exc.message, field=exc.field) from None


def check_profile(profile_key: str, proposal_data, on: dt.date | None = None) -> dict:
    """`sanxiang review check`: the answer of the catalogue a profile seeds (no agency, no database)."""
    proposal = parse_proposal(proposal_data)
    required, rules = answer(profile_catalogue(profile_key, on), proposal, simplified_ceiling(profile_key, on))
    return {"required": required, "rules": rules}
