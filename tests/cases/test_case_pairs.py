"""Every (state, action) pair of each case table: it moves as the table says, or it is refused
with a Chinese reason and nothing is written (case row, deadlines, ledger)."""

import datetime as dt

import pytest
from cases_cast import INPUTS, reach, step
from django.db import transaction

from sanxiang.cases.models import Case
from sanxiang.core.errors import RuleViolation
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db

TABLES = ("penalty_general", "penalty_simplified")
STATES = [(name, state) for name in TABLES for state in get_table(name).states]
# Payments are partial (¥100), so closing with the fine outstanding is refused by the law, not the table.
REFUSED_BY_LAW = {
    ("penalty_general", "served", "close"), ("penalty_general", "executing", "close"),
    ("penalty_simplified", "served", "close"), ("penalty_simplified", "executing", "close"),
}
# Before a decision the party waives its rights, so the windows do not hold it.
PREPARE = {"decide": "waive_rights"}


class Rollback(Exception):
    pass


def written(case):
    return (Case.objects.get(pk=case.pk).ledger_digest(), LedgerEntry.objects.count(),
            Obligation.objects.filter(object_id=str(case.pk), object_type="cases.case").count(),
            sorted(Obligation.objects.filter(object_id=str(case.pk), object_type="cases.case")
                   .values_list("status", flat=True)))


def test_the_pairs_cover_every_state_and_action():
    for name in TABLES:
        table = get_table(name)
        assert len([s for n, s in STATES if n == name]) == len(table.states)
        assert table.actions()


@pytest.mark.parametrize("name,state", STATES, ids=[f"{n}:{s}" for n, s in STATES])
def test_every_action_from_state(env, name, state):
    table = get_table(name)
    case, day = reach(env, table, state)
    on = day + dt.timedelta(days=1)
    for action in table.actions():
        transition = table.find(state, action)
        try:
            with transaction.atomic():
                if transition is None:
                    before = written(case)
                    with pytest.raises(RuleViolation) as refused:
                        step(env, table, case, action, on)
                    assert (f"的当前状态为“{table.states[state]}”，不能执行“{table.action_label(action)}”。"
                            in refused.value.message), action
                    assert written(case) == before
                    raise Rollback
                if action in PREPARE:
                    step(env, table, case, PREPARE[action], on)
                before = written(case)
                if (name, state, action) in REFUSED_BY_LAW:
                    with pytest.raises(RuleViolation) as refused:
                        step(env, table, case, action, on)
                    assert "尚有未履行的时限" in refused.value.message
                    assert written(case) == before
                    raise Rollback
                count = LedgerEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).count()
                moved = step(env, table, case, action, on)
                assert moved.status == Case.objects.get(pk=case.pk).status == transition.target, action
                entries = list(LedgerEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
                               .order_by("index"))[count:]
                assert [e.action for e in entries] == [table.ledger_action(transition)]
                raise Rollback
        except Rollback:
            case.refresh_from_db()
        assert case.status == state


def test_inputs_name_every_action():
    for name in TABLES:
        assert set(get_table(name).actions()) <= set(INPUTS)
