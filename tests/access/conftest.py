"""The cast of the permission tests: two agencies with every role, supervisors, an adviser, an
owner, an account without a role, a disabled account, anonymous, the system administrator."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import AnonymousUser

from sanxiang.access.actors import OPERATOR
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role

STAFF_ROLES = [r for r in Role if r not in (Role.SUPERVISOR, Role.ADVISER)]
SINCE = dt.date(2020, 1, 1)


@dataclass
class Member:
    name: str
    user: object
    roles: list = field(default_factory=list)       # (role, agency, unit)
    entrusted: set = field(default_factory=set)     # {(model label, pk)}
    system: bool = False


@dataclass
class Cast:
    a: object
    b: object
    unit_a: object
    owned_person: object
    certificate: object
    equipment: object
    owner: object
    owner_role: object
    members: dict


def _member(name, agency, role, unit=None, scope=(), valid_to=None):
    user = T.user(name)
    A.do_assign_role(user, agency, role, unit=unit, valid_from=SINCE, valid_to=valid_to, scope=list(scope),
                     actor=OPERATOR)
    return Member(name, user, [(role, agency, unit)])


@pytest.fixture
def cast():
    return build_cast()


@pytest.fixture(scope="module")
def module_cast(django_db_setup, django_db_blocker):
    """The cast built once for a module whose tests only read it (pages and endpoints asked, nothing
    changed on the cast's own objects), in a transaction of the module's own rolled back after it;
    each test runs in a savepoint inside it (`db`), as with `demo_module` (docs/how-to.md "Test time")."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_cast()
        transaction.set_rollback(True)


def build_cast():
    justice = T.agency("perm-justice", kind="supervisory")
    other_justice = T.agency("perm-justice-b", kind="supervisory")
    a = T.agency("perm-a", supervised_by=["perm-justice"])
    b = T.agency("perm-b", supervised_by=["perm-justice-b"])
    unit_a = A.do_create_unit(a, "执法一队", actor=OPERATOR)
    unit_b = A.do_create_unit(b, "执法一队", actor=OPERATOR)
    owner = T.user("perm-owner")
    owned = T.person(a, unit=unit_a, user_obj=owner, name="张三")
    T.person(a, unit=unit_a, name="李四")  # not entrusted to the adviser
    certificate = T.certificate(owned)
    equipment = A.do_register_equipment(unit_a, "body_camera", "DSJ-PERM-0001", actor=OPERATOR)
    # The owner's own (expired) role: their row to read, but it gives them no access.
    owner_role = A.do_assign_role(owner, a, Role.OFFICER, valid_from=SINCE, valid_to=dt.date(2021, 1, 1),
                                  actor=OPERATOR)
    members = {}
    for agency, unit, suffix in ((a, unit_a, "a"), (b, unit_b, "b")):
        for role in STAFF_ROLES:
            name = f"{role.value}-{suffix}".replace("_", "-")
            members[name] = _member(name, agency, role, unit=unit if role == Role.UNIT_HEAD else None)
    members["leader-a"] = members["agency-leader-a"]
    members["supervisor"] = _member("perm-supervisor", justice, Role.SUPERVISOR)
    members["supervisor-b"] = _member("perm-supervisor-b", other_justice, Role.SUPERVISOR)
    adviser = _member("perm-adviser", a, Role.ADVISER, scope=[f"orgs.person:{owned.pk}", f"orgs.unit:{unit_a.pk}"],
                      valid_to=dt.date.today() + dt.timedelta(days=30))
    adviser.entrusted = {("orgs.person", owned.pk), ("orgs.unit", unit_a.pk)}
    members["adviser"] = adviser
    members["owner"] = Member("owner", owner)
    members["no-role"] = Member("no-role", T.user("perm-nobody"))
    disabled = _member("perm-disabled", a, Role.ADMINISTRATOR)
    disabled.user.is_active = False
    disabled.user.save(update_fields=["is_active"])
    disabled.roles = []  # a disabled account reaches nothing, whatever its roles
    members["disabled"] = disabled
    members["anonymous"] = Member("anonymous", AnonymousUser())
    root, _ = A.do_create_administrator("perm-root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    members["sysadmin"] = Member("sysadmin", root, system=True)
    members["operator"] = Member("operator", OPERATOR, system=True)
    return Cast(a, b, unit_a, owned, certificate, equipment, owner, owner_role, members)


