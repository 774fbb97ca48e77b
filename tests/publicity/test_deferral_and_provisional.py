"""Finding 11 of defects10 (decision 0073): a publication due date counted over a year without an
official holiday calendar is shown as 暂定 (list, page, API); a 暂缓公开 until-date may not be before
the act's day, nor on a rest day — refused, naming the working day to take."""

import datetime as dt

import pytest
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import RuleViolation
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.deadlines.queries import get_calendar
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.deferral import check_until, next_working_day
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def calendar():
    seed_calendar(actor=OPERATOR, years=[2026])  # 2027 has no official data (no State Council notice yet)
    return get_calendar()


# (until, due, today, accepted, words of the refusal)
UNTIL = [
    (D(2026, 10, 12), D(2026, 9, 30), D(2026, 9, 20), True, ""),
    (D(2026, 10, 10), D(2026, 9, 30), D(2026, 9, 20), True, ""),           # a make-up working Saturday
    (D(2026, 10, 1), D(2026, 9, 30), D(2026, 9, 20), False, "2026-10-08"),  # 国庆节 → the first working day after
    (D(2026, 10, 11), D(2026, 9, 30), D(2026, 9, 20), False, "2026-10-12"),  # a Sunday
    (D(2026, 9, 30), D(2026, 9, 30), D(2026, 9, 20), False, "应晚于现在的公示期限"),
    (D(2026, 9, 25), D(2026, 9, 30), D(2026, 9, 20), False, "应晚于现在的公示期限"),
    (D(2026, 10, 12), D(2026, 9, 30), D(2026, 10, 13), False, "已经过去"),   # overdue obligation, past date
    (D(2027, 10, 29), D(2026, 9, 30), D(2026, 9, 20), False, "最长一年"),
    (D(2027, 1, 17), D(2026, 12, 30), D(2026, 12, 1), False, "临时结果"),     # a 2027 Sunday: weekends only
]


@pytest.mark.parametrize("until,due,today,accepted,words", UNTIL)
def test_until_date(calendar, until, due, today, accepted, words):
    if accepted:
        assert check_until(until, due, today=today, calendar=calendar) == until
        return
    with pytest.raises(RuleViolation) as refused:
        check_until(until, due, today=today, calendar=calendar)
    assert words in refused.value.message and refused.value.field == "until"


def test_the_next_working_day_is_a_working_day(calendar):
    for start in (D(2026, 10, 1), D(2026, 10, 11), D(2026, 2, 15), D(2027, 1, 16)):
        moved = next_working_day(start, calendar)
        assert moved >= start and calendar.is_working(moved)


def test_deferral_to_a_rest_day_is_refused_with_nothing_written(calendar):
    agency = T.agency(profile_key="zhuzhou-amr")
    today = timezone.localdate()
    ob = opened(agency, on=today.isoformat())
    editor, head, _ = staff(agency)
    before = (LedgerEntry.objects.count(), ob.due)
    rest = ob.due + dt.timedelta(days=1)
    while calendar.is_working(rest):
        rest += dt.timedelta(days=1)
    working = next_working_day(rest, calendar)
    with pytest.raises(RuleViolation, match=f"{working:%Y-%m-%d}"):
        P.do_propose_withholding(ob, proposal="defer", ground="business_secret", note="涉及商业秘密", approver=head,
                                 until=rest, actor=editor)
    ob.refresh_from_db()
    assert (LedgerEntry.objects.count(), ob.due) == before
    P.do_propose_withholding(ob, proposal="defer", ground="business_secret", note="涉及商业秘密", approver=head,
                             until=working, actor=editor)
    P.do_approve_withholding(ob, actor=head)
    ob.refresh_from_db()
    assert ob.due == working


@pytest.mark.parametrize("on,provisional", [("2027-01-29", True), ("2026-09-30", False)])
def test_a_due_date_over_a_year_without_calendar_is_provisional(calendar, client, on, provisional):
    from django.urls import reverse

    agency = T.agency(profile_key="pingluo-commerce")
    ob = opened(agency, on=on)
    assert ob is not None and ob.obligation.provisional is provisional
    editor, _, _ = staff(agency)
    client.force_login(editor)
    listed = client.get("/api/v1/publications/obligations").json()
    assert [o["provisional"] for o in listed if o["id"] == ob.pk] == [provisional]
    page = client.get(reverse("publicity:obligations")).content.decode()
    assert ("暂定（该年尚无官方节假日日历" in page) is provisional
