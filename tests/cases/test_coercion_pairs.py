"""Every (state, action) pair of the `coercive_measure` table: it moves as the table says, or it is
refused with a Chinese reason and nothing is written (measure row, deadlines, ledger); and random
walks (hypothesis) keep the invariants of 行政强制法 第二十五条 with the ledger verifying after each."""

import datetime as dt

import pytest
from coercion_cast import START, on_site, proposed
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pairs_cast import Rollback, spanning_tree

from sanxiang.cases.kinds import coercion as K
from sanxiang.cases.models import CoerciveMeasure, MeasureKind
from sanxiang.core.errors import SanxiangError
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger import verify
from sanxiang.ledger.models import LedgerEntry
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
TABLE = get_table("coercive_measure")

INPUTS = {
    "approve": {}, "refuse": {"reason": "证据不足以采取强制措施"}, "withdraw": {"reason": "当事人已主动封存"},
    "implement": "on_site", "implement_urgently": "on_site",
    "approve_afterwards": {}, "refuse_afterwards": {"reason": "不属于紧急情况"},
    "extend": {"reason": "案情复杂", "party_told": True}, "start_testing": {"testing": "送某检测中心", "party_told": True},
    "end_testing": {"result": "不合格"}, "release": {"release_reason": "no_violation"},
    "dispose": {"outcome": "transfer", "note": "移送公安机关"},
    "decide_item": lambda m: {"item": undecided(m).pk, "outcome": "returned", "basis": "与违法行为无关"},
    "sell_item": lambda m: {"item": undecided(m).pk, "method": "sale", "proceeds": "1280.50",
                            "ground": "冷鲜肉临近保质期，不易保管", "party_consent": True},
    "end_by_items": {"note": "逐项处理完毕"},
    "seal_or_seize": {"measure_kind": "seize", "reason": "经检验不合格，依法扣押"},
}


def undecided(m):
    return m.items.filter(disposal="").first() or m.items.first()


def kind_refusal(m, action):
    """The table's moves that one kind of measure refuses by a guard, with the reason's words."""
    if m.kind == MeasureKind.PRESERVATION and action in ("extend", "start_testing"):
        return "先行登记保存不能延长"
    if m.kind != MeasureKind.PRESERVATION and action == "seal_or_seize":
        return "不是先行登记保存"
    return None


def params_of(m, action):
    params = INPUTS[action]
    if params == "on_site":
        return on_site(m.case, **({"emergency_reason": "财物可能被转移"} if action == "implement_urgently" else {}))
    return params(m) if callable(params) else params


def prepare(env, m, action, on):
    """What a move needs before it: `end_by_items` follows a decision on every item."""
    if action == "end_by_items":
        for item in m.items.filter(disposal=""):
            K.do_decide_seized_item(item, outcome="returned", on=on, actor=env.head)
        m.refresh_from_db()


def step(env, m, action, on):
    actor = env.officer if "officer" in TABLE.roles(action) else env.head
    return K.move_measure(m, action, actor=actor, on=on, **params_of(m, action))


def written(m):
    obs = Obligation.objects.filter(object_type="cases.coercivemeasure", object_id=str(m.pk))
    return (CoerciveMeasure.objects.get(pk=m.pk).ledger_digest(), LedgerEntry.objects.count(),
            sorted(obs.values_list("kind", "status", "due")))


def try_every_action(env, m, state, on, tried):
    before = written(m)
    for action in TABLE.actions():
        tried.add((state, action))
        transition = TABLE.find(state, action)
        if transition is not None and kind_refusal(m, action):
            with pytest.raises(SanxiangError) as refused:
                step(env, m, action, on)
            assert kind_refusal(m, action) in refused.value.message, (state, action)
            assert written(m) == before, (state, action)
            continue
        if transition is None:
            with pytest.raises(SanxiangError) as refused:
                step(env, m, action, on)
            assert f"不能执行“{TABLE.action_label(action)}”" in refused.value.message, (state, action)
            assert written(m) == before, (state, action)
            continue
        try:
            with transaction.atomic():
                prepare(env, m, action, on)
                count = LedgerEntry.objects.filter(object_type="cases.coercivemeasure", object_id=str(m.pk)).count()
                moved = step(env, m, action, on)
                assert moved.status == CoerciveMeasure.objects.get(pk=m.pk).status == transition.target, (state, action)
                first = LedgerEntry.objects.filter(object_type="cases.coercivemeasure", object_id=str(m.pk))[count]
                assert first.action == TABLE.ledger_action(transition)
                raise Rollback
        except Rollback:
            m.refresh_from_db()
        assert m.status == state and written(m) == before, (state, action)


def explore(env, m, state, day, tree, tried):
    try_every_action(env, m, state, day + dt.timedelta(days=1), tried)
    for action, child in tree[state]:
        if kind_refusal(m, action):
            continue  # that state is explored with the other kind
        next_day = day + dt.timedelta(days=1)
        try:
            with transaction.atomic():
                prepare(env, m, action, next_day)
                step(env, m, action, next_day)
                assert m.status == child
                explore(env, m, child, next_day, tree, tried)
                raise Rollback
        except Rollback:
            m.refresh_from_db()


def test_every_pair_moves_as_the_table_says_or_is_refused(env):
    tried = set()
    for kind in (MeasureKind.SEAL, MeasureKind.PRESERVATION):  # seal_or_seize is the preservation's alone
        explore(env, proposed(env, kind=kind, items=2), TABLE.initial, START, spanning_tree(TABLE), tried)
    assert tried == {(s, a) for s in TABLE.states for a in TABLE.actions()}


def test_release_is_possible_from_every_state_holding_the_goods():
    for state in K.IN_FORCE:
        assert TABLE.find(state, "release") or TABLE.find(state, "refuse_afterwards")


LIMIT, EXTENSION = 30, 30


def check_invariants(m, today):
    """No measure holds goods beyond its period plus one lawful extension and the paused days; the
    extension is within the profile; an ended measure has no running deadline and its goods are dealt with."""
    m.refresh_from_db()
    obs = Obligation.objects.filter(object_type="cases.coercivemeasure", object_id=str(m.pk), kind=K.SEIZURE_PERIOD)
    assert m.extension_days <= EXTENSION
    if m.status in K.IN_FORCE:
        ob = obs.get()
        paused = sum(((p.end or today) - p.start).days for p in ob.pauses.all())
        latest = m.implemented_on + dt.timedelta(days=LIMIT + m.extension_days + paused + 10)  # + a rolled holiday
        assert ob.due <= latest and ob.extensions.count() == (1 if m.extension_days else 0)
    if m.status in ("released", "disposed"):
        assert not obs.exclude(status="met").exists()
        assert not m.items.filter(disposal="").exists()


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data())
def test_random_walks_keep_the_invariants(env, data):
    m, day = proposed(env), START
    for _ in range(12):
        day += dt.timedelta(days=data.draw(st.integers(1, 12)))
        here = [t.action for t in TABLE.from_state(m.status)]
        action = data.draw(st.sampled_from(here) if here and data.draw(st.integers(0, 9)) < 8
                           else st.sampled_from(TABLE.actions()))
        right = env.officer if "officer" in TABLE.roles(action) else env.head
        actor = right if data.draw(st.integers(0, 9)) < 8 else data.draw(st.sampled_from(
            [env.officer, env.head, env.reviewer, env.outsider]))
        before = written(m)
        target = TABLE.find(m.status, action)
        params = params_of(m, action)
        if action in ("decide_item", "sell_item"):
            params["item"] = data.draw(st.sampled_from(list(m.items.values_list("pk", flat=True))))
        if action == "decide_item":
            params["outcome"] = data.draw(st.sampled_from(["returned", "destroy", "confiscate"]))
        if action == "extend" and data.draw(st.booleans()):
            params = {**params, "days": data.draw(st.integers(1, 45))}
        try:
            K.move_measure(m, action, actor=actor, on=day, **params)
        except SanxiangError as refused:
            assert refused.message and written(m) == before
            m.refresh_from_db()
        else:
            assert target is not None and m.status == target.target
        check_invariants(m, day)
    report = verify.run()
    assert report.ok, report.findings
