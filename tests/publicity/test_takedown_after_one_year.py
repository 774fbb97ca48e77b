"""A head's take-down after 乌鲁木齐's "may take down after 1 year" is told in the seed's words — not as 公示期满,
which is the display period's own end (brief left10d #2, decision 0094): portal page, list, open data, feed,
the proof's refusal, the party's status, the staff pages and the API."""

import datetime as dt
from unittest import mock

import pytest
from publication_cast import walk

from sanxiang.access.actors import JOBS, OPERATOR
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.queries import published_decisions, status_label
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db
LABEL = "已公示满1年，经发布部门负责人决定从公示载体上撤下"


@pytest.fixture
def cal():
    seed_calendar(actor=OPERATOR, years=[2026, 2027, 2028, 2029])


def test_a_take_down_after_one_year_is_labelled_as_such(cal, client):
    agency = T.agency(profile_key="urumqi-gxq-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, fine="300000").publication
    walk(pub, editor, head, on="2026-03-10")
    pub.refresh_from_db()
    assert pub.takedown_prompt_on == dt.date(2027, 3, 10)
    client.force_login(head)
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2027, 3, 11)):
        offered = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    assert f"门户上显示为“{LABEL}”" in offered  # the head sees the words before taking it down
    client.logout()
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2027, 3, 11)):
        P.do_take_down_publication(pub, reason="公示已满一年，决定撤下", on="2027-03-11", actor=head)
    pub.refresh_from_db()
    assert status_label(pub) == LABEL

    row = published_decisions(agency)[0]
    assert (row["expired"], row["stopped_early"], row["taken_down"], row["text"]) == (False, False, True, "")
    assert row["notice"] == {"kind": "taken_down", "label": LABEL, "reason": "公示已满一年，决定撤下", "on": "2027-03-11"}

    page = client.get(f"/gk/{agency.code}/jueding/1/").content.decode()
    assert LABEL in page and "公示期满" not in page and "公示已满一年，决定撤下" in page
    listing = client.get(f"/gk/{agency.code}/jueding/").content.decode()
    assert LABEL in listing and "公示期满" not in listing
    record = client.get(f"/gk/{agency.code}/data/decisions.json").json()["decisions"][0]
    assert (record["taken_down"], record["expired"], record["status"]) == (True, False, LABEL)
    assert record["notice"] == f"{LABEL}。公示已满一年，决定撤下" and record["taken_down_on"] == "2027-03-11"
    assert "公示期满" not in str(record) and record["taken_down_reason"] == "公示已满一年，决定撤下"
    csv = client.get(f"/gk/{agency.code}/data/decisions.csv").content.decode("utf-8-sig")
    assert f"{LABEL}" in csv and "2027-03-11" in csv and "公示已满一年，决定撤下" in csv and "公示期满" not in csv
    feed = client.get(f"/gk/{agency.code}/feed.xml").content.decode()
    assert LABEL in feed and "公示期满" not in feed

    client.force_login(head)
    staff_page = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    assert LABEL in staff_page and "公示期满已撤下" not in staff_page
    listing = client.get("/publicity/").content.decode()
    assert LABEL in listing
    api = client.get(f"/api/v1/publications/{pub.pk}").json()
    assert api["status_label"] == LABEL


def test_a_serious_dishonesty_penalty_names_its_longer_period(cal):
    # 乌鲁木齐市场监管: 严重失信 3 years (then the display period ends too, so no take-down happens before it —
    # test_dishonesty_full_text_and_wording); the words follow the version's mark all the same
    from sanxiang.publicity.queries import takedown_label

    agency = T.agency(profile_key="urumqi-gxq-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, fine="300000").publication
    P.do_prepare_publication(pub, serious_dishonesty=True, actor=editor)
    walk(pub, editor, head, on="2026-03-10")
    pub.refresh_from_db()
    assert takedown_label(pub) == "已公示满3年，经发布部门负责人决定从公示载体上撤下"
    assert takedown_label(pub, serious=False) == LABEL


def test_the_display_periods_end_is_still_told_as_expiry(cal):
    agency = T.agency(profile_key="zhuzhou-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, fine="1000").publication
    walk(pub, editor, head, on="2026-03-10")
    pub.refresh_from_db()
    with mock.patch("django.utils.timezone.localdate", return_value=pub.expires_on):
        P.do_expire_publication(pub, actor=JOBS, on=pub.expires_on)
    pub.refresh_from_db()
    row = published_decisions(agency)[0]
    assert (row["expired"], row["taken_down"]) == (True, False)
    assert row["notice"]["label"] == "公示期满，已停止公示" == status_label(pub)
