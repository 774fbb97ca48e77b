"""/api/v1/parties: the same guards as the actions, answers in the one error shape."""

import pytest
from party_numbers import COMPANY_CODE, LI_ID, ZHANG_ID

from sanxiang.ledger.models import LedgerEntry
from sanxiang.parties.models import Party

URL = "/api/v1/parties/"


def _as(client, user):
    client.force_login(user)
    return client


def _error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "field", "reasons"} and body["code"] == code
    return body


def test_anonymous_callers_are_asked_to_log_in(client, world):
    _error(client.get(URL), 401, "login_required")
    _error(client.post(URL, {"agency": "pt-a", "kind": "person", "name": "王五"}, content_type="application/json"),
           401, "login_required")


def test_search_by_name_or_number_within_what_the_caller_sees(client, world):
    officer = _as(client, world.officer)
    names = [p["name"] for p in officer.get(URL, {"search": "鸿源"}).json()["items"]]
    assert names == ["甲市鸿源餐饮管理有限公司"]
    found = officer.get(URL, {"search": "1231002x"}).json()
    assert found["count"] == 1 and found["items"][0]["id_number"] == ZHANG_ID
    assert _as(client, world.officer_b).get(URL).json() == {"count": 0, "items": []}
    assert [p["name"] for p in _as(client, world.adviser).get(URL).json()["items"]] == ["甲市鸿源餐饮管理有限公司"]


def test_readers_who_may_not_change_see_the_id_number_masked(client, world):
    url = f"{URL}{world.person.pk}"
    full = _as(client, world.officer).get(url).json()
    assert full["id_number"] == ZHANG_ID and not full["id_number_masked"] and full["version"]
    for reader in (world.reviewer, world.supervisor):
        shown = _as(client, reader).get(url).json()
        assert shown["id_number"] == "110105********002X" and shown["id_number_masked"] and shown["version"] is None


def test_a_party_of_another_agency_is_not_found(client, world):
    body = _error(_as(client, world.officer_b).get(f"{URL}{world.person.pk}"), 404, "party_not_found")
    assert "张三" not in body["message"]
    _error(_as(client, world.other_supervisor).get(f"{URL}{world.company.pk}"), 404, "party_not_found")


def test_register_answers_201_and_writes_one_entry(client, world):
    entries = LedgerEntry.objects.count()
    response = _as(client, world.officer).post(URL, {"agency": "pt-a", "kind": "person", "name": "李明辉",
                                                     "id_number": LI_ID}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["id_number"] == LI_ID and LedgerEntry.objects.count() == entries + 1


@pytest.mark.parametrize("body, status, code, field", [
    ({"agency": "pt-a", "kind": "person", "name": "王五", "id_number": "650104198703152318"}, 400,
     "rule_violation", "id_number"),
    ({"agency": "pt-a", "kind": "org", "name": "鸿源", "credit_code": COMPANY_CODE, "legal_representative": "王"},
     409, "party_exists", "credit_code"),
    ({"agency": "pt-nowhere", "kind": "person", "name": "王五", "id_number": LI_ID}, 404, "agency_not_found", "agency"),
    ({"agency": "pt-b", "kind": "person", "name": "王五", "id_number": LI_ID}, 403, "not_permitted", None),
    ({"agency": "pt-a", "kind": "robot", "name": "王五"}, 422, "invalid_request", "kind"),
    ({"agency": "pt-a", "kind": "person"}, 422, "invalid_request", "name"),
])
def test_register_refusals_in_the_error_shape_write_nothing(client, world, body, status, code, field):
    before = Party.objects.count(), LedgerEntry.objects.count()
    answer = _error(_as(client, world.officer).post(URL, body, content_type="application/json"), status, code)
    assert answer["field"] == field and answer["message"]
    assert (Party.objects.count(), LedgerEntry.objects.count()) == before


def test_update_with_the_version_read_and_a_stale_one(client, world):
    officer = _as(client, world.officer)
    url = f"{URL}{world.company.pk}"
    read = officer.get(url).json()["version"]
    response = officer.patch(url, {"expected": read, "changes": {"address": "乙市人民路1号"}},
                             content_type="application/json")
    assert response.status_code == 200 and response.json()["address"] == "乙市人民路1号"
    assert response.json()["version"] != read
    stale = officer.patch(url, {"expected": read, "changes": {"phone": "0991-1234567"}},
                          content_type="application/json")
    _error(stale, 409, "stale_party")
    assert Party.objects.get(pk=world.company.pk).phone == ""


@pytest.mark.parametrize("who, status, code", [
    ("reviewer", 403, "not_permitted"), ("officer_b", 404, "party_not_found"),
])
def test_update_refused_to_those_who_may_not(client, world, who, status, code):
    from sanxiang.parties.actions import version

    response = _as(client, getattr(world, who)).patch(
        f"{URL}{world.company.pk}", {"expected": version(world.company), "changes": {"address": "乙"}},
        content_type="application/json")
    _error(response, status, code)
    assert Party.objects.get(pk=world.company.pk).address == ""


def test_the_openapi_document_lists_the_error_answers():
    from sanxiang.api.urls import api

    paths = api.get_openapi_schema()["paths"]
    assert set(paths["/api/v1/parties/"]["post"]["responses"]) == {201, 400, 401, 403, 404, 409, 422}
    assert set(paths["/api/v1/parties/{party}"]["patch"]["responses"]) == {200, 400, 401, 403, 404, 409, 422}
