"""Random walks (hypothesis) over the 行政许可, 行政确认, 行政裁决 and 劳动保障监察 tables by the right and
the wrong people: a refusal writes nothing, a move goes where the table says, no licence is decided before
it was accepted nor a certificate issued without a grant, no penalty decided without notice, no deadline runs
on a withdrawn or transferred case, and the ledger verifies after the walk."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kinds_cast import D0, INPUTS, KIND_OF, actor_for, make_kinds_env, new_kind_case

from sanxiang.cases import actions as C
from sanxiang.cases.models import Case
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger import verify
from sanxiang.ledger.models import LedgerEntry
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
WALK = settings(max_examples=3, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def walk_env(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_kinds_env(profile_key="")
        transaction.set_rollback(True)


def check_invariants(case):
    case.refresh_from_db()
    if case.decision_outcome in ("granted", "refused", "decided"):
        assert case.accepted_on is not None and case.decided_on >= case.accepted_on
    if case.certificate_issued_on:
        assert case.decision_outcome == "granted" and case.certificate_issued_on >= case.decided_on
    if case.kind == "labour_inspection" and case.status in ("decided", "served", "executing", "court"):
        assert case.notified_on is not None and case.decided_on >= case.notified_on
    if case.status == "rectifying":
        assert case.rectify_by and case.rectify_by > case.decided_on
    if case.status in ("withdrawn", "transferred"):  # the handling ended: no deadline of the case runs on
        assert not Obligation.objects.filter(object_type="cases.case", object_id=str(case.pk),
                                             status__in=("open", "overdue")).exists()


def walk(env, table, case, data, steps=16):
    day = case.clue_on
    for _ in range(steps):
        day += dt.timedelta(days=data.draw(st.sampled_from([2, 0])))  # same-day moves: 当场受理/当场决定
        here = [t.action for t in table.from_state(case.status)]
        action = data.draw(st.sampled_from(here) if here and data.draw(st.integers(0, 9)) < 8
                           else st.sampled_from(table.actions()))
        actor = actor_for(env, table, action) if data.draw(st.integers(0, 9)) < 8 else data.draw(
            st.sampled_from([env.officer, env.head, env.reviewer, env.outsider]))
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


@pytest.mark.parametrize("name", ["licence_general", "confirmation_general", "labour_inspection_general"])
@WALK
@given(data=st.data())
def test_random_walks_keep_the_invariants(walk_env, name, data):
    table = get_table(name)
    walk(walk_env, table, new_kind_case(walk_env, KIND_OF[name], on=D0, on_the_spot=name == "licence_general"), data)
    report = verify.run()
    assert report.ok, report.findings


ENDINGS = {"licence_general": "withdraw_application", "labour_inspection_general": "transfer_case"}


@pytest.mark.parametrize("name", sorted(ENDINGS))
@WALK
@given(data=st.data())
def test_walks_ended_by_withdrawal_or_transfer_leave_nothing_running(walk_env, name, data):
    """A random stretch, then the applicant's withdrawal or the transfer where the table allows it (or a
    当场决定 on the day of receipt), then more random moves: all refused, no deadline left running."""
    table = get_table(name)
    case = new_kind_case(walk_env, KIND_OF[name], on=D0, on_the_spot=name == "licence_general")
    if name == "licence_general" and data.draw(st.booleans()):
        C.move_case(case, "decide_on_the_spot", actor=walk_env.head, on=D0, **INPUTS["decide_on_the_spot"])
        assert case.status == "granted" and case.accepted_on == case.decided_on == D0
    walk(walk_env, table, case, data, steps=data.draw(st.integers(0, 6)))
    ending = ENDINGS[name]
    if table.find(case.status, ending) is None:
        return
    on = case.clue_on + dt.timedelta(days=20)
    C.move_case(case, ending, actor=actor_for(walk_env, table, ending), on=on, **INPUTS[ending])
    assert case.status in ("withdrawn", "transferred")
    walk(walk_env, table, case, data, steps=4)
    assert case.status in ("withdrawn", "transferred")
    report = verify.run()
    assert report.ok, report.findings
