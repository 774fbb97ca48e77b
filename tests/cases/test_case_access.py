"""Who sees which case, in SQL: the unit's officers and heads, the handlers (even from another unit),
the reviewer a case was submitted to, leaders, and nobody of another agency; state secrets only
to those assigned."""

import pytest
from cases_cast import D0, new_case, person_with_cert, reach

from sanxiang.cases import actions as C
from sanxiang.cases import queries as Q
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.review.testing import submit_and_assign
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db


def sees(user, case):
    return Q.case_for(user, case.pk) is not None


def test_unit_assignment_review_and_agency(env):
    from sanxiang.access.actors import OPERATOR

    other_unit = A.do_create_unit(env.agency, "执法二队", actor=OPERATOR)
    case = new_case(env)
    officer_elsewhere = T.member(env.agency, Role.OFFICER, unit=other_unit)
    head_elsewhere = T.member(env.agency, Role.UNIT_HEAD, unit=other_unit)
    assert sees(env.officer, case) and sees(env.head, case) and sees(env.leader, case)
    assert not sees(officer_elsewhere, case) and not sees(head_elsewhere, case)
    assert not sees(env.outsider, case) and not sees(env.reviewer, case)
    # A handler from another unit sees the case they handle.
    helper = person_with_cert(env.agency, other_unit, user=officer_elsewhere)
    C.do_assign_case_handler(case, helper, actor=env.head, on=D0)
    assert sees(officer_elsewhere, case)
    assert case.pk in [c.pk for c in Q.cases_for(officer_elsewhere, mine=True)]


def test_the_reviewer_sees_the_case_once_submitted(env):
    case, day = reach(env, get_table("penalty_general"), "concluded")
    assert not sees(env.reviewer, case)
    submit_and_assign(case, officer=env.officer, reviewer=env.reviewer, on=day)
    assert sees(env.reviewer, case)


def test_a_state_secret_is_read_only_by_those_assigned(env):
    case = new_case(env)
    C.do_update_case(case, version=case.version, confidentiality="state_secret", actor=env.officer)
    assert sees(env.officer, case)        # a handler
    assert not sees(env.head, case)       # the unit's head, not assigned
    assert not sees(env.leader, case)


def test_waiting_for_the_head(env):
    case, _ = reach(env, get_table("penalty_general"), "verifying")
    assert case.pk in [c.pk for c in Q.waiting_for_head(env.head)]
    assert case.pk not in [c.pk for c in Q.waiting_for_head(env.outsider)]
