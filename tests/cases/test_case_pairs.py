"""Every (state, action) pair of each case table: it moves as the table says, or it is refused
with a Chinese reason and nothing is written (case row, deadlines, ledger).

One case per table walks the table's spanning tree (each state reached once, by its shortest
path); in each state every action is tried inside a savepoint that is rolled back."""

import datetime as dt

import pytest
from cases_cast import D0, INPUTS, new_case, onsite_case, settle, step
from django.db import transaction
from pairs_cast import Rollback, entries, spanning_tree, written

from sanxiang.cases import actions as C
from sanxiang.cases.models import Case
from sanxiang.core.errors import RuleViolation
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db

TABLES = ("penalty_general", "penalty_simplified")
# Payments are partial (¥100), so closing with the fine outstanding is refused by the law, not the table;
# The hearing is refused until its notice was served `cases.hearing_notice_lead` before (行政处罚法第六十四条).
OUTSTANDING = "尚有未履行的时限"
REFUSED_BY_LAW = {
    ("penalty_general", "served", "close"): OUTSTANDING, ("penalty_general", "executing", "close"): OUTSTANDING,
    ("penalty_simplified", "served", "close"): OUTSTANDING, ("penalty_simplified", "executing", "close"): OUTSTANDING,
    ("penalty_general", "hearing", "hold_hearing"): "尚未送达听证通知",
    # 执行中 is first reached by a bank payment: nothing collected on the spot to hand in.
    ("penalty_simplified", "executing", "hand_in_collected_fine"): "没有待交回的当场收缴罚款",
}


def try_every_action(env, table, case, state, on, tried):
    before = written(case)
    for action in table.actions():
        tried.add((state, action))
        transition = table.find(state, action)
        if transition is None:  # refused by the table: nothing to roll back
            with pytest.raises(RuleViolation) as refused:
                step(env, table, case, action, on)
            assert (f"的当前状态为“{table.states[state]}”，不能执行“{table.action_label(action)}”。"
                    in refused.value.message), (state, action)
            assert written(case) == before, (state, action)
            continue
        try:
            with transaction.atomic():
                if action == "decide":
                    step(env, table, case, "waive_rights", on)
                if action == "decide_no_penalty":  # the proposal 拟不予行政处罚 (decision 0075)
                    case.refresh_from_db()
                    C.do_revise_case_proposal(case, version=case.version, penalties=[], no_penalty_ground="minor",
                                              actor=env.officer)
                if (table.name, state, action) in REFUSED_BY_LAW:
                    prepared = written(case)
                    with pytest.raises(RuleViolation) as refused:
                        step(env, table, case, action, on)
                    assert REFUSED_BY_LAW[table.name, state, action] in refused.value.message, (state, action)
                    assert written(case) == prepared, (state, action)
                    raise Rollback
                count = entries(case).count()
                moved = step(env, table, case, action, on)
                assert moved.status == Case.objects.get(pk=case.pk).status == transition.target, (state, action)
                assert [e.action for e in list(entries(case))[count:]] == [table.ledger_action(transition)]
                raise Rollback
        except Rollback:
            case.refresh_from_db()
        assert case.status == state and written(case) == before


def explore(env, table, case, state, day, tree, tried):
    try_every_action(env, table, case, state, day + dt.timedelta(days=1), tried)
    for action, child in tree[state]:
        next_day = day + dt.timedelta(days=1)
        try:
            with transaction.atomic():
                if action == "decide":
                    step(env, table, case, "waive_rights", next_day)
                if action == "close" and case.status in ("served", "executing"):
                    settle(env, table, case, next_day)
                step(env, table, case, action, next_day)
                assert case.status == child
                explore(env, table, case, child, next_day, tree, tried)
                raise Rollback
        except Rollback:
            case.refresh_from_db()


@pytest.mark.parametrize("name", TABLES)
def test_every_pair_moves_as_the_table_says_or_is_refused(env, name):
    table = get_table(name)
    case = onsite_case(env) if name == "penalty_simplified" else new_case(env)
    tried = set()
    explore(env, table, case, table.initial, D0, spanning_tree(table), tried)
    assert tried == {(s, a) for s in table.states for a in table.actions()}


def test_inputs_name_every_action():
    for name in TABLES:
        assert set(get_table(name).actions()) <= set(INPUTS)
