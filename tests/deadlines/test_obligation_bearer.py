"""Who holds a deadline (期限承担方): the agency's run late (已超期), the party's expire (已届满) and
never count as lateness — in the sweep, the warnings, the escalations and the workbench."""

import datetime as dt
import json

import pytest

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import (
    do_extend_obligation,
    do_mark_overdue_obligations,
    do_meet_obligation,
    do_open_obligation,
    do_waive_obligation,
    seed_calendar,
)
from sanxiang.deadlines.engine import DeadlineError
from sanxiang.deadlines.models import Obligation
from sanxiang.deadlines.queries import escalated_obligations, obligation_warnings, obligations_for_unit, warning_level
from sanxiang.ledger import verify
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.actions import do_create_unit

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def agency():
    seed_calendar(actor=OPERATOR, years=[2026])
    return T.agency()


def window(agency, bearer, start="2026-09-25", count=5, **kw):
    return do_open_obligation(object_type="test.case", object_id=f"{bearer}-{start}", agency=agency, kind="期限",
                              start=start, count=count, unit="days", leader="分管领导", bearer=bearer,
                              actor=OPERATOR, **kw)


@pytest.mark.parametrize("bearer,today,level,status,entry", [
    # 2026-09-25 + 5 days = 09-30 (a Wednesday, before 国庆)
    ("agency", "2026-09-30", "yellow", "open", None),
    ("party", "2026-09-30", None, "open", None),
    ("agency", "2026-10-01", "red", "overdue", "mark_overdue_obligation"),
    ("party", "2026-10-01", "expired", "expired", "expire_obligation"),
])
def test_the_sweep_and_the_warnings_by_bearer(agency, bearer, today, level, status, entry):
    ob = window(agency, bearer)
    assert ob.due == D("2026-09-30")
    assert warning_level(ob, D(today)) == level
    warned = [o.pk for o, _ in obligation_warnings(agency, D(today))]
    assert (ob.pk in warned) == (level in ("red", "yellow"))
    marked = do_mark_overdue_obligations(today=D(today), actor=OPERATOR)
    ob.refresh_from_db()
    assert ob.status == status and (ob in marked) == (entry is not None)
    if entry:
        last = LedgerEntry.objects.filter(object_type="deadlines.obligation", object_id=str(ob.pk)).order_by("index")
        assert last.last().action == entry
    assert (ob in escalated_obligations(agency, "分管领导", D(today))) == (level == "red")
    assert verify.run().ok


def test_an_expired_period_may_be_met_waived_or_reopened_by_an_extension(agency):
    approver = T.member(agency, "unit_head")
    paid, waived, deferred = (window(agency, "party", start=s) for s in ("2026-09-01", "2026-09-02", "2026-09-03"))
    do_mark_overdue_obligations(today=D("2026-09-20"), actor=OPERATOR)
    paid, waived, deferred = (Obligation.objects.get(pk=o.pk) for o in (paid, waived, deferred))
    assert {o.status for o in (paid, waived, deferred)} == {"expired"}
    do_meet_obligation(paid, actor=OPERATOR)
    do_waive_obligation(waived, reason="已申请人民法院强制执行", actor=OPERATOR)
    ob = do_extend_obligation(deferred, count=120, unit="days", approver=approver, reason="经济困难，批准延期缴纳",
                              actor=OPERATOR)
    assert [Obligation.objects.get(pk=o.pk).status for o in (paid, waived)] == ["met", "waived"]
    met = LedgerEntry.objects.filter(object_type="deadlines.obligation", object_id=str(paid.pk)).order_by("index").last()
    payload = json.loads(met.entry)["payload"]
    assert (payload["late"], payload["after_expiry"]) == (False, True)  # paid late by the party: no agency lateness
    assert (ob.status, ob.due) == ("open", D("2027-01-06"))  # 09-08 + 120 days (2027 is provisional)


def test_a_unit_queue_holds_the_party_periods_too(agency):
    unit = do_create_unit(agency, "执法一队", actor=OPERATOR)
    ob = window(agency, "party", units=[unit])
    assert list(obligations_for_unit(unit)) == [ob]


def test_an_unknown_bearer_is_refused_and_nothing_is_written(agency):
    count = LedgerEntry.objects.count()
    with pytest.raises(DeadlineError) as refused:
        window(agency, "court")
    assert refused.value.field == "bearer" and "承担方" in refused.value.message
    assert LedgerEntry.objects.count() == count and not Obligation.objects.exists()


def test_the_bearer_of_the_agency_is_not_in_the_ledger_state(agency):
    """Obligations ledgered before the field keep their digest; a party's period says so."""
    assert "bearer" not in window(agency, "agency").ledger_state()
    assert window(agency, "party", start="2026-09-26").ledger_state()["bearer"] == "party"
