"""The 行政强制 API: a 扣押 proposed, listed, approved, implemented and released; refusals in the one
JSON error shape with nothing written."""

import pytest
from coercion_cast import START, certificates, in_force, investigating
from django.test import Client

from sanxiang.cases.models import CoerciveMeasure
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
BASE = "/api/v1/coercion/"


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def post(c, url, data):
    return c.post(url, data, content_type="application/json")


def test_a_seizure_through_the_api(env):
    case = investigating(env)
    officer, head = client_for(env.officer), client_for(env.head)
    r = post(officer, f"{BASE}cases/{case.pk}/measures", {"kind": "seize", "reason": "涉嫌侵权商品", "on": str(START)})
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    r = post(officer, f"{BASE}measures/{mid}/items", {"name": "仿冒运动鞋", "quantity": "120", "unit": "双",
                                                       "place": "本局罚没物品仓库"})
    assert r.status_code == 201 and r.json()["custody_label"] == "行政机关保管"
    options = {o["action"]: o for o in officer.get(f"{BASE}measures/{mid}/actions").json()}
    assert not options["approve"]["allowed"] and "只有" in options["approve"]["reason"]
    assert post(head, f"{BASE}measures/{mid}/actions/approve", {"on": str(START)}).status_code == 200
    r = post(officer, f"{BASE}measures/{mid}/actions/implement",
             {"on": str(START), "place": "某鞋店", "certificate_numbers": certificates(case),
              "told_reason_basis_rights": True, "video_recorded": True, "record": "现场笔录：当事人在场。"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status_label"] == "实施中" and body["deadlines"][0]["due"] == "2026-04-01"
    r = post(head, f"{BASE}measures/{mid}/actions/release", {"on": "2026-03-10", "release_reason": "unrelated"})
    assert r.status_code == 200 and r.json()["items"][0]["disposal_label"] == "已解除，退还当事人"
    assert [m["id"] for m in officer.get(f"{BASE}cases/{case.pk}/measures").json()] == [mid]


@pytest.mark.parametrize("who,action,data,status,code", [
    ("officer", "release", {"release_reason": "no_violation"}, 403, "not_permitted"),
    ("head", "extend", {"reason": "复杂", "party_told": True, "days": 31, "on": "2026-03-05"}, 400, "guard_refused"),
    ("head", "release", {"release_reason": "whatever"}, 400, "rule_violation"),
    ("head", "approve", {}, 400, "transition_not_allowed"),
    ("head", "fly", {}, 400, "unknown_action"),
    ("head", "release", {"release_reason": "no_violation", "state": "proposed"}, 409, "conflict"),
    ("outsider", "release", {"release_reason": "no_violation"}, 404, "measure_not_found"),
])
def test_refusals_have_the_error_shape_and_write_nothing(env, who, action, data, status, code):
    m = in_force(env)
    before = (LedgerEntry.objects.count(), CoerciveMeasure.objects.get(pk=m.pk).ledger_digest())
    r = post(client_for(getattr(env, who)), f"{BASE}measures/{m.pk}/actions/{action}", data)
    assert r.status_code == status, r.content
    body = r.json()
    assert body["code"] == code and body["message"] and isinstance(body["reasons"], list)
    assert (LedgerEntry.objects.count(), CoerciveMeasure.objects.get(pk=m.pk).ledger_digest()) == before


def test_an_item_on_a_released_measure_is_refused(env):
    m = in_force(env)
    head = client_for(env.head)
    assert post(head, f"{BASE}measures/{m.pk}/actions/release", {"release_reason": "expired",
                                                                 "on": "2026-04-02"}).status_code == 200
    size = LedgerEntry.objects.count()
    r = post(client_for(env.officer), f"{BASE}measures/{m.pk}/items", {"name": "x", "quantity": "1", "unit": "件",
                                                                       "place": "仓库"})
    assert r.status_code == 400 and "已解除" in r.json()["message"] and LedgerEntry.objects.count() == size


@pytest.mark.parametrize("bad", ["²", "١٢", "99999999999999999999", "0x1", "-1"])
def test_an_id_that_is_not_a_plain_number_is_not_found_not_a_server_error(env, bad):
    m = in_force(env)
    officer = client_for(env.officer)
    for url in (f"{BASE}measures/{bad}", f"{BASE}measures/{m.pk}/items/{bad}", f"/api/v1/inspections/{bad}",
                f"/api/v1/inspections/draws/{bad}", f"/api/v1/cases/{m.case_id}/appeals/{bad}"):
        r = officer.get(url)
        assert r.status_code == 404, (url, r.status_code, r.content[:300])
        assert r.json()["code"].endswith("_not_found") and r.json()["message"]


def test_items_one_by_one_a_sale_and_a_preservation_turned_into_a_seizure_through_the_api(env):
    m = in_force(env)
    head = client_for(env.head)
    item = m.items.get()
    r = post(head, f"{BASE}measures/{m.pk}/actions/sell_item",
             {"on": "2026-03-04", "item": item.pk, "method": "auction", "proceeds": 1280.5, "ground": "鲜活水产品",
              "party_consent": True})
    assert r.status_code == 200, r.content
    sold = r.json()["items"][0]
    assert (sold["sale_method_label"], sold["sold_on"], sold["sale_proceeds"]) == ("拍卖", "2026-03-04", "1280.50")
    r = post(head, f"{BASE}measures/{m.pk}/actions/decide_item", {"on": "2026-03-05", "item": item.pk,
                                                                  "outcome": "returned", "basis": "与违法行为无关"})
    assert r.json()["items"][0]["disposal_label"] == "已解除，退还拍卖所得款项"
    r = post(head, f"{BASE}measures/{m.pk}/actions/end_by_items", {"on": "2026-03-05"})
    assert (r.status_code, r.json()["status_label"], r.json()["deadlines"][0]["status"]) == (200, "已作出处理决定", "met")

    kept = in_force(env, kind="preservation")
    r = post(head, f"{BASE}measures/{kept.pk}/actions/seal_or_seize",
             {"on": "2026-03-05", "measure_kind": "seal", "reason": "依法查封"})
    assert r.status_code == 200, r.content
    new = head.get(f"{BASE}measures/{r.json()['continued_as']}").json()
    assert (new["kind_label"], new["status_label"], new["preserved_from"]) == ("查封", "已批准待实施", kept.pk)
    assert new["items"][0]["carried_from"] == kept.items.get().pk


@pytest.mark.parametrize("action,data,status,code", [
    ("decide_item", {"item": 999999, "outcome": "returned"}, 400, "rule_violation"),
    ("decide_item", {"outcome": "confiscate"}, 400, "guard_refused"),
    ("sell_item", {"method": "sale", "proceeds": "-5", "ground": "易腐"}, 400, "rule_violation"),
    ("sell_item", {"method": "sale", "proceeds": "5", "ground": "易腐", "party_consent": False}, 400, "guard_refused"),
    ("end_by_items", {}, 400, "guard_refused"),
    ("seal_or_seize", {"measure_kind": "seize", "reason": "x"}, 400, "guard_refused"),
])
def test_bad_item_moves_have_the_error_shape_and_write_nothing(env, action, data, status, code):
    m = in_force(env)
    if action in ("sell_item",) or "outcome" in data and "item" not in data:
        data = {"item": m.items.get().pk, **data}
    before = (LedgerEntry.objects.count(), CoerciveMeasure.objects.get(pk=m.pk).ledger_digest(),
              m.items.get().ledger_digest())
    r = post(client_for(env.head), f"{BASE}measures/{m.pk}/actions/{action}", {"on": "2026-03-05", **data})
    assert r.status_code == status, r.content
    body = r.json()
    assert body["code"] == code and body["message"] and isinstance(body["reasons"], list)
    assert (LedgerEntry.objects.count(), CoerciveMeasure.objects.get(pk=m.pk).ledger_digest(),
            m.items.get().ledger_digest()) == before
