"""A system administrator enters next year's holiday notice in the web UI; nobody else can."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from test_calendar import NOTICE_2027

from sanxiang.deadlines.actions import CalendarError, do_import_calendar
from sanxiang.deadlines.engine import compute_due
from sanxiang.deadlines.models import CalendarYear
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def upload(data: bytes, name="2027.json"):
    return {"file": SimpleUploadedFile(name, data, content_type="application/json")}


@pytest.fixture
def sysadmin(client):
    user = get_user_model().objects.create_superuser("sys", password="x" * 12)
    client.force_login(user)
    return user


@pytest.fixture
def officer(client):
    user = get_user_model().objects.create_user("officer", password="x" * 12)
    client.force_login(user)
    return user


def test_sysadmin_enters_2027_and_deadlines_stop_being_provisional(client, sysadmin):
    assert compute_due("2027-01-28", 7, "workdays").provisional
    page = client.get("/deadlines/calendar/?year=2027").content.decode()
    assert "录入节假日安排" in page and "缺少官方日历" in page
    response = client.post("/deadlines/calendar/import/", upload(json.dumps(NOTICE_2027).encode()), follow=True)
    page = response.content.decode()
    assert "已录入 2027 年节假日安排" in page and "官方数据" in page and "春节调休上班" in page
    result = compute_due("2027-01-28", 7, "workdays")
    assert not result.provisional
    assert result.due.isoformat() == "2027-02-15"  # 春节 5–13 Feb skipped, Sun 14 Feb is a working day
    entry = LedgerEntry.objects.filter(action="set_calendar_year").last()
    assert entry.actor == "sys"


def test_a_broken_file_is_refused_with_a_reason_and_nothing_is_written(client, sysadmin):
    bad = dict(NOTICE_2027, workdays=[{"date": "2027-02-05", "name": "与春节冲突"}])
    before = LedgerEntry.objects.count()
    page = client.post("/deadlines/calendar/import/", upload(json.dumps(bad).encode()), follow=True).content.decode()
    assert "未录入" in page
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert LedgerEntry.objects.count() == before
    page = client.post("/deadlines/calendar/import/", upload(b"\xff\xfe not json"), follow=True).content.decode()
    assert "不是有效的 UTF-8 JSON" in page


def test_officer_sees_no_form_and_the_service_refuses_the_import(client, officer):
    assert "录入节假日安排" not in client.get("/deadlines/calendar/").content.decode()
    page = client.post("/deadlines/calendar/import/", upload(json.dumps(NOTICE_2027).encode()), follow=True)
    assert "只有系统管理员" in page.content.decode()
    with pytest.raises(CalendarError):
        do_import_calendar(NOTICE_2027, actor=officer)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_anonymous_import_goes_to_login(client):
    response = client.post("/deadlines/calendar/import/", upload(b"{}"))
    assert response.status_code == 302 and "/login/" in response["Location"]
