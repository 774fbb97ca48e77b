"""The cases API: the same actions and guards, the one error shape, nothing written on refusal."""

import pytest
from cases_cast import D0
from django.test import Client

from sanxiang.cases.models import Case
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cases/"


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def post(c, url, data):
    return c.post(url, data, content_type="application/json")


def test_a_clue_through_the_api_to_filing(env):
    officer, head = client_for(env.officer), client_for(env.head)
    r = post(officer, BASE, {"agency": env.agency.code, "unit_id": env.unit.pk, "source": "report",
                             "cause": "无照经营", "category": "行政处罚", "clue_on": str(D0)})
    assert r.status_code == 201, r.content
    case_id = r.json()["id"]
    for person in (env.p1, env.p2):
        r = post(head, f"{BASE}{case_id}/handlers", {"person_id": person.pk, "on": str(D0)})
        assert r.status_code == 201, r.content
    assert post(officer, f"{BASE}{case_id}/parties", {"party_id": env.org_party.pk}).status_code == 201
    r = post(officer, f"{BASE}{case_id}/actions/verify", {"on": "2026-09-21"})
    assert r.status_code == 200 and r.json()["status_label"] == "核查中"
    options = {o["action"]: o for o in officer.get(f"{BASE}{case_id}/actions").json()}
    assert not options["file"]["allowed"] and "只有" in options["file"]["reason"]  # an officer cannot file
    head_options = {o["action"]: o for o in head.get(f"{BASE}{case_id}/actions").json()}
    assert head_options["file"]["allowed"]
    r = post(head, f"{BASE}{case_id}/actions/file", {"on": "2026-09-25", "version": r.json()["version"]})
    assert r.status_code == 200 and r.json()["number"].startswith("立〔2026〕")
    timeline = officer.get(f"{BASE}{case_id}/timeline").json()
    labels = [e["label"] for e in timeline]
    assert labels[0] == "登记案件线索" and "立案" in labels and "开始计时" in labels
    assert all(e["index"] is not None for e in timeline)
    listed = [c["id"] for c in officer.get(BASE).json()]
    assert case_id in listed


def test_refusals_have_the_error_shape_and_write_nothing(env):
    officer = client_for(env.officer)
    r = post(officer, BASE, {"agency": env.agency.code, "unit_id": env.unit.pk, "source": "report",
                             "cause": "无照经营", "category": "行政处罚"})
    case_id = r.json()["id"]
    size = LedgerEntry.objects.count()
    cases = [
        ("decide", {}, 403, "not_permitted"),                      # an officer may not decide
        ("investigate", {}, 400, "transition_not_allowed"),         # not from 线索
        ("verify", {"on": "2099-01-01"}, 400, "rule_violation"),    # a future date
        ("verify", {"on": "明天"}, 422, "invalid_request"),
        ("verify", {"colour": "red"}, 400, "unknown_param"),
        ("verify", {"version": 99}, 409, "conflict"),
        ("fly", {}, 400, "unknown_action"),
    ]
    for action, data, status, code in cases:
        r = post(officer, f"{BASE}{case_id}/actions/{action}", data)
        body = r.json()
        assert r.status_code == status, (action, data, body)
        assert body["code"] == code and body["message"] and isinstance(body["reasons"], list), body
    assert LedgerEntry.objects.count() == size
    r = post(officer, BASE, {"agency": env.agency.code, "unit_id": env.unit.pk, "source": "walk-in",
                             "cause": "x", "category": "行政处罚"})
    assert r.status_code == 400 and r.json()["field"] == "source"
    r = post(officer, BASE, {"agency": env.agency.code, "unit_id": env.unit.pk})
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"


def test_other_agencies_and_anonymous_see_nothing(env):
    case = Case.objects.filter(agency=env.agency).first() or _any_case(env)
    outsider = client_for(env.outsider)
    assert outsider.get(f"{BASE}{case.pk}").status_code == 404
    assert case.pk not in [c["id"] for c in outsider.get(BASE).json()]
    r = post(outsider, f"{BASE}{case.pk}/actions/verify", {})
    assert r.status_code == 404 and r.json()["code"] == "case_not_found"
    assert Client().get(BASE).status_code == 401


def _any_case(env):
    from cases_cast import new_case

    return new_case(env)


def test_a_token_acts_until_it_is_revoked(env):
    from sanxiang.access.actors import OPERATOR
    from sanxiang.accounts.actions import do_create_api_token, do_revoke_api_token

    case = _any_case(env)
    token, secret = do_create_api_token(env.officer, label="执法终端", actor=OPERATOR)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    r = Client().post(f"{BASE}{case.pk}/actions/verify", {"on": "2026-09-21"}, content_type="application/json", **auth)
    assert r.status_code == 200, r.content
    do_revoke_api_token(token, reason="终端遗失", actor=OPERATOR)
    size = LedgerEntry.objects.count()
    r = Client().post(f"{BASE}{case.pk}/actions/extend_verification", {"reason": "x"},
                      content_type="application/json", **auth)
    assert r.status_code == 401 and r.json()["code"] == "token_invalid"
    assert LedgerEntry.objects.count() == size
