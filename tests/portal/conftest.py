import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.cases.kinds.inspection import do_create_inspection
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.disclosure.testing import publish_all
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import CertificateKind, PersonKind, Role
from sanxiang.parties.actions import do_register_party

ORG_CODE = "91110105MA01ABCD13"


class Cast:
    pass


@pytest.fixture(scope="module")
def pcast(django_db_setup, django_db_blocker):
    """An agency with published 事前公开, two inspectors, an officer whose certificate expired, an
    auxiliary with a work card, an enterprise and an inspection of it; a second agency."""
    with django_db_blocker.unblock(), transaction.atomic():
        c = Cast()
        today = timezone.localdate()
        seed_calendar(actor=OPERATOR, years=sorted({2026, today.year}))
        c.a = T.agency("gk-test", categories=("行政处罚", "行政检查"))
        c.b = T.agency("gk-other", categories=("行政处罚",))
        c.unit = A.do_create_unit(c.a, "执法一队", actor=OPERATOR)
        c.officer = T.member(c.a, Role.OFFICER, unit=c.unit)
        c.p1 = T.person(c.a, unit=c.unit, user_obj=c.officer, name="王执法")
        c.p2 = T.person(c.a, unit=c.unit, name="李执法")
        c.c1 = T.certificate(c.p1, "GK0000001", categories=["行政处罚", "行政检查"], area="测试区")
        c.c2 = T.certificate(c.p2, "GK0000002", categories=["行政检查"], area="测试区")
        old = T.person(c.a, unit=c.unit, name="周过期")
        T.certificate(old, "GK0000009", valid_from=dt.date(2015, 1, 1), valid_to=dt.date(2020, 1, 1))
        aux = T.person(c.a, unit=c.unit, name="吴协管", kind=PersonKind.AUXILIARY)
        T.certificate(aux, "GKFZ00001", kind=CertificateKind.WORK)
        c.party = do_register_party(c.a, kind="org", name="某某食品有限公司", credit_code=ORG_CODE,
                                    legal_representative="孙某", phone="13800138000", actor=OPERATOR)
        c.case = do_create_inspection(c.a, unit=c.unit, source="planned", cause="食品经营日常监督检查", party=c.party,
                                      handlers=[c.p1, c.p2], actor=OPERATOR, items=["进货查验"])
        c.ins = c.case.inspection
        c.versions = publish_all(c.a, actor=OPERATOR)
        c.officer_editor = T.member(c.a, Role.REVIEWER)
        yield c
        transaction.set_rollback(True)
