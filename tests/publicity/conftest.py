import pytest

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.publicity.models import Publication
from sanxiang.publicity.testing import decided_case


@pytest.fixture
def cal():
    """The working-day calendars of 2026 and 2027, which the publication deadlines count in."""
    seed_calendar(actor=OPERATOR, years=[2026, 2027])


@pytest.fixture
def decided():
    """平罗 (pingluo-commerce): a decided penalty with its publication — (agency, case, publication)."""
    seed_calendar(actor=OPERATOR, years=[2026, 2027])
    agency = T.agency(profile_key="pingluo-commerce")
    case = decided_case(agency)
    return agency, case, Publication.objects.get(obligation__case=case)
