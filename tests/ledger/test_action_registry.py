"""Registered ledger actions, the derived agency, operation ids, old/new values, unknown actions."""

import json

import pytest
from django.db import transaction

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger import registry, verify
from sanxiang.ledger.actions import append_entry, do_post_announcement
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T

pytestmark = pytest.mark.django_db


def _body(entry):
    return json.loads(entry.entry)


def _last():
    return LedgerEntry.objects.latest("index")


def test_every_action_in_use_has_a_chinese_label():
    labels = registry.registered()
    for name in ("issue_certificate", "open_obligation", "post_announcement", "assign_role"):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in labels[name]), name
    assert registry.action_label("no_such_action") == "未登记的动作（no_such_action）"


def test_an_unregistered_action_is_refused_and_nothing_is_appended():
    before = LedgerEntry.objects.count()
    with pytest.raises(RuntimeError, match="not registered"):
        with transaction.atomic():
            append_entry(action="invented_action", actor=OPERATOR, payload={})
    assert LedgerEntry.objects.count() == before


def test_the_agency_is_derived_from_the_object():
    agency = T.agency("derived-a")
    unit = A.do_create_unit(agency, "执法一队", actor=OPERATOR)
    person = T.person(agency, unit=unit)
    cert = T.certificate(person)
    for obj in (unit, person, cert):
        entry = LedgerEntry.objects.filter(object_type=obj.ledger_type(), object_id=str(obj.pk)).latest("index")
        assert entry.agency == "derived-a"
        assert _body(entry)["agency"] == "derived-a"


# Real commits: inside pytest-django's per-test transaction every act would be one transaction.
@pytest.mark.django_db(transaction=True)
def test_entries_of_one_act_share_an_operation_id_and_acts_differ():
    with transaction.atomic():
        do_post_announcement("一", actor=OPERATOR)
        do_post_announcement("二", actor=OPERATOR)
    first, second = LedgerEntry.objects.order_by("-index")[:2][::-1]
    do_post_announcement("三", actor=OPERATOR)
    third = _last()
    assert _body(first)["operation"] == _body(second)["operation"]
    assert _body(third)["operation"] != _body(first)["operation"]
    assert len(_body(third)["operation"]) == 32


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_act_does_not_lend_its_operation_id_to_the_next():
    with pytest.raises(ValueError):
        with transaction.atomic():
            do_post_announcement("回滚", actor=OPERATOR)
            raise ValueError("abort")
    do_post_announcement("甲", actor=OPERATOR)
    do_post_announcement("乙", actor=OPERATOR)
    a, b = LedgerEntry.objects.order_by("-index")[:2]
    assert _body(a)["operation"] != _body(b)["operation"]


def test_updates_record_old_and_new_values():
    agency = T.agency("changes-a")
    A.do_update_agency(agency, name="新名称", jurisdiction="高新区", actor=OPERATOR)
    payload = _body(_last())["payload"]
    assert payload["name"] == {"old": "测试主体changes-a", "new": "新名称"}
    assert payload["jurisdiction"] == {"old": "", "new": "高新区"}
    person = T.person(agency)
    A.do_update_person(person, position="队长", actor=OPERATOR)
    assert _body(_last())["payload"] == {"position": {"old": "", "new": "队长"}}
    cert = T.certificate(person)
    A.do_suspend_certificate(cert, reason="调查", actor=OPERATOR)
    payload = _body(_last())["payload"]
    assert (payload["from"], payload["status"]) == ("valid", "suspended")


def test_verify_names_entries_whose_action_is_not_registered(monkeypatch):
    registry.register_actions({"retired_action": "已停用的动作"})
    with transaction.atomic():
        append_entry(action="retired_action", actor=OPERATOR, payload={})
    index = _last().index
    assert verify.run().ok
    monkeypatch.delitem(registry._actions, "retired_action")
    report = verify.run()
    found = [f for f in report.findings if f.code == "unknown_action"]
    assert [f.detail["index"] for f in found] == [index]
    assert "retired_action" in found[0].message


def test_system_actors_are_named_in_the_ledger():
    do_post_announcement("运维公告", actor=OPERATOR)
    assert _last().actor == "system:cli"


def test_an_act_without_an_actor_is_refused_and_none_is_not_an_administrator():
    from sanxiang.orgs.errors import OrgsPermissionDenied

    before = LedgerEntry.objects.count()
    with pytest.raises(RuntimeError, match="needs an actor"):
        with transaction.atomic():
            append_entry(action="post_announcement", actor=None, payload={})
    agency = T.agency("no-actor-a")
    with pytest.raises(OrgsPermissionDenied):
        A.do_create_unit(agency, "无主科室", actor=None)
    assert LedgerEntry.objects.count() == before + 1  # only the agency's creation


def test_a_fresh_process_knows_every_action_the_application_records():
    """`sanxiang verify` runs in a process that served no page: it must know the actions that only
    modules reached through the pages and the API register (else it reports them as unknown)."""
    import os
    import subprocess
    import sys

    def registered_in_a_fresh_process(first=""):
        script = (f"import django, json; django.setup(); {first}"
                  "from sanxiang.ledger.registry import registered; print(json.dumps(sorted(registered())))")
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "DJANGO_SETTINGS_MODULE": "sanxiang.settings"})
        return set(json.loads(done.stdout))

    served = registered_in_a_fresh_process("import sanxiang.urls; ")  # all a page or the API imports
    assert "register_evidence" in served
    assert served - registered_in_a_fresh_process() == set()


# Decorators that run the action inside `transaction.atomic()` of their own (checked below).
RUNS_IN_ITS_TRANSACTION = {"_fills_before_its_transaction"}  # documents/actions.py: fills a template first


@pytest.mark.django_db(transaction=True)  # no test transaction around it: the decorator's own is seen
def test_the_decorators_that_stand_for_atomic_run_the_action_in_a_transaction():
    from django.db import transaction

    from sanxiang.documents import actions

    seen = []

    @actions._fills_before_its_transaction
    def action(*, _prefilled):
        seen.append(transaction.get_connection().in_atomic_block)

    assert not transaction.get_connection().in_atomic_block
    action()
    assert seen == [True]


def test_every_action_that_writes_the_ledger_runs_in_one_transaction():
    """A `do_*` that appends its ledger row must hold its row and the entry in one transaction
    (`@transaction.atomic`, or a `with transaction.atomic()` of its own). s19 tester8 #1: a helper put
    between the decorator and the action left 移交音像记录原件 outside any transaction — its row was
    saved, the entry refused, the request a 500. Tests run inside a transaction and could not see it."""
    import ast
    from pathlib import Path

    import sanxiang

    outside = []
    for path in Path(sanxiang.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("do_")):
                continue
            called = {getattr(c.func, "id", None) or getattr(c.func, "attr", None)
                      for c in ast.walk(node) if isinstance(c, ast.Call)}
            if "append_entry" not in called:
                continue
            decorated = any("atomic" in ast.unparse(d) or ast.unparse(d) in RUNS_IN_ITS_TRANSACTION
                            for d in node.decorator_list)
            if not decorated and "transaction.atomic()" not in ast.unparse(node):
                outside.append(f"{path.name}:{node.lineno} {node.name}")
    assert outside == []
