"""The publicity jobs: deadline warnings (临期 yellow, 超期 red) per profile, the end of display
periods (SAMR 3 months / 3 years) by the job runner, Urumqi's "may take down after one year" as a
prompt only — registered so `sanxiang worker` (hence `make run`) runs them."""

import datetime as dt

import pytest
from django.utils import timezone

from sanxiang.access.actors import OPERATOR
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.jobs import schedules
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity import tasks
from sanxiang.publicity.models import PublicationStatus
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def calendar():
    seed_calendar(actor=OPERATOR, years=[2026])


def on(monkeypatch, today):
    monkeypatch.setattr(timezone, "localdate", lambda: today)


def test_the_jobs_are_registered_with_chinese_labels():
    table = {s.name: s for s in schedules.all_schedules()}
    assert table["publication_deadline_warnings"].label == "公示义务期限预警"
    assert table["expire_publications"].label == "公示期满停止公示"


def test_warnings_yellow_then_red_then_cleared_by_publication(monkeypatch):
    agency = T.agency(profile_key="pingluo-commerce")
    ob = opened(agency, on="2026-03-05")  # due 2026-03-16
    editor, head, _ = staff(agency)
    for today, level in ((D(2026, 3, 6), ""), (D(2026, 3, 13), "yellow"), (D(2026, 3, 17), "red")):
        on(monkeypatch, today)
        result = tasks.publication_deadline_warnings.call()
        ob.refresh_from_db()
        assert ob.warning == level, today
        assert (result["yellow"], result["red"]) == (int(level == "yellow"), int(level == "red"))
    assert "1 件已超期" in result["summary"]
    pub = ob.publication
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head)
    P.do_publish_publication(pub, actor=editor, on="2026-03-17")
    tasks.publication_deadline_warnings.call()
    ob.refresh_from_db()
    assert ob.warning == ""


def test_display_periods_end_by_the_job_and_urumqi_only_prompts(monkeypatch):
    low = opened(T.agency(profile_key="quanzhou-licheng-amr"), fine="1000")  # 3 months
    urumqi = opened(T.agency(profile_key="urumqi-gxq-amr"), fine="300000")  # 3 years, may after 1
    for ob in (low, urumqi):
        editor, head, _ = staff(ob.agency)
        P.do_submit_publication(ob.publication, actor=editor)
        P.do_approve_publication(ob.publication, actor=head, on="2026-03-10")
        P.do_publish_publication(ob.publication, actor=editor, on="2026-03-10")
    on(monkeypatch, D(2026, 6, 9))
    assert tasks.expire_publications.call()["done"] == 0
    on(monkeypatch, D(2026, 6, 10))
    result = tasks.expire_publications.call()
    assert result["done"] == 1 and result["prompts"] == 0
    low.publication.refresh_from_db()
    assert low.publication.status == PublicationStatus.EXPIRED
    assert LedgerEntry.objects.filter(action="expire_publication", actor="system:jobs").count() == 1
    on(monkeypatch, D(2027, 3, 10))
    result = tasks.expire_publications.call()
    assert result["done"] == 0 and result["prompts"] == 1 and "可撤下" in result["summary"]
    urumqi.publication.refresh_from_db()
    assert urumqi.publication.status == PublicationStatus.PUBLISHED  # "可以撤下": a prompt, not a take-down
    assert tasks.expire_publications.call()["done"] == 0  # idempotent
