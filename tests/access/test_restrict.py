"""restrict(user, action): deny by default, own agency only, supervisors, advisers with expiry."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Agency, Certificate, DeviceIssue, Equipment, Person, Role, RoleAssignment, Unit

pytestmark = pytest.mark.django_db
MODELS = [Agency, Unit, Person, Certificate, Equipment, DeviceIssue, RoleAssignment]


@pytest.fixture
def world():
    justice = T.agency("city-justice", kind="supervisory")
    a = T.agency("amr-a", supervised_by=["city-justice"])
    b = T.agency("amr-b")
    data = {"justice": justice}
    for agency in (a, b):
        unit = A.do_create_unit(agency, "执法大队", actor=OPERATOR)
        person = T.person(agency, unit=unit, user_obj=T.user())
        T.certificate(person)
        eq = A.do_register_equipment(unit, "body_camera", f"{agency.code}-cam", actor=OPERATOR)
        A.do_issue_device(eq, person, "2025-01-06", actor=OPERATOR)
        A.do_assign_role(person.user, agency, Role.OFFICER, unit=unit, valid_from="2020-01-01", actor=OPERATOR)
        data[agency.code] = {"agency": agency, "unit": unit, "person": person}
    return data


def _agencies_seen(user, model):
    rows = model.objects.restrict(user, "view")
    return {row.agency_code for row in rows}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_one_agency_never_sees_another(world, model):
    officer_a = world["amr-a"]["person"].user
    assert _agencies_seen(officer_a, model) == {"amr-a"}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_deny_by_default(world, model):
    assert not model.objects.restrict(AnonymousUser(), "view").exists()
    assert not model.objects.restrict(None, "view").exists()
    assert not model.objects.restrict(T.user(), "view").exists()  # an account with no role


def test_superuser_sees_everything(world):
    admin, _ = A.do_create_administrator("root", "a-long-admin-password", "系统管理员", actor=OPERATOR)
    assert _agencies_seen(admin, Person) == {"amr-a", "amr-b"}


def test_supervisor_sees_supervised_agencies_only(world):
    supervisor = T.member(world["justice"], Role.SUPERVISOR)
    assert _agencies_seen(supervisor, Agency) == {"city-justice", "amr-a"}
    assert _agencies_seen(supervisor, Person) == {"amr-a"}
    assert _agencies_seen(supervisor, Certificate) == {"amr-a"}
    # Supervision is reading: no change rights in the supervised agency.
    assert not Person.objects.restrict(supervisor, "change").exists()


def test_change_needs_administrator(world):
    officer_a = world["amr-a"]["person"].user
    assert not Person.objects.restrict(officer_a, "change").exists()
    admin_a = T.member(world["amr-a"]["agency"], Role.ADMINISTRATOR)
    assert _agencies_seen(admin_a, Person) == {"amr-a"}
    assert {p.agency_code for p in Person.objects.restrict(admin_a, "change")} == {"amr-a"}


def test_role_outside_its_dates_or_revoked_gives_nothing(world):
    agency = world["amr-a"]["agency"]
    future = T.member(agency, Role.OFFICER, valid_from=timezone.localdate() + dt.timedelta(days=1))
    past = T.member(agency, Role.OFFICER, valid_from="2020-01-01", valid_to=timezone.localdate() - dt.timedelta(days=1))
    assert not Person.objects.restrict(future).exists()
    assert not Person.objects.restrict(past).exists()
    revoked = T.member(agency, Role.OFFICER)
    A.do_revoke_role(revoked.role_assignments.get(), actor=OPERATOR)
    assert not Person.objects.restrict(revoked).exists()


def test_adviser_sees_only_assigned_objects_until_expiry(world):
    agency, person = world["amr-a"]["agency"], world["amr-a"]["person"]
    today = timezone.localdate()
    adviser = T.user()
    A.do_assign_role(adviser, agency, Role.ADVISER, valid_from=today - dt.timedelta(days=10),
                     valid_to=today + dt.timedelta(days=5), scope=[f"orgs.person:{person.pk}"], actor=OPERATOR)
    assert list(Person.objects.restrict(adviser)) == [person]
    for model in (Agency, Unit, Certificate, Equipment):
        assert not model.objects.restrict(adviser).exists(), model
    # Their own assignment, and no one else's.
    assert {r.user_id for r in RoleAssignment.objects.restrict(adviser)} == {adviser.pk}
    assert not Person.objects.restrict(adviser, "change").exists()
    later = today + dt.timedelta(days=6)
    assert not Person.objects.restrict(adviser, on_date=later).exists()
    assert list(Person.objects.restrict(adviser, on_date=today + dt.timedelta(days=5))) == [person]


def test_adviser_assignment_needs_expiry_and_scope(world):
    agency = world["amr-a"]["agency"]
    with pytest.raises(A.OrgsError, match="失效日期"):
        A.do_assign_role(T.user(), agency, Role.ADVISER, scope=["orgs.person:1"], actor=OPERATOR)
    with pytest.raises(A.OrgsError, match="指定授权"):
        A.do_assign_role(T.user(), agency, Role.ADVISER, valid_to="2030-01-01", actor=OPERATOR)


def test_pages_go_through_restrict(world, client):
    officer_a = world["amr-a"]["person"].user
    client.force_login(officer_a)
    b = world["amr-b"]
    assert client.get("/agencies/amr-a/").status_code == 200
    for url in ("/agencies/amr-b/", f"/units/{b['unit'].pk}/", f"/people/{b['person'].pk}/"):
        assert client.get(url).status_code == 404, url
    listing = client.get("/agencies/").content.decode()
    assert "测试主体amr-a" in listing and "测试主体amr-b" not in listing


def test_pages_need_login(world, client):
    response = client.get("/agencies/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
