import pytest
from django.db import transaction

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role


class Cast:
    pass


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    """Agency A with its legal office, 公示编辑, leader, an officer and an administrator; agency B's reviewer."""
    with django_db_blocker.unblock(), transaction.atomic():
        c = Cast()
        seed_calendar(actor=OPERATOR, years=[2026])  # the update deadline counts working days
        c.a, c.b = T.agency(), T.agency()
        c.reviewer, c.editor, c.leader = (T.member(c.a, r) for r in (Role.REVIEWER, Role.PUBLICITY_EDITOR,
                                                                    Role.AGENCY_LEADER))
        c.officer, c.admin = T.member(c.a, Role.OFFICER), T.member(c.a, Role.ADMINISTRATOR)
        c.other = T.member(c.b, Role.REVIEWER)
        yield c
        transaction.set_rollback(True)
