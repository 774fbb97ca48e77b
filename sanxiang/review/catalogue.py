"""The catalogue in force: a profile's seed catalogue, an agency's versions, and the answer.

`profile_catalogue(key, on)` builds the catalogue a rule profile gives on a date — the statutory
rules, the agency's listed rules and its switches, each with its citation — without a database
(the CLI and the first version of an agency use it). `answer(rules, proposal, ...)` matches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from .conditions import Amounts, Condition, Proposal, Rule, effective_procedure, parse_rules

ALL_GENERAL = "all_general_procedure_penalties"


def profile_catalogue(profile_key: str, on: dt.date | None = None) -> list[Rule]:
    """审核目录 of a rule profile on `on` (None: today). Unknown profile → ProfileError."""
    from sanxiang.profiles.registry import get_profile

    profile = get_profile(profile_key)
    rules: list[Rule] = []
    for name in ("review.statutory_rules", "review.catalogue_rules"):
        entry = profile.entry(name, on=on)
        for rule in parse_rules(entry.value) if entry.value else []:
            cited = profile.cite(dataclasses.replace(entry, citation=rule.citation))
            rules.append(rule.model_copy(update={"citation": cited}))
    switch = profile.entry("review.all_general_procedure_penalties", on=on)
    if switch.value:
        rules.append(Rule(key=ALL_GENERAL, label="一般程序行政处罚决定均须法制审核", citation=profile.cite(switch),
                          condition=Condition(kinds=("penalty",), procedures=("general",))))
    return rules


def simplified_ceiling(profile_key: str, on: dt.date | None = None) -> Amounts:
    from sanxiang.profiles.registry import get_profile

    return Amounts.model_validate(get_profile(profile_key).value("cases.simplified_fine_max", on=on))


def answer(rules: list[Rule], proposal: Proposal, ceiling: Amounts) -> tuple[bool, list[dict]]:
    """(required, the rules that matched in catalogue order, each {key, label, citation})."""
    procedure = effective_procedure(proposal, ceiling)
    found = [{"key": r.key, "label": r.label, "citation": r.citation}
             for r in rules if r.condition.matches(proposal, procedure)]
    return bool(found), found


def changes(before: list[dict], after: list[dict]) -> dict[str, list]:
    """What a version changed against an earlier one, by rule key: added and removed rules, and
    changed ones as (before, after)."""
    old = {r["key"]: r for r in before}
    new = {r["key"]: r for r in after}
    return {"added": [r for k, r in new.items() if k not in old],
            "removed": [r for k, r in old.items() if k not in new],
            "changed": [(old[k], r) for k, r in new.items() if k in old and old[k] != r]}
