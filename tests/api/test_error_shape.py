"""Every API failure has one shape: {"code", "message" (中文), "field", "reasons"}."""

import pytest

pytestmark = pytest.mark.django_db
SHAPE = {"code", "message", "field", "reasons"}


def _chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("method,url,params,status,code", [
    ("get", "/api/v1/ledger/entries/0", {}, 401, "login_required"),
    ("get", "/api/v1/ledger/entries/abc", {}, 422, "invalid_request"),
    ("get", "/api/v1/ledger/proofs/inclusion", {"index": "x", "size": "1"}, 422, "invalid_request"),
    ("get", "/api/v1/deadlines/compute", {"start": "2025-02-30", "count": "3", "unit": "days"}, 400,
     "invalid_deadline"),
    ("get", "/api/v1/profiles/atlantis", {}, 404, "unknown_profile"),
    ("get", "/api/v1/profiles/national", {"on": "yesterday"}, 400, "bad_date"),
    ("get", "/api/v1/public/certificates/NOPE-1", {}, 404, "certificate_not_found"),
    ("post", "/api/v1/deadlines/compute", {}, 405, "http_error"),
    ("get", "/api/v1/no-such-endpoint", {}, 404, "not_found"),
])
def test_errors_share_one_shape(client, method, url, params, status, code):
    response = getattr(client, method)(url, params)
    assert response.status_code == status
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == code
    assert _chinese(body["message"]) and body["reasons"]


def test_the_openapi_document_has_one_error_schema(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "ErrorOut" in schemas
    assert not [name for name in schemas if "Error" in name and name != "ErrorOut"]
    assert set(schemas["ErrorOut"]["properties"]) == SHAPE


def test_every_schema_has_its_own_name_in_the_openapi_document():
    """django-ninja names an OpenAPI component after its class: two classes of one name share one
    component, so an operation would be documented with the other's fields."""
    import collections

    from ninja import Schema

    import sanxiang.api.urls  # noqa: F401 — every router and its schemas

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    modules = collections.defaultdict(set)
    for schema in subclasses(Schema):
        if schema.__module__.startswith("sanxiang."):
            modules[schema.__name__].add(schema.__module__)
    assert {name: sorted(m) for name, m in modules.items() if len(m) > 1} == {}


def test_party_registration_is_documented_with_the_party_fields():
    from sanxiang.api.urls import api

    doc = api.get_openapi_schema()
    ref = doc["paths"]["/api/v1/parties/"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert {"agency", "kind", "name"} <= set(fields) and "party_id" not in fields


def test_an_over_large_body_is_refused_in_the_shape_not_as_djangos_english_page(client, settings):
    """s18 tester 23: two 8 MB signatures sent to …/sign got Django's 「Bad Request (400)」 HTML page."""
    from sanxiang.orgs import testing as T

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1 << 20
    client.force_login(T.member(T.agency()))
    response = client.post("/api/v1/documents/1/sign", '{"officer_png": "' + "A" * (2 << 20) + '"}',
                           content_type="application/json")
    assert response.status_code == 413 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == SHAPE and body["code"] == "request_too_large" and "1.0 MB" in body["message"]
