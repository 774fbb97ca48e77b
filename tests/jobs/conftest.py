import datetime as dt
import itertools

import pytest
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import do_open_obligation
from sanxiang.orgs import testing

_numbers = itertools.count(1)


@pytest.fixture
def agency():
    return testing.agency()


@pytest.fixture
def obligation(agency):
    """open_obligation(started=days ago, days=period): an obligation opened through the action."""

    def make(started=10, days=1):
        return do_open_obligation(object_type="demo", object_id=str(next(_numbers)), agency=agency.code,
                                  kind="公示行政处罚决定（测试）", count=days, unit="days",
                                  start=timezone.localdate() - dt.timedelta(days=started), actor=OPERATOR)

    return make
