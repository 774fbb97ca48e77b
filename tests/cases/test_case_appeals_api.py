"""复议/诉讼 and the testing pauses through the API: a supervisor sees the case is under appeal."""

import datetime as dt

import pytest
from cases_cast import reach
from django.test import Client

from sanxiang.access.actors import OPERATOR
from sanxiang.cases.models import CaseAppeal
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import AgencyKind, Role
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cases/"
GENERAL = get_table("penalty_general")


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def post(c, url, data):
    return c.post(url, data, content_type="application/json")


def test_an_appeal_through_the_api_is_visible_to_the_supervisor(env):
    supervisory = T.agency(kind=AgencyKind.SUPERVISORY)
    A.do_update_agency(env.agency, supervised_by=[supervisory.code], actor=OPERATOR)
    supervisor = client_for(T.member(supervisory, Role.SUPERVISOR))
    officer = client_for(env.officer)
    case, day = reach(env, GENERAL, "served")
    assert supervisor.get(f"{BASE}{case.pk}").json()["appeal_pending"] is False
    r = post(officer, f"{BASE}{case.pk}/appeals", {"kind": "litigation", "body": "某区人民法院",
                                                   "applied_on": "2026-09-15"})
    assert r.status_code == 201, r.content
    appeal = r.json()
    assert appeal["pending"] and appeal["kind_label"] == "行政诉讼"
    assert supervisor.get(f"{BASE}{case.pk}").json()["appeal_pending"] is True
    assert [a["body"] for a in supervisor.get(f"{BASE}{case.pk}/appeals").json()] == ["某区人民法院"]
    # a supervisor reads but does not record
    assert post(supervisor, f"{BASE}{case.pk}/appeals/{appeal['id']}",
                {"outcome": "upheld", "decided_on": "2026-10-30"}).status_code == 403
    r = post(officer, f"{BASE}{case.pk}/appeals/{appeal['id']}",
             {"outcome": "revoked", "decided_on": "2026-10-30"})
    assert r.status_code == 200 and r.json()["outcome_label"] == "撤销"
    assert supervisor.get(f"{BASE}{case.pk}").json()["appeal_pending"] is False


def test_appeal_refusals_have_the_error_shape_and_write_nothing(env):
    officer = client_for(env.officer)
    case, day = reach(env, GENERAL, "served")
    size = LedgerEntry.objects.count()
    r = post(officer, f"{BASE}{case.pk}/appeals", {"kind": "petition", "body": "某区人民法院"})
    assert r.status_code == 400 and r.json()["field"] == "kind" and "未知的救济途径" in r.json()["message"]
    r = post(officer, f"{BASE}{case.pk}/appeals/999999", {"outcome": "upheld"})
    assert r.status_code == 404
    assert LedgerEntry.objects.count() == size and not CaseAppeal.objects.filter(case=case).exists()


def test_a_testing_pause_through_the_api(env):
    officer = client_for(env.officer)
    case, day = reach(env, GENERAL, "investigating")
    start, end = day + dt.timedelta(days=1), day + dt.timedelta(days=8)
    r = post(officer, f"{BASE}{case.pk}/pauses", {"reason": "检测检验检疫鉴定", "note": "样品送检", "on": str(start)})
    assert r.status_code == 201 and r.json()["deadline"] == "办案期限", r.content
    assert officer.get(f"{BASE}{case.pk}/pauses/current").json()["note"] == "样品送检"
    r = post(officer, f"{BASE}{case.pk}/pauses", {"reason": "检测检验检疫鉴定", "note": "样品送检", "on": str(start)})
    assert r.status_code == 400 and "已处于中止状态" in r.json()["message"]
    r = post(officer, f"{BASE}{case.pk}/pauses/current", {"on": str(end)})
    assert r.status_code == 200 and r.json()["end"] == str(end)
    assert officer.get(f"{BASE}{case.pk}/pauses/current").status_code == 404
    assert [p["reason"] for p in officer.get(f"{BASE}{case.pk}/pauses").json()] == ["检测检验检疫鉴定"]
    labels = [e["label"] for e in officer.get(f"{BASE}{case.pk}/timeline").json()]
    assert "案件期限中止计算" in labels and "案件期限恢复计算" in labels


def test_a_reconsideration_decision_through_the_api_opens_fifteen_days_from_its_receipt(env):
    from sanxiang.deadlines.models import Obligation

    case, day = reach(env, GENERAL, "served")
    officer = client_for(env.officer)
    appeal = post(officer, f"{BASE}{case.pk}/appeals", {"kind": "reconsideration", "body": "某市人民政府",
                                                        "applied_on": "2026-09-10"}).json()
    url = f"{BASE}{case.pk}/appeals/{appeal['id']}"
    entries = LedgerEntry.objects.count()
    r = post(officer, url, {"outcome": "upheld", "decided_on": "2026-10-09", "received_on": "2026-10-08"})
    assert r.status_code == 400 and r.json()["field"] == "received_on" and "早于复议决定日期" in r.json()["message"]
    assert LedgerEntry.objects.count() == entries and CaseAppeal.objects.get(pk=appeal["id"]).pending
    r = post(officer, url, {"outcome": "upheld", "decided_on": "2026-10-09", "received_on": "2026-10-12"})
    assert r.status_code == 200, r.content
    window = Obligation.objects.get(object_id=str(case.pk), rule="cases.litigation_after_reconsideration")
    assert (window.start, window.due, window.bearer) == (dt.date(2026, 10, 12), dt.date(2026, 10, 27), "party")
    deadlines = {d["kind"]: d for d in officer.get(f"{BASE}{case.pk}").json()["deadlines"]
                 if d["status"] == "open"}
    assert deadlines["提起行政诉讼期限"]["due"] == "2026-10-27" and deadlines["提起行政诉讼期限"]["bearer"] == "party"
