"""The cases API: the same actions and guards, the one error shape, nothing written on refusal."""

import pytest
from cases_cast import D0
from django.test import Client

from sanxiang.cases.models import Case
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review.models import ReviewRound

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


def test_the_api_does_what_the_case_page_does(env):
    """Defect 16: 当场处罚, editing, participants, on-site acts, recusal, legal review and revising the
    proposal (行政处罚法第四十五条) are reachable through the API, with the same refusals."""
    from cases_cast import reach

    from sanxiang.cases.workflows import PENALTY_GENERAL

    officer, head, reviewer = client_for(env.officer), client_for(env.head), client_for(env.reviewer)
    r = post(officer, f"{BASE}on-site", {"agency": env.agency.code, "unit_id": env.unit.pk, "cause": "占道经营",
                                         "category": "行政处罚", "party_id": env.person_party.pk,
                                         "person_ids": [env.p1.pk, env.p2.pk], "penalties": ["warning"]})
    assert r.status_code == 201 and r.json()["procedure"] == "simplified", r.content
    case, _ = reach(env, PENALTY_GENERAL, "concluded")
    url = f"{BASE}{case.pk}/"
    r = officer.patch(url.rstrip("/"), {"version": case.version, "facts": "经查，销售过期食品十二盒。"}, content_type="application/json")
    assert r.status_code == 200, r.content
    version = r.json()["version"]
    r = officer.patch(url.rstrip("/"), {"version": version - 1, "cause": "改"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = post(officer, f"{url}proposal", {"version": version, "penalties": ["warning"]})
    assert r.status_code == 200 and r.json()["proposed_penalties"] == ["warning"], r.content
    assert officer.get(f"{url}proposal").json()["penalties"] == ["warning"]
    r = post(officer, f"{url}participants", {"role": "witness", "name": "刘见证"})
    assert r.status_code == 201 and r.json()["role_label"] == "见证人", r.content
    assert [p["name"] for p in officer.get(f"{url}participants").json()] == ["刘见证"]
    numbers = [h["certificate"] for h in officer.get(f"{url}handlers").json()]
    r = post(officer, f"{url}on-site-acts", {"place": "某超市", "certificate_numbers": numbers,
                                              "told_reason_basis_rights": True, "video_recorded": True})
    assert r.status_code == 201, r.content
    size = LedgerEntry.objects.count()
    r = post(officer, f"{url}on-site-acts", {"place": "某超市", "certificate_numbers": numbers[:1],
                                              "told_reason_basis_rights": True})
    assert r.status_code == 400 and r.json()["field"] == "certificate_numbers"
    assert LedgerEntry.objects.count() == size
    # submitting is /api/v1/reviews/ with the materials stated; the legal office assigns (the case's old
    # one-step POST, which named the reviewer and declared the materials, is gone)
    assert post(officer, f"{url}reviews", {"reviewer": env.reviewer.username}).status_code == 405
    from sanxiang.review.testing import all_materials

    r = post(officer, "/api/v1/reviews/", {"case": str(case.pk), "materials": all_materials(case)})
    assert r.status_code == 201, r.content
    review = ReviewRound.objects.get(review__case=case).pk
    r = post(reviewer, f"/api/v1/reviews/rounds/{review}/assign", {"reviewer": env.reviewer.username})
    assert r.status_code == 200, r.content
    assert officer.get(f"{url}reviews").json()[0]["opinion"] == "pending"
    assert post(officer, f"{url}reviews/{review}", {"opinion": "pass"}).status_code == 403
    points = {code: {"finding": "lawful"} for code in ("subject", "procedure", "facts", "basis", "authority",
                                                        "documents", "crime")}
    r = post(reviewer, f"/api/v1/reviews/rounds/{review}/checklist", {"points": points})
    assert r.status_code == 200, r.content
    r = post(reviewer, f"{url}reviews/{review}", {"opinion": "pass", "note": "事实清楚，适用法律正确。"})
    assert r.status_code == 200 and r.json()["opinion_label"] == "同意", r.content
    assert officer.get(f"{url}reviews/{review}").json()["opinion"] == "pass"
    handler = officer.get(f"{url}handlers").json()[1]["id"]
    r = post(officer, f"{url}recusals", {"handler_id": handler, "requested_by": "张三", "reason": "系当事人近亲属"})
    assert r.status_code == 201, r.content
    recusal = r.json()["id"]
    assert post(officer, f"{url}recusals/{recusal}", {"granted": True}).status_code == 403
    r = post(head, f"{url}recusals/{recusal}", {"granted": True})
    assert r.status_code == 200 and r.json()["decision"] == "granted", r.content
    assert officer.get(f"{url}recusals/{recusal}").json()["decision_label"]


def test_an_unknown_certificate_is_refused_not_ignored(env):
    """Defect 21: `certificate_id` of no certificate is a 404, not a silently chosen other one."""
    case = _any_case(env)
    from sanxiang.orgs import testing as T

    person = T.person(env.agency, unit=env.unit, name="陈新")
    T.certificate(person)
    size = LedgerEntry.objects.count()
    r = post(client_for(env.head), f"{BASE}{case.pk}/handlers", {"person_id": person.pk, "certificate_id": 999999})
    assert r.status_code == 404 and r.json()["code"] == "certificate_not_found"
    assert LedgerEntry.objects.count() == size


def test_an_electronic_service_consent_signed_after_listing_is_recorded(env):
    """Defect 16: the 送达地址确认书 may be signed after the party was listed; a bad address writes nothing."""
    case = _any_case(env)
    url = f"{BASE}{case.pk}/parties/{env.person_party.pk}"
    officer = client_for(env.officer)
    size = LedgerEntry.objects.count()
    r = post(officer, url, {"electronic_address": "not an address", "address_consent_on": str(D0)})
    assert r.status_code == 400 and r.json()["field"] == "electronic_address"
    assert LedgerEntry.objects.count() == size
    r = post(officer, url, {"electronic_address": "zhangsan@example.cn", "address_consent_on": str(D0)})
    assert r.status_code == 200 and r.json()["electronic_consent"] is True, r.content
    assert officer.get(f"{BASE}{case.pk}/parties").json()[0]["electronic_consent"] is True
    assert post(officer, f"{BASE}{case.pk}/parties/{env.org_party.pk}", {}).status_code == 404
