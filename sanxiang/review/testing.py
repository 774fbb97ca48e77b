"""Builders for tests of the review procedure (as `sanxiang/orgs/testing.py` for people): a qualified
reviewer, a full checklist, an agreed round — each through the actions, so the ledger stays complete."""

from __future__ import annotations

import datetime as dt

from sanxiang.access.actors import OPERATOR

from .tracks import CHECKLIST_POINTS


def qualify(user, *, number=None, obtained_on=dt.date(2020, 1, 1)):
    """The user's person gets a 法律职业资格 (required of a first-time reviewer)."""
    from sanxiang.orgs.actions import do_add_qualification
    from sanxiang.orgs.models import Person

    person = Person.objects.get(user=user)
    return do_add_qualification(person, number or f"A2020{person.pk:08d}", obtained_on, actor=OPERATOR)


def all_points(finding="lawful", note="") -> dict:
    return {code: {"finding": finding, "note": note} for code, _ in CHECKLIST_POINTS}


def agree(case, *, officer, reviewer, on, text="事实清楚，证据确凿，适用依据正确，程序合法。"):
    """Submit the case's decision (one step), record the seven points and agree: the gate opens."""
    from .procedure import do_record_checklist, do_record_pass_or_return, do_submit_and_assign

    rnd = do_submit_and_assign(case, reviewer=reviewer, actor=officer, on=on)
    do_record_checklist(rnd, points=all_points(), actor=reviewer)
    return do_record_pass_or_return(rnd, opinion="pass", note=text, actor=reviewer, on=on)
