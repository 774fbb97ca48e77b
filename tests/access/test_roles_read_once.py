"""A page that is read reads the user's role assignments once, however often it asks the access table
(`policy.roles_read_once`, `RolesReadOncePerRequest`); a role assigned or revoked meanwhile is read
again, and outside a read-only request every question reads them as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanxiang.access.actors import OPERATOR
from sanxiang.access.policy import can, roles_read_once
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role

pytestmark = pytest.mark.django_db

# What `access_q` reads of a user's roles (agency, unit, role and scope only).
ROLES_READ = ('SELECT "orgs_roleassignment"."id", "orgs_roleassignment"."agency_id", "orgs_roleassignment"."unit_id", '
              '"orgs_roleassignment"."role", "orgs_roleassignment"."scope" FROM')


def _role_reads(queries):
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(ROLES_READ)]


@pytest.fixture
def officer():
    agency = T.agency("amr-a")
    unit = A.do_create_unit(agency, "执法大队", actor=OPERATOR)
    person = T.person(agency, unit=unit, user_obj=T.user())
    A.do_assign_role(person.user, agency, Role.OFFICER, unit=unit, valid_from="2020-01-01", actor=OPERATOR)
    return person


def test_inside_a_read_the_roles_are_read_once_and_answer_the_same(officer):
    user = officer.user
    with CaptureQueriesContext(connection) as outside:
        answers = [can(user, "view", officer) for _ in range(3)]
    with roles_read_once(), CaptureQueriesContext(connection) as inside:
        assert [can(user, "view", officer) for _ in range(3)] == answers == [True] * 3
    assert len(_role_reads(outside)) == 3 and len(_role_reads(inside)) == 1


def test_a_role_revoked_or_assigned_during_the_read_is_read_again(officer):
    user, agency = officer.user, officer.agency
    [assignment] = user.role_assignments.all()
    admin = T.member(agency, Role.ADMINISTRATOR)
    colleague = T.person(agency, name="同事")  # seen through the officer's role, not as the officer's own row
    with roles_read_once():
        assert can(user, "view", colleague)
        A.do_revoke_role(assignment, actor=admin)
        assert not can(user, "view", colleague)
        A.do_assign_role(user, agency, Role.OFFICER, valid_from="2020-01-01", actor=OPERATOR)
        assert can(user, "view", colleague)


def test_a_page_read_reads_each_users_roles_once(client, officer):
    """The home page asks the access table many times (menu, panels): one read of the roles per user."""
    client.force_login(officer.user)
    with CaptureQueriesContext(connection) as page:
        assert client.get("/").status_code == 200
    reads = _role_reads(page)
    assert reads and len(reads) == len(set(reads))
