"""Random walks (hypothesis) over the penalty tables by the right and the wrong people: whatever
happens, a refusal writes nothing, a move goes where the table says, no decision is made without
notice, no case closes with an open mandatory deadline, and the ledger verifies after the walk."""

import datetime as dt

import pytest
from cases_cast import D0, INPUTS, actor_for, new_case, onsite_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.cases import actions as C
from sanxiang.cases.models import Case
from sanxiang.cases.rules import MANDATORY
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.deadlines.actions import UNSETTLED
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger import verify
from sanxiang.ledger.models import LedgerEntry
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
WALK = settings(max_examples=6, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
AFTER_DECISION = {"decided", "served", "executing", "court"}


def check_invariants(case):
    case.refresh_from_db()
    if case.procedure == "general" and (case.status in AFTER_DECISION or case.decided_on) and case.decided_penalties:
        assert case.notified_on is not None and case.decided_on >= case.notified_on
    if case.decided_on and not case.decided_penalties:  # 不予行政处罚: only on that proposal (decision 0075)
        assert case.no_penalty_ground
    if case.status == "closed":
        assert not Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk), kind__in=MANDATORY,
                                             status__in=UNSETTLED).exists()


def walk(env, table, case, data, steps=25):
    day = case.clue_on
    for _ in range(steps):
        day += dt.timedelta(days=2)
        if day > dt.date(2026, 11, 20):
            break
        here = [t.action for t in table.from_state(case.status)]
        action = data.draw(st.sampled_from(here) if here and data.draw(st.integers(0, 9)) < 8
                           else st.sampled_from(table.actions()))
        right = actor_for(env, table, action)
        actor = right if data.draw(st.integers(0, 9)) < 8 else data.draw(st.sampled_from(
            [env.officer, env.head, env.reviewer, env.outsider]))
        before = (Case.objects.get(pk=case.pk).ledger_digest(), LedgerEntry.objects.count(), case.status)
        target = table.find(case.status, action)
        try:
            C.move_case(case, action, actor=actor, on=day, **INPUTS[action])
        except (NotPermitted, RuleViolation, Conflict) as refused:
            assert refused.message
            assert (Case.objects.get(pk=case.pk).ledger_digest(), LedgerEntry.objects.count(),
                    case.status) == before
        else:
            assert target is not None and case.status == target.target
        check_invariants(case)


@WALK
@given(st.data())
def test_random_walks_over_the_general_table(env, data):
    table = get_table("penalty_general")
    walk(env, table, new_case(env), data)
    report = verify.run()
    assert report.ok, report.findings


@WALK
@given(st.data())
def test_random_walks_over_the_simplified_table(env, data):
    table = get_table("penalty_simplified")
    walk(env, table, onsite_case(env, on=D0), data, steps=10)
    report = verify.run()
    assert report.ok, report.findings
