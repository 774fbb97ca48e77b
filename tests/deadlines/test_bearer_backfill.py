"""补记期限承担方: obligations opened before migration 0005 (no bearer) — the party's periods become the
party's, ledgered, so `sanxiang verify` still agrees; run by `sanxiang migrate`; a second run changes nothing."""

import datetime as dt

import pytest
from django.db import transaction

from sanxiang import cli
from sanxiang.access.actors import MIGRATION, OPERATOR
from sanxiang.cases import rules as R
from sanxiang.deadlines.actions import do_mark_overdue_obligations, do_open_obligation, seed_calendar
from sanxiang.deadlines.backfill import backfill_bearers
from sanxiang.deadlines.engine import compute_due
from sanxiang.deadlines.models import Obligation
from sanxiang.deadlines.queries import obligation_warnings
from sanxiang.ledger import verify
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def agency():
    seed_calendar(actor=OPERATOR, years=[2026])
    return T.agency()


def opened_before_0005(agency, kind, start="2026-09-01", count=10):
    """What the code before migration 0005 wrote: the row (bearer left at its default) and an opening entry
    whose payload has no bearer."""
    with transaction.atomic():
        due = compute_due(D(start), count, "days").due
        ob = Obligation.objects.create(object_type="cases.case", object_id=f"old-{kind}", agency=agency, kind=kind,
                                       start=D(start), count=count, unit="days", due=due)
        append_entry(action="open_obligation", actor=OPERATOR, obj=ob,
                     payload={"due": due, "status": ob.status, "kind": kind, "rule": "", "count": count,
                              "unit": "days", "provisional": False, "responsible_units": []})
    return ob


def entries(ob):
    return list(LedgerEntry.objects.filter(object_type=ob.ledger_type(), object_id=str(ob.pk))
                .order_by("index").values_list("action", flat=True))


@pytest.mark.parametrize("kind,overdue,bearer,status", [
    (R.STATEMENT, False, "party", "open"),
    (R.PAYMENT, True, "party", "expired"),  # marked 已超期 before the bearer existed: the sweep's 已届满
    (R.LITIGATION_WINDOW, False, "party", "open"),
    (R.TIME_LIMIT, True, "agency", "overdue"),  # the agency's own: untouched, still late
    (R.SERVICE, False, "agency", "open"),
])
def test_the_rule_that_opened_an_old_obligation_decides_who_holds_it(agency, kind, overdue, bearer, status):
    ob = opened_before_0005(agency, kind)
    if overdue:
        do_mark_overdue_obligations(today=D("2026-10-20"), actor=OPERATOR)
    before = entries(ob)
    changed = backfill_bearers(actor=MIGRATION)
    ob.refresh_from_db()
    assert (ob.bearer, ob.status) == (bearer, status)
    assert (ob in changed) == (bearer == "party")
    assert entries(ob) == before + (["backfill_obligation_bearer"] if bearer == "party" else [])
    last = LedgerEntry.objects.filter(object_type=ob.ledger_type(), object_id=str(ob.pk)).latest("index")
    assert last.state_digest == ob.ledger_digest() and (last.actor == "system:migrate") == (bearer == "party")
    # the party's period no longer counts as the agency's lateness
    assert (ob.pk in [o.pk for o, _ in obligation_warnings(agency, D("2026-10-20"))]) == (bearer == "agency")
    assert verify.run().ok
    assert backfill_bearers(actor=MIGRATION) == [] and entries(ob) == before + (["backfill_obligation_bearer"]
                                                                                 if bearer == "party" else [])


def test_an_obligation_opened_since_0005_keeps_the_bearer_it_was_given(agency):
    # 0005 and later record the bearer at opening: an agency-held period of a party kind was chosen so
    ob = do_open_obligation(object_type="cases.case", object_id="new", agency=agency, kind=R.STATEMENT,
                            start="2026-09-01", count=3, unit="days", bearer="agency", actor=OPERATOR)
    assert backfill_bearers(actor=MIGRATION) == []
    ob.refresh_from_db()
    assert ob.bearer == "agency" and entries(ob) == ["open_obligation"]


def test_sanxiang_migrate_runs_the_backfill(agency, capsys):
    ob = opened_before_0005(agency, R.HEARING_REQUEST)
    cli._backfill_bearers(quiet=False)  # what `sanxiang migrate` runs after the migrations
    ob.refresh_from_db()
    assert ob.bearer == "party" and "1 个当事人的期间已补记" in capsys.readouterr().out
    assert verify.run().ok
