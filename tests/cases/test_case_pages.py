"""The case pages: the list, the case page offering only what the service allows, a move through
its form, a refusal shown with its reason and nothing written; other agencies get nothing."""

import datetime as dt

import pytest
from cases_cast import new_case
from django.test import Client

from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_page_and_case_page(env):
    case = new_case(env, clue_on=dt.date(2026, 9, 21))
    officer = client_for(env.officer)
    page = officer.get("/cases/").content.decode()
    assert "销售超过保质期的食品" in page and "线索" in page
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "张三" in page and "王执法" in page and "开始核查" in page
    assert f"/cases/{case.pk}/act/file/" not in page  # not a move of 线索
    r = officer.post(f"/cases/{case.pk}/act/verify/", {"on": "2026-09-21", "version": case.version})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "verifying"
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "案源核查期限" in page and "2026-10-19" in page


def test_a_refusal_is_shown_and_writes_nothing(env):
    case = new_case(env)
    size = LedgerEntry.objects.count()
    r = client_for(env.officer).post(f"/cases/{case.pk}/act/investigate/", {})
    assert r.status_code == 400
    assert "不能执行“开始调查”" in r.content.decode()
    assert LedgerEntry.objects.count() == size


def test_home_panel_and_other_agencies(env):
    case = new_case(env)
    home = client_for(env.officer).get("/").content.decode()
    assert "我的案件" in home and "销售超过保质期的食品" in home
    outsider = client_for(env.outsider)
    assert outsider.get(f"/cases/{case.pk}/").status_code == 404
    assert outsider.post(f"/cases/{case.pk}/act/verify/", {}).status_code == 404
    assert "销售超过保质期的食品" not in outsider.get("/cases/").content.decode()
