"""Every (state, action) pair of the 行政许可, 行政确认, 行政裁决 and 劳动保障监察 tables: it moves as the
table says, or it is refused with a Chinese reason and nothing is written (case row, deadlines, ledger).

As in test_case_pairs.py: one case per table walks the table's spanning tree, and in each state every
action is tried inside a savepoint that is rolled back."""

import datetime as dt

import pytest
from django.db import transaction
from kinds_cast import D0, INPUTS, KIND_OF, make_kinds_env, new_kind_case, prepare, step
from pairs_cast import Rollback, entries, spanning_tree, written

from sanxiang.cases.models import Case
from sanxiang.core.errors import RuleViolation
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db

TABLES = ("licence_general", "confirmation_general", "adjudication_general", "labour_inspection_general")
REFUSED_BY_LAW = {
    ("licence_general", "reviewing", "request_hearing"): "尚未告知听证权利",
    ("licence_general", "hearing", "hold_hearing"): "尚未通知听证的时间、地点",
    ("licence_general", "extending", "deem_extension"): "届满前应当作出是否准予延续的决定",
    ("labour_inspection_general", "hearing", "hold_hearing"): "尚未送达听证通知",
}


@pytest.fixture(scope="module")
def kinds_env(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_kinds_env(profile_key="")
        transaction.set_rollback(True)


def try_every_action(env, table, case, state, on, tried):
    before = written(case)
    for action in table.actions():
        tried.add((state, action))
        transition = table.find(state, action)
        if transition is None:
            with pytest.raises(RuleViolation) as refused:
                step(env, table, case, action, on)
            assert (f"的当前状态为“{table.states[state]}”，不能执行“{table.action_label(action)}”。"
                    in refused.value.message), (state, action)
            assert written(case) == before, (state, action)
            continue
        try:
            with transaction.atomic():
                prepare(env, table, case, action, on)
                if (table.name, state, action) in REFUSED_BY_LAW and REFUSED_BY_LAW[table.name, state, action]:
                    prepared = written(case)
                    with pytest.raises(RuleViolation) as refused:
                        step(env, table, case, action, on)
                    assert REFUSED_BY_LAW[table.name, state, action] in refused.value.message, (state, action)
                    assert written(case) == prepared, (state, action)
                    raise Rollback
                count = entries(case).count()
                moved = step(env, table, case, action, on)
                assert moved.status == Case.objects.get(pk=case.pk).status == transition.target, (state, action)
                assert table.ledger_action(transition) in [e.action for e in list(entries(case))[count:]]
                raise Rollback
        except Rollback:
            case.refresh_from_db()
        assert case.status == state and written(case) == before, (state, action)


def explore(env, table, case, state, day, tree, tried):
    try_every_action(env, table, case, state, day + dt.timedelta(days=1), tried)
    for action, child in tree[state]:
        next_day = day + dt.timedelta(days=1)
        try:
            with transaction.atomic():
                prepare(env, table, case, action, next_day)
                step(env, table, case, action, next_day)
                assert case.status == child
                explore(env, table, case, child, next_day, tree, tried)
                raise Rollback
        except Rollback:
            case.refresh_from_db()


@pytest.mark.parametrize("name", TABLES)
def test_every_pair_moves_as_the_table_says_or_is_refused(kinds_env, name):
    table = get_table(name)
    # A licence decidable on the spot, received the day the walk's first moves are tried (当场决定 moves).
    case = (new_kind_case(kinds_env, "licence", on=D0 + dt.timedelta(days=1), on_the_spot=True)
            if name == "licence_general" else new_kind_case(kinds_env, KIND_OF[name]))
    tried = set()
    explore(kinds_env, table, case, table.initial, D0, spanning_tree(table), tried)
    assert tried == {(s, a) for s in table.states for a in table.actions()}


def test_inputs_name_every_action():
    for name in TABLES:
        assert set(get_table(name).actions()) <= set(INPUTS)
