"""Builders for tests of the review procedure (as `sanxiang/orgs/testing.py` for people): a qualified
reviewer, a full checklist, an agreed round — each through the actions, so the ledger stays complete."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

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


def all_materials(case, on=None) -> dict:
    """The test's statement of the track's materials: every required one provided, optional ones not
    applicable (a hearing record provided when a hearing was held)."""
    from sanxiang.cases.review_gate import proposal_of

    from .procedure import track_of_case
    from .tracks import NOT_APPLICABLE, PROVIDED

    track = track_of_case(case, case.kind, on)
    held = proposal_of(case)["hearing"] == "held"
    return {m.code: PROVIDED if not m.optional or (held and "听证" in m.label) else NOT_APPLICABLE
            for m in track.materials}


@transaction.atomic
def submit_and_assign(case, *, officer, reviewer, on, assigner=None):
    """A test's two acts at once: the handling unit submits with every material (`officer`), then the
    legal office assigns `reviewer` (`assigner`, by default the reviewer as 法制审核人员). All or nothing."""
    from .procedure import do_assign_reviewer, do_submit_review

    day = dt.date.fromisoformat(on) if isinstance(on, str) else on
    rnd = do_submit_review(case, materials=all_materials(case, day), actor=officer, on=on)
    return do_assign_reviewer(rnd, reviewer=reviewer, actor=assigner or reviewer, on=on)


def agree(case, *, officer, reviewer, on, text="事实清楚，证据确凿，适用依据正确，程序合法。"):
    """Submit the case's decision, have the legal office assign the reviewer, record the seven points
    and agree: the gate opens."""
    from .procedure import do_record_checklist, do_record_pass_or_return

    rnd = submit_and_assign(case, officer=officer, reviewer=reviewer, on=on)
    do_record_checklist(rnd, points=all_points(), actor=reviewer)
    return do_record_pass_or_return(rnd, opinion="pass", note=text, actor=reviewer, on=on)


def sign_whole_chain(rnd, *, head, on):
    """Sign every step of the round's 签批流程 (review/flow.py) in order, as entitled people would:
    `head` (the handling unit's 科室负责人) its unit's steps, the round's reviewer 法制审核意见, and for
    the others a head of the legal office and a leader, made here when the agency has none."""
    from sanxiang.orgs import actions as A
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role, RoleAssignment, Unit

    from .flow import chain_state, do_sign_off

    agency = rnd.review.case.agency
    name = (A.legal_review_units(agency) or ["政策法规科"])[0]
    office = Unit.objects.filter(agency=agency, name=name).first() or A.do_create_unit(agency, name, actor=OPERATOR)
    office_head = (RoleAssignment.objects.filter(agency=agency, unit=office, role=Role.UNIT_HEAD, active=True).first()
                   or None)
    office_head = office_head.user if office_head else T.member(agency, Role.UNIT_HEAD, unit=office)
    leaders = [ra.user for ra in RoleAssignment.objects.filter(agency=agency, role=Role.AGENCY_LEADER, active=True)
               .select_related("user").order_by("pk")]
    used = {s["signoff"].signer_id for s in chain_state(rnd) if s["signoff"] is not None}

    def leader():  # one person signs one step of a chain: the next leader not yet signing, else a new one
        found = next((u for u in leaders if u.pk not in used), None)
        return found or T.member(agency, Role.AGENCY_LEADER)

    for step in chain_state(rnd):
        if step["signoff"] is not None:
            continue
        if Role.AGENCY_LEADER in step["roles"] and step["unit"] in ("handling", "review_body"):
            # 分管领导: the leader recorded as overseeing the unit, recorded here when none is
            unit = rnd.review.case.unit if step["unit"] == "handling" else office
            if unit.overseen_by_id is None:
                from sanxiang.orgs.models import Person

                chosen = leader()
                person = Person.objects.filter(user=chosen).first() or T.person(agency, user_obj=chosen, name="孙局长")
                A.do_set_unit_overseer(unit, person, actor=OPERATOR)
                unit.refresh_from_db()
            do_sign_off(rnd, step["code"], approved=True, opinion="同意。", on=on, actor=unit.overseen_by.user)
            used.add(unit.overseen_by.user_id)
            continue
        who = (rnd.reviewer if step["review"] else head if step["unit"] == "handling"
               else office_head if step["unit"] == "review_body" else leader())
        do_sign_off(rnd, step["code"], approved=True, opinion="同意。", on=on, actor=who)
        used.add(who.pk)
