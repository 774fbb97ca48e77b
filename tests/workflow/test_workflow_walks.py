"""Random walks (hypothesis) over the certificate and obligation tables, by people of every kind.

An oracle written from the table decides each step's outcome (moved, not permitted, refused);
after every walk the state is a declared one, the object has one ledger entry per move, and
`sanxiang verify` passes.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tamper import SEED_A
from workflow_cast import entries, new_certificate, new_obligation, reloaded

from sanxiang.access.actors import JOBS
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger import verify
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
WALK = settings(max_examples=20, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PEOPLE = ["system", "admin", "leader", "unit_head", "officer", "foreign_admin", "anonymous"]


@pytest.fixture
def cast(tmp_path):
    with override_settings(DATA_DIR=tmp_path, SIGNING_KEY=SEED_A):
        agency, other = T.agency(), T.agency()
        yield {
            "agency": agency, "system": JOBS, "anonymous": AnonymousUser(),
            "admin": T.member(agency, Role.ADMINISTRATOR), "leader": T.member(agency, Role.AGENCY_LEADER),
            "unit_head": T.member(agency, Role.UNIT_HEAD), "officer": T.member(agency, Role.OFFICER),
            "foreign_admin": T.member(other, Role.ADMINISTRATOR),
        }


def walk(table, obj, cast, steps, expected_outcome, params_of):
    moves = 0
    start_entries = entries(obj).count()
    for action, who, choice in steps:
        state = getattr(obj, table.state_field)
        before = (reloaded(obj).ledger_digest(), entries(obj).count())
        expected = expected_outcome(state, action, who, choice)
        try:
            table.apply(obj, action, actor=cast[who], **params_of(action, choice))
        except (NotPermitted, RuleViolation) as refused:
            assert type(refused).__name__ == expected, (state, action, who, choice, refused.message)
            assert refused.message
            assert (reloaded(obj).ledger_digest(), entries(obj).count()) == before
        else:
            assert expected == "moved", (state, action, who, choice)
            assert getattr(obj, table.state_field) == table.find(state, action).target
            moves += 1
        assert getattr(reloaded(obj), table.state_field) in table.states
    assert entries(obj).count() == start_entries + moves
    report = verify.run()
    assert report.ok, report.findings


CERTIFICATE_ADMINS = {"system", "admin"}


@WALK
@given(st.lists(st.tuples(st.sampled_from(get_table("certificate").actions()), st.sampled_from(PEOPLE),
                          st.sampled_from(["调查", "", "  "])), max_size=10))
def test_random_walks_over_the_certificate_table(cast, steps):
    table = get_table("certificate")

    def expected(state, action, who, reason):
        if who not in CERTIFICATE_ADMINS:
            return "NotPermitted"
        if table.find(state, action) is None or not reason.strip():
            return "RuleViolation"
        return "moved"

    walk(table, new_certificate(cast["agency"]), cast, steps, expected, lambda action, reason: {"reason": reason})


OBLIGATION_ROLES = {"meet": {"system", "admin", "leader", "unit_head"}, "waive": {"system", "admin", "leader"},
                    "mark_overdue": {"system"}, "reopen": {"system"}, "expire": {"system"}}
DAYS = {"past": dt.date(2020, 1, 1), "future": dt.date(2030, 1, 1), "today": None}


@WALK
@given(st.lists(st.tuples(st.sampled_from(get_table("obligation").actions()), st.sampled_from(PEOPLE),
                          st.sampled_from(["past", "future", "today", "blank"])), max_size=10))
def test_random_walks_over_the_obligation_table(cast, steps):
    table = get_table("obligation")  # the obligation falls due on 2025-01-07

    def expected(state, action, who, choice):
        if who not in OBLIGATION_ROLES[action]:
            return "NotPermitted"
        if table.find(state, action) is None:
            return "RuleViolation"
        if action == "waive" and choice == "blank":
            return "RuleViolation"
        if action == "expire":
            return "RuleViolation"  # the walk's deadline is the agency's: it runs late, it never expires
        if action == "mark_overdue" and choice == "past":
            return "RuleViolation"  # not yet due on 2020-01-01
        if action == "reopen" and choice != "past":
            return "RuleViolation"  # still past due
        return "moved"

    def params(action, choice):
        if action == "waive":
            return {"reason": "" if choice == "blank" else "案件终止调查"}
        if action in ("mark_overdue", "reopen", "expire") and choice != "blank":
            return {"today": DAYS[choice]}
        return {}

    walk(table, new_obligation(cast["agency"]), cast, steps, expected, params)
