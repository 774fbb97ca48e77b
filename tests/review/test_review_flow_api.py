"""The API of the procedures around a round (`/api/v1/reviews/…`): a 株洲 chain signed in order, a
returned round decided by collective discussion, a consultation and an inquiry; refusals in the one
JSON error shape, nothing written; another agency gets 404."""

import pytest
from django.db import transaction
from django.test import Client
from flow_cast import make_flow_env, opinion, submitted_round

from sanxiang.ledger.models import LedgerEntry

BASE = "/api/v1/reviews/"


@pytest.fixture(scope="module")
def zz(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_flow_env("zhuzhou-amr")
        transaction.set_rollback(True)


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def post(user, url, data):
    return client_for(user).post(BASE + url, data, content_type="application/json")


def test_chain_signed_through_the_api_refusals_shaped_and_other_agencies_not_found(zz, db):
    env = zz.env
    rnd, day = submitted_round(zz)
    rnd = opinion(zz, rnd, agree=True, day=day)
    url = f"rounds/{rnd.pk}/signoffs"
    r = client_for(zz.legal_head).get(BASE + url)  # the legal office's head reads the chain he signs in
    assert r.status_code == 200 and r.json()["next_step"] == "handling_head"
    assert [s["label"] for s in r.json()["steps"]] == ["承办机构负责人意见", "法制审核意见", "法制审核机构负责人意见"]

    size = LedgerEntry.objects.count()
    r = post(zz.legal_head, url, {"step": "legal_head", "approved": True, "opinion": "同意。", "on": str(day)})
    assert r.status_code == 400 and set(r.json()) >= {"code", "message", "field"}
    assert "须按顺序签批" in r.json()["message"] and LedgerEntry.objects.count() == size
    r = post(env.outsider, url, {"step": "handling_head", "approved": True, "opinion": "同意。"})
    assert r.status_code == 404 and LedgerEntry.objects.count() == size
    assert client_for(env.outsider).get(BASE + url).status_code == 404

    for step, who in (("handling_head", env.head), ("legal_review", env.reviewer), ("legal_head", zz.legal_head)):
        r = post(who, url, {"step": step, "approved": True, "opinion": "同意。", "on": str(day)})
        assert r.status_code == 200, r.content
    assert r.json()["next_step"] is None and r.json()["steps"][2]["signoff"]["signer"]


def test_a_returned_round_goes_to_collective_discussion_through_the_api(zz, db):
    env = zz.env
    rnd, day = submitted_round(zz)
    rnd = opinion(zz, rnd, agree=False, day=day)
    url = f"{rnd.review.pk}/collective-discussions"
    attendees = [{"username": u.username, "position": "agree", "text": "同意"} for u in zz.leaders[:2]]
    size = LedgerEntry.objects.count()
    r = post(env.leader, url, {"held_on": str(day), "attendees": attendees[:1], "outcome": "as_proposed",
                               "minutes": "纪要。"})
    assert r.status_code == 400 and "不足法定人数" in r.json()["message"] and LedgerEntry.objects.count() == size
    r = post(env.leader, url, {"held_on": str(day), "attendees": attendees, "outcome": "as_proposed",
                               "minutes": "局长办公会议纪要。"})
    assert r.status_code == 201, r.content
    assert r.json()["outcome_label"] == "按承办机构拟作出的决定作出" and r.json()["grounds"][0]["key"] == "disagreement"
    listed = client_for(env.reviewer).get(BASE + url).json()
    assert [a["position"] for a in listed[0]["attendees"]] == ["agree", "agree"]
    assert post(env.outsider, url, {"held_on": str(day), "attendees": attendees, "outcome": "as_proposed",
                                    "minutes": "纪要。"}).status_code == 404


def test_consultation_and_inquiry_through_the_api(zz, db):
    env = zz.env
    rnd, day = submitted_round(zz, today=True)
    r = post(env.reviewer, f"rounds/{rnd.pk}/consultations",
             {"expertise": "法律顾问", "name": "周律师", "username": zz.outsider_user.username,
              "question": "裁量是否适当？"})
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    r = post(zz.outsider_user, f"consultations/{cid}", {"opinion": "裁量适当。"})
    assert r.status_code == 200 and r.json()["opinion"] == "裁量适当。"
    r = post(env.reviewer, f"rounds/{rnd.pk}/inquiries",
             {"kind": "inquiry", "held_on": str(day), "persons": "当事人张三", "content": "当事人陈述。", "record": 999999})
    assert r.status_code == 404 and r.json()["field"] == "record"
    r = post(env.reviewer, f"rounds/{rnd.pk}/inquiries",
             {"kind": "inquiry", "held_on": str(day), "persons": "当事人张三", "content": "当事人陈述。"})
    assert r.status_code == 201 and r.json()["record"] is None
    listed = client_for(env.reviewer).get(BASE + f"rounds/{rnd.pk}/inquiries").json()
    assert [i["persons"] for i in listed] == ["当事人张三"]
    assert client_for(zz.outsider_user).get(BASE + f"consultations/{cid}").json()["opinion"] == "裁量适当。"


@pytest.fixture(scope="module")
def hrss(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_flow_env("urumqi-gxq-hrss")
        transaction.set_rollback(True)


def test_the_leaders_decision_records_each_leaders_position_through_the_api(hrss, db):
    from sanxiang.review.flow import do_record_negotiation

    env = hrss.env
    rnd, day = submitted_round(hrss, conclude={"penalties": ["warning", "fine"], "fine": "20000",
                                               "flags": ["public_interest"]})
    rnd = opinion(hrss, rnd, agree=False, day=day)
    do_record_negotiation(rnd, held_on=day, participants=["赵科长", "钱审核"], agreed=False, text="未达成一致。",
                          actor=env.head)
    url = f"{rnd.review.pk}/leadership-decisions"
    body = {"handling_opinion": "事实清楚。", "review_opinion": "证据不足。", "decided_on": str(day),
            "outcome": "as_proposed", "text": "按拟作出的决定作出。",
            "deciders": [{"username": hrss.leaders[0].username, "position": "agree", "text": "同意"},
                         {"username": hrss.leaders[1].username, "position": "abstain", "text": ""}]}
    size = LedgerEntry.objects.count()
    r = post(env.leader, url, body)  # 1 of 2 agreeing is not more than half: refused, nothing written
    assert r.status_code == 400 and r.json()["field"] == "outcome" and LedgerEntry.objects.count() == size
    r = post(env.leader, url, {**body, "deciders": [{"username": hrss.leaders[0].username, "text": "同意"}]})
    assert r.status_code == 422 and LedgerEntry.objects.count() == size  # a position is required
    body["deciders"][1]["position"] = "agree"
    r = post(env.leader, url, body)
    assert r.status_code == 201, r.content
    assert [(d["position"], d["text"]) for d in r.json()["deciders"]] == [("agree", "同意"), ("agree", "")]
    listed = client_for(env.reviewer).get(BASE + url).json()
    assert listed[0]["deciders"][0]["name"] and listed[0]["deciders"][1]["position"] == "agree"
