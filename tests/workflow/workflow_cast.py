"""Builders shared by the workflow tests: objects in any state of a table, reached through the
table itself (so every object has a complete ledger), and the inputs each action needs."""

import datetime as dt
import itertools

from sanxiang.access.actors import JOBS
from sanxiang.deadlines.actions import do_open_obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.workflow import get_table

_seq = itertools.count(1)

# Inputs that let each action through when the table allows it (dates chosen so the guards agree).
INPUTS = {
    "certificate": {action: {"reason": "依法处理"} for action in ("suspend", "reinstate", "revoke", "expire")},
    "obligation": {
        "meet": {},
        "waive": {"reason": "案件终止调查"},
        "mark_overdue": {"today": dt.date(2030, 1, 1)},
        "expire": {"today": dt.date(2030, 1, 1)},
        "reopen": {"today": dt.date(2020, 1, 1)},
    },
}


def new_certificate(agency=None):
    return T.certificate(T.person(agency or T.agency()))


def new_obligation(agency=None, **kw):
    """An open deadline due on 2025-01-07, long past (so the system may mark it overdue)."""
    agency = agency or T.agency()
    args = dict(object_type="test.subject", object_id=str(next(_seq)), agency=agency.code, kind="测试时限",
                start=dt.date(2025, 1, 2), count=5, unit="days", actor=JOBS)
    args.update(kw)
    return do_open_obligation(**args)


NEW = {"certificate": new_certificate, "obligation": new_obligation}


def build(name, state, then=None):
    """A new object of table `name` brought to `state` along the table's shortest path (for a deadline
    that path or the next action `then` expires, a party's period: only those expire)."""
    table = get_table(name)
    path = table.paths()[state]
    party = name == "obligation" and ("expire" in path or (then == "expire" and "mark_overdue" not in path))
    obj = NEW[name](bearer="party") if party else NEW[name]()
    for action in path:
        table.apply(obj, action, actor=JOBS, **INPUTS[name][action])
    assert getattr(obj, table.state_field) == state
    return obj


def entries(obj):
    return LedgerEntry.objects.filter(object_type=obj.ledger_type(), object_id=str(obj.pk)).order_by("index")


def reloaded(obj):
    return type(obj).objects.get(pk=obj.pk)
