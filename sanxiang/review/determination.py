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


def no_catalogue_note(profile_key: str, on: dt.date) -> str | None:
    """What the answer says when no 审核目录清单 was in force on `on` (a date before the agency's
    document, or a profile without one): the answer is then the national rule as in force that day —
    行政处罚法 第五十八条 from 2021-07-15, nothing before (decision 0082). None: a catalogue was in force."""
    from sanxiang.profiles.registry import get_profile

    profile = get_profile(profile_key)
    if profile.document is not None and on >= profile.document.effective_from:
        return None
    since = f"（本机关的审核目录自 {profile.document.effective_from:%Y-%m-%d} 起施行）" if profile.document else ""
    national = profile.entry("review.statutory_rules", on=on)
    if national.value:
        start = f"，{national.effective_from:%Y-%m-%d} 起施行" if national.effective_from else ""
        return f"{on:%Y-%m-%d} 没有施行的审核目录清单{since}：按当日施行的国家规定确定（行政处罚法第五十八条{start}）。"
    later = [e.effective_from for e in profile.history("review.statutory_rules")
             if e.value and e.effective_from and e.effective_from > on]
    after = f"（行政处罚法第五十八条自 {min(later):%Y-%m-%d} 起施行）" if later else ""
    return f"{on:%Y-%m-%d} 没有施行的审核目录清单{since}，也没有要求法制审核的国家规定{after}。"


def _noted(result: dict, note: str | None) -> dict:
    return {**result, "note": note} if note else result


def party_kind_of(case) -> str | None:
    """The parties' kind as the amounts of the cases app read it: an organisation only when every
    party is one (else the lower, natural-person amounts apply)."""
    kinds = {link.party.kind for link in case.case_parties.select_related("party")}
    if not kinds:
        return None
    if kinds == {"org"}:
        return "org"
    return "person" if "person" in kinds else "individual_business"


def level_of(profile_key: str, on: dt.date) -> str | None:
    """执法层级 of the agency a profile describes (`other.enforcement_level`; None: not stated)."""
    from sanxiang.profiles.registry import get_profile

    return get_profile(profile_key).value("other.enforcement_level", on=on)


def agency_field(agency) -> str | None:
    """执法领域 of an agency: its one category that names a field rather than a kind of act
    (市场监督管理, 劳动保障监察 …); None when it has none or several."""
    from sanxiang.cases.guards import KIND_CATEGORIES

    fields = [c for c in agency.categories or [] if c not in KIND_CATEGORIES]
    return fields[0] if len(fields) == 1 else None


def field_of(case) -> str | None:
    """执法领域 of a case: its category when that names a field, else the agency's."""
    from sanxiang.cases.guards import KIND_CATEGORIES

    if case.category and case.category not in KIND_CATEGORIES:
        return case.category
    return agency_field(case.agency)


def _with_agency(data, agency, on) -> dict:
    from sanxiang.deadlines.queries import profile_key_of

    data = dict(data)
    if data.get("level") is None:
        data["level"] = level_of(profile_key_of(agency), on)
    if data.get("field") is None:
        data["field"] = agency_field(agency)
    return data


def review_required(case, proposed_decision: dict, *, on: dt.date | None = None) -> tuple[bool, list[dict]]:
    """(required, [{"key", "label", "citation"}]) for the proposal, on `on` (None: today). The
    party's kind, the level and the field come from the case and its agency when not given."""
    from sanxiang.deadlines.queries import profile_key_of

    on = on or timezone.localdate()
    data = dict(proposed_decision)
    if data.get("party_kind") is None:
        data["party_kind"] = party_kind_of(case)
    if data.get("field") is None:
        data["field"] = field_of(case)
    data = _with_agency(data, case.agency, on)
    try:
        proposal = parse_proposal(data)
        return answer(rules_in_force(case.agency, on), proposal, simplified_ceiling(profile_key_of(case.agency), on))
    except ShapeError as exc:
        raise RuleViolation(exc.message, field=exc.field) from None


def check_agency(agency, proposal_data, on: dt.date | None = None) -> dict:
    """The answer of an agency's catalogue in force on `on` to a proposal without a case (the
    page and API "does this need review?"); the level and field default to the agency's."""
    from sanxiang.deadlines.queries import profile_key_of

    on = on or timezone.localdate()
    if not isinstance(proposal_data, dict):
        raise RuleViolation("拟作出的决定应为 JSON 对象。")
    try:
        proposal = parse_proposal(_with_agency(proposal_data, agency, on))
        required, rules = answer(rules_in_force(agency, on), proposal, simplified_ceiling(profile_key_of(agency), on))
    except ShapeError as exc:
        raise RuleViolation(exc.message, field=exc.field) from None
    note = None if version_in_force(agency, on) is not None else no_catalogue_note(profile_key_of(agency), on)
    return _noted({"required": required, "rules": rules}, note)


def check_profile(profile_key: str, proposal_data, on: dt.date | None = None) -> dict:
    """`sanxiang review check`: the answer of the catalogue a profile seeds (no agency, no database);
    the level defaults to the profile's. Before the profile's document a `note` says that no catalogue
    was in force and which national rule answered."""
    on = on or timezone.localdate()
    if isinstance(proposal_data, dict) and proposal_data.get("level") is None:
        proposal_data = {**proposal_data, "level": level_of(profile_key, on)}
    proposal = parse_proposal(proposal_data)
    required, rules = answer(profile_catalogue(profile_key, on), proposal, simplified_ceiling(profile_key, on))
    return _noted({"required": required, "rules": rules}, no_catalogue_note(profile_key, on))
