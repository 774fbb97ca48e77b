import pytest

from sanxiang.access.actors import OPERATOR
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role

PASSWORD = "correct-horse-battery"


@pytest.fixture
def office():
    """Two agencies, each with an administrator; the first with an officer who has an account and one who has none."""
    agency = T.agency("acct-amr")
    other = T.agency("acct-other")
    unit = A.do_create_unit(agency, "执法一大队", actor=OPERATOR)
    officer_user = A.do_create_user("acct-officer", name="张执法", password=PASSWORD, actor=OPERATOR)
    officer = T.person(agency, unit=unit, name="张执法", user_obj=officer_user)
    A.do_assign_role(officer_user, agency, Role.OFFICER, valid_from="2020-01-01", actor=OPERATOR)
    newcomer = T.person(agency, unit=unit, name="李新")
    return {
        "agency": agency, "other": other, "unit": unit, "officer": officer, "officer_user": officer_user,
        "newcomer": newcomer,
        "admin": T.member(agency, Role.ADMINISTRATOR),
        "foreign_admin": T.member(other, Role.ADMINISTRATOR),
    }
