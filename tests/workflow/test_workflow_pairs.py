"""Every (state, action) pair of each table, generated from the table: it moves as the table
says, or it is refused with a Chinese reason and nothing changes."""

import json

import pytest
from workflow_cast import INPUTS, build, entries, reloaded

from sanxiang.access.actors import JOBS
from sanxiang.core.errors import RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db

PAIRS = [(name, state, action) for name in INPUTS
         for state in get_table(name).states for action in get_table(name).actions()]


def test_the_pairs_cover_every_state_and_action():
    for name in ("certificate", "obligation"):
        table = get_table(name)
        assert len([p for p in PAIRS if p[0] == name]) == len(table.states) * len(table.actions())


@pytest.mark.parametrize("name,state,action", PAIRS, ids=[f"{n}:{s}:{a}" for n, s, a in PAIRS])
def test_pair(name, state, action):
    table = get_table(name)
    obj = build(name, state, action)
    digest, count, ledger_size = reloaded(obj).ledger_digest(), entries(obj).count(), LedgerEntry.objects.count()
    transition = table.find(state, action)
    if transition is None:
        with pytest.raises(RuleViolation) as refused:
            table.apply(obj, action, actor=JOBS, **INPUTS[name][action])
        assert (f"的当前状态为“{table.states[state]}”，不能执行“{table.action_label(action)}”。"
                in refused.value.message)
        assert reloaded(obj).ledger_digest() == digest and getattr(obj, table.state_field) == state
        assert LedgerEntry.objects.count() == ledger_size
        return
    moved = table.apply(obj, action, actor=JOBS, **INPUTS[name][action])
    assert getattr(moved, table.state_field) == getattr(reloaded(obj), table.state_field) == transition.target
    assert getattr(obj, table.state_field) == transition.target  # the caller's copy is not left stale
    new = list(entries(obj))[count:]
    assert [e.action for e in new] == [table.ledger_action(transition)]
    payload = json.loads(new[0].entry)["payload"]
    assert (payload["from"], payload["to"], new[0].actor) == (state, transition.target, "system:jobs")
    assert new[0].state_digest == reloaded(obj).ledger_digest()
