"""The public page cache (sanxiang.core.public_cache): anonymous visitors of the certificate check,
the calculator and the proofs get the page rendered for the previous visitor until an action
changes anything; signed-in users always get their own page."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sanxiang.access.actors import OPERATOR
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T

pytestmark = pytest.mark.django_db


@pytest.fixture
def valid_certificate():
    agency = T.agency("cache-amr")
    return T.certificate(T.person(agency, name="李卫东"), "43029990001", valid_to=dt.date(2099, 12, 31))


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries]


def test_a_second_anonymous_visit_is_served_without_the_page_queries(valid_certificate):
    url = "/public/certificate/43029990001/"
    first, first_queries = queries_for(Client(), url)
    second, second_queries = queries_for(Client(), url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and "证件有效" in second.content.decode()
    assert any("orgs_certificate" in sql for sql in first_queries)
    # Only the ledger's size is read: the certificate is not looked up again.
    assert len(second_queries) == 1 and "ledger_ledgerentry" in second_queries[0]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY" and second["Content-Type"].startswith("text/html")


def test_a_revocation_shows_on_the_very_next_visit(valid_certificate):
    url = "/public/certificate/43029990001/"
    assert "证件有效" in Client().get(url).content.decode()
    A.do_revoke_certificate(valid_certificate, reason="违法执法", actor=OPERATOR)
    text = Client().get(url).content.decode()
    assert "已吊销" in text and "证件有效" not in text
    api = Client().get("/api/v1/public/certificates/43029990001").json()
    assert api["status"] == "revoked" and api["may_enforce"] is False


def test_a_signed_in_user_never_gets_the_anonymous_page(valid_certificate):
    url = "/public/certificate/43029990001/"
    anonymous = Client().get(url).content.decode()
    assert "退出" not in anonymous
    member = T.member(T.agency("cache-other"))
    client = Client()
    client.force_login(member)
    response, queries = queries_for(client, url)
    assert response.content.decode() != anonymous
    assert any("orgs_certificate" in sql for sql in queries)


def test_the_next_day_renders_afresh(monkeypatch):
    from django.utils import timezone

    url = "/deadlines/calculator/"  # its form starts on today's date
    assert timezone.localdate().isoformat() in Client().get(url).content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2031, 6, 2))
    assert "2031-06-02" in Client().get(url).content.decode()


def test_answers_with_cookies_errors_or_other_paths_are_not_kept(valid_certificate):
    from sanxiang.core.public_cache import cache

    Client().get("/login/")  # sets the CSRF cookie
    Client().get("/public/certificate/00000000/")  # 404
    Client().get("/healthz")  # not a public page
    assert len(cache._entries) == 0
    Client().get("/public/certificate/43029990001/")
    assert len(cache._entries) == 1


def test_the_cache_can_be_turned_off(valid_certificate, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    url = "/public/certificate/43029990001/"
    Client().get(url)
    _, queries = queries_for(Client(), url)
    assert any("orgs_certificate" in sql for sql in queries)


def test_the_cache_keeps_a_bounded_number_of_pages():
    from sanxiang.core.public_cache import PublicPageCache

    pages = PublicPageCache(max_entries=3)
    for n in range(5):
        pages.put(n, f"page {n}", expires=100)
    assert [pages.get(n, now=0) for n in range(5)] == [None, None, "page 2", "page 3", "page 4"]
    assert pages.get(4, now=100) is None  # expired


def test_a_host_outside_allowed_hosts_is_refused_even_when_the_page_is_kept(valid_certificate):
    url = "/public/certificate/43029990001/"
    assert Client().get(url).status_code == 200
    assert Client().get(url, HTTP_HOST="evil.example").status_code == 400
