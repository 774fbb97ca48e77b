"""The permission test every model inherits (NetBox's view-test style): for every model with an
access policy, a row of agency A, and every member of the cast — each role of agency A and of
agency B, a supervisor of A and one of B only, an adviser entrusted with some of A's objects, the
row's owner, an account without a role, a disabled account, anonymous, the system administrator
and the operator's console — what `restrict()` lets them read or do and whether `can()` agrees.

The expected answer comes from an oracle written here (in Python, per object, from what the
builder says the row belongs to), not from the policy's SQL, so a wrong filter shows.
"""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from sanxiang.access.policy import (
    AGENCY, ENTRUSTED, OWN, SELF, SUPERVISED, UNIT, VIEW, can, policy_for, registered_models, restrict,
)
from sanxiang.orgs.models import Person

from access_builders import build

pytestmark = pytest.mark.django_db
def expected(member, policy, action, built) -> bool:
    """The oracle: may `member` `action` the built row?"""
    if member.system:
        return True
    if policy.public and action == VIEW:
        return True
    if not getattr(member.user, "is_authenticated", False) or not member.user.is_active:
        return False
    grants = policy.rules.get(action, {})
    if built.owner is not None and built.owner == member.user and OWN in grants.get(SELF, ()):
        return True
    for role, agency, unit in member.roles:
        for scope in grants.get(str(role), ()):
            if built.agency is None:
                continue
            if scope == AGENCY and built.agency == agency:
                return True
            if scope == UNIT and unit is not None and built.unit == unit and built.agency == agency:
                return True
            if scope == SUPERVISED and built.agency.supervised_by.filter(pk=agency.pk).exists():
                return True
            if (scope == ENTRUSTED and built.agency == agency
                    and (policy.label, built.obj.pk) in member.entrusted):
                return True
            if scope == OWN and built.owner == member.user:
                return True
    return False


def _models():
    return sorted(registered_models(), key=lambda m: m._meta.label_lower)


def test_every_model_of_sanxiang_has_an_access_policy():
    missing = [m._meta.label for m in apps.get_models()
               if m.__module__.startswith("sanxiang.") and policy_for(m) is None]
    assert missing == [], "register these models in their app's policies.py"


@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label_lower)
def test_each_member_reads_and_acts_as_the_table_says(cast, model):
    policy = policy_for(model)
    built = build(cast, policy.label)
    assert built is not None, f"add a builder for {policy.label} in tests/access/builders.py"
    obj = built.obj
    actions = sorted(set(policy.rules) | {VIEW, "change"})
    wrong = []
    for member in cast.members.values():
        for action in actions:
            want = expected(member, policy, action, built)
            rows = restrict(model._base_manager.all(), member.user, action)
            got_restrict = rows.filter(pk=obj.pk).exists()
            got_can = can(member.user, action, obj)
            if (got_restrict, got_can) != (want, want):
                wrong.append(f"{member.name} {action}: expected {want}, restrict {got_restrict}, can {got_can}")
    assert wrong == []


def _agency_models():
    return [m for m in _models() if not policy_for(m).public and (policy_for(m).agency or policy_for(m).agency_code)]


@pytest.mark.parametrize("model", _agency_models(), ids=lambda m: m._meta.label_lower)
def test_nobody_of_agency_b_reaches_agency_a(cast, model):
    policy = policy_for(model)
    built = build(cast, policy.label)
    assert built.agency == cast.a
    for name, member in cast.members.items():
        if name.endswith("-b"):
            for action in set(policy.rules) | {VIEW}:
                assert not can(member.user, action, built.obj), (name, action)
                assert not restrict(model._base_manager.all(), member.user, action).filter(pk=built.obj.pk).exists()


def test_what_each_role_sees_in_plain_words(cast):
    """A few answers spelled out, so the table itself is checked, not only its implementation."""
    m = cast.members
    entry = build(cast, "ledger.ledgerentry").obj
    assert can(m["administrator-a"].user, VIEW, entry) and can(m["supervisor"].user, VIEW, entry)
    assert not can(m["officer-a"].user, VIEW, entry) and not can(m["agency-leader-a"].user, VIEW, entry)
    assert not can(m["supervisor-b"].user, VIEW, entry)
    device = build(cast, "orgs.totpdevice").obj
    assert can(cast.owner, VIEW, device) and not can(m["administrator-a"].user, VIEW, device)
    event = build(cast, "orgs.accountevent").obj
    assert not can(m["administrator-a"].user, VIEW, event) and can(m["sysadmin"].user, VIEW, event)
    assert can(m["officer-a"].user, VIEW, cast.certificate)
    assert not can(m["officer-a"].user, "change", cast.certificate)
    assert can(m["administrator-a"].user, "change", cast.certificate)
    assert not can(m["administrator-b"].user, "change", cast.certificate)
    other = Person.objects.get(name="李四")
    assert can(m["adviser"].user, VIEW, cast.owned_person) and not can(m["adviser"].user, VIEW, other)
    assert not can(m["adviser"].user, VIEW, cast.a) and not can(m["adviser"].user, VIEW, cast.certificate)
    assert not can(m["owner"].user, VIEW, other)


def test_an_adviser_sees_nothing_once_the_assignment_ends(cast):
    adviser = cast.members["adviser"].user
    later = dt.date.today() + dt.timedelta(days=31)
    assert restrict(Person.objects.all(), adviser).exists()
    assert not restrict(Person.objects.all(), adviser, on_date=later).exists()
