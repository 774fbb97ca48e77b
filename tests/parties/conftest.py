"""Two agencies and the people who deal with their parties, built once per test module."""

import datetime as dt
from dataclasses import dataclass

import pytest
from party_numbers import COMPANY_CODE, ZHANG_ID

from sanxiang.access.actors import OPERATOR
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.parties.actions import do_register_party


@dataclass
class World:
    a: object
    b: object
    officer: object
    approval: object
    reviewer: object
    administrator: object
    officer_b: object
    supervisor: object
    other_supervisor: object
    adviser: object
    company: object
    person: object


@pytest.fixture(scope="module")
def world_module(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        justice = T.agency("pt-justice", kind="supervisory")
        other_justice = T.agency("pt-justice-b", kind="supervisory")
        a = T.agency("pt-a", supervised_by=["pt-justice"])
        b = T.agency("pt-b", supervised_by=["pt-justice-b"])
        company = do_register_party(a, kind="org", name="甲市鸿源餐饮管理有限公司", credit_code=COMPANY_CODE,
                                    legal_representative="王振华", actor=OPERATOR)
        person = do_register_party(a, kind="person", name="张三", id_number=ZHANG_ID, phone="13899821456",
                                   actor=OPERATOR)
        adviser = T.member(a, Role.ADVISER, scope=[f"parties.party:{company.pk}"],
                           valid_to=dt.date.today() + dt.timedelta(days=30))
        yield World(a, b, T.member(a, Role.OFFICER), T.member(a, Role.APPROVAL_STAFF), T.member(a, Role.REVIEWER),
                    T.member(a, Role.ADMINISTRATOR), T.member(b, Role.OFFICER), T.member(justice, Role.SUPERVISOR),
                    T.member(other_justice, Role.SUPERVISOR), adviser, company, person)
        transaction.set_rollback(True)


@pytest.fixture
def world(world_module, db):
    return world_module
