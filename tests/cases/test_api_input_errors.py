"""Bad input to the API never gives a server error or an English message: huge amounts, bodies that
are not objects and malformed fields answer in the one JSON error shape, in Chinese, writing nothing."""

import pytest
from cases_cast import reach
from coercion_cast import in_force, proposed
from django.test import Client

from sanxiang.cases.workflows import PENALTY_GENERAL
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
CASES, COERCION = "/api/v1/cases/", "/api/v1/coercion/"


def client_for(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def post_raw(c, url, body):
    return c.post(url, body, content_type="application/json")


def has_chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_refused(r, status, code=None):
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json"), r.content[:200]
    body = r.json()
    assert has_chinese(body["message"]), body
    assert all(has_chinese(reason) for reason in body["reasons"]), body
    assert not any(word in body["message"] for word in ("Input should", "String should", "Cannot parse")), body
    if code:
        assert body["code"] == code, body


@pytest.mark.parametrize("body", ["[]", '"str"', "null", "42"])
def test_a_case_action_body_that_is_not_an_object_is_refused(env, body):
    case, _ = reach(env, PENALTY_GENERAL, "investigating")
    size = LedgerEntry.objects.count()
    r = post_raw(client_for(env.officer), f"{CASES}{case.pk}/actions/conclude", body)
    assert_refused(r, 400, "invalid_request")
    assert LedgerEntry.objects.count() == size


@pytest.mark.parametrize("body", ["[]", '"str"', "null"])
def test_a_measure_action_body_that_is_not_an_object_is_refused(env, body):
    m = in_force(env)
    size = LedgerEntry.objects.count()
    r = post_raw(client_for(env.head), f"{COERCION}measures/{m.pk}/actions/release", body)
    assert_refused(r, 400, "invalid_request")
    assert LedgerEntry.objects.count() == size


@pytest.mark.parametrize("fine", ["1e400", "-1e400", "Infinity", "NaN", "1e-400", "abc"])
def test_an_amount_out_of_range_is_a_chinese_refusal(env, fine):
    case, _ = reach(env, PENALTY_GENERAL, "investigating")
    size = LedgerEntry.objects.count()
    r = post_raw(client_for(env.officer), f"{CASES}{case.pk}/actions/conclude",
                 f'{{"penalties": ["fine"], "fine": "{fine}", "facts": "经查属实。"}}')
    assert_refused(r, 400)
    assert r.json()["field"] == "fine"
    assert LedgerEntry.objects.count() == size


def test_a_payment_of_1e400_is_refused(env):
    case, _ = reach(env, PENALTY_GENERAL, "served")
    size = LedgerEntry.objects.count()
    r = post_raw(client_for(env.officer), f"{CASES}{case.pk}/actions/record_payment", '{"amount": "1e400"}')
    assert_refused(r, 400)
    assert LedgerEntry.objects.count() == size


@pytest.mark.parametrize("url,body,field", [
    ("{case}handlers", '{"person_id": "abc"}', "person_id"),
    ("{case}handlers", '{"person_id": 1, "on": "2026-09-01T10:00:00"}', "on"),
    ("{case}actions/verify", '{"version": "x"}', "version"),
    ("", '{"agency": "x", "unit_id": 1, "source": "report", "cause": "x", "category": "x", "confidentiality": 5}',
     "confidentiality"),
])
def test_validation_messages_are_chinese(env, url, body, field):
    case, _ = reach(env, PENALTY_GENERAL, "clue")
    r = post_raw(client_for(env.head), CASES + url.format(case=f"{case.pk}/"), body)
    assert_refused(r, 422, "invalid_request")
    assert r.json()["field"] == field


def test_a_body_that_is_not_json_is_a_chinese_400(env):
    case, _ = reach(env, PENALTY_GENERAL, "clue")
    r = post_raw(client_for(env.officer), f"{CASES}{case.pk}/actions/verify", "{not json")
    assert_refused(r, 400, "invalid_request")


def test_proceeds_and_quantities_of_1e400_are_refused(env):
    c = client_for(env.officer)
    r = post_raw(c, f"{COERCION}measures/{proposed(env).pk}/items", '{"name": "鞋", "quantity": "1e400", "unit": "双", "place": "仓库"}')
    assert_refused(r, 400)
    assert r.json()["field"] == "quantity"
    m = in_force(env)
    item = m.items.first()
    r = post_raw(client_for(env.head), f"{COERCION}measures/{m.pk}/actions/sell_item",
                 '{"on": "2026-03-04", "item": %d, "method": "auction", "proceeds": "1e400", "ground": "鲜活水产品", '
                 '"party_consent": true}' % item.pk)
    assert_refused(r, 400)
    assert r.json()["field"] == "proceeds"


def test_an_overlong_party_name_and_an_unknown_choice_are_chinese(env):
    c = client_for(env.officer)
    r = post_raw(c, "/api/v1/parties/", '{"agency": "%s", "kind": "person", "name": "%s", "id_kind": "ric", '
                 '"id_number": "11010519491231002X"}' % (env.agency.code, "张" * 300))
    assert_refused(r, 422, "invalid_request")
    r = post_raw(c, "/api/v1/parties/", '{"agency": "%s", "kind": "person", "name": "张三", "id_kind": "card", '
                 '"id_number": "11010519491231002X"}' % env.agency.code)
    assert r.status_code in (400, 422), r.content
    assert_refused(r, r.status_code)
