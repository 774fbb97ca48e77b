"""The portal's list and search pages read a fixed number of queries whatever the number of decisions, and keep
their part of the page until the next ledger entry (brief left10d #4, decision 0094) — the list read the 决定书's
full text and its 文号 one query each per row before (deferred columns), an expired row its early stop."""

import pytest
from django.db import connections
from django.test import Client

from sanxiang.access.actors import JOBS, OPERATOR
from sanxiang.core import public_cache as PC
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db


def publish(agency, editor, head, n):
    pubs = []
    for _ in range(n):
        pub = opened(agency, on="2026-03-05").publication
        P.do_prepare_publication(pub, actor=editor)
        P.do_submit_publication(pub, actor=editor)
        P.do_approve_publication(pub, actor=head, on="2026-03-10")
        P.do_publish_publication(pub, actor=head, on="2026-03-10")
        pub.refresh_from_db()
        pubs.append(pub)
    return pubs


def queries_of(client, url) -> tuple[int, str]:
    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connections["default"].execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, url
    return len(seen), response.content.decode()


@pytest.fixture
def zz():
    seed_calendar(actor=OPERATOR, years=[2026, 2027, 2028, 2029])
    agency = T.agency(code="gk-lq", profile_key="zhuzhou-amr")
    return (agency, *staff(agency))


def test_the_lists_queries_do_not_grow_with_the_decisions(zz, settings):
    agency, editor, head, _ = zz
    settings.PUBLIC_CACHE_SECONDS = 0  # nothing kept: every request reads afresh
    client = Client()
    client.cookies["sessionid"] = "x"  # rendered every time, as a visitor with a cookie
    url, search = f"/gk/{agency.code}/jueding/", "/gk/search/?q=罚款"
    publish(agency, editor, head, 2)
    few, _ = queries_of(client, url)
    few_search, _ = queries_of(client, search)
    pubs = publish(agency, editor, head, 6)
    # every kind of row: withdrawn, expired (the display period's end), a correction shown
    P.do_withdraw_publication(pubs[0], reason="决定已撤销", ground="revoked", actor=head, on="2026-03-12")
    P.do_expire_publication(pubs[1], actor=JOBS, on=pubs[1].expires_on)
    P.do_correct_publication(pubs[2], reason="更正", actor=editor)
    many, page = queries_of(client, url)
    many_search, results = queries_of(client, search)
    assert page.count('<li>\n<a href="/gk/') == 8 and "已撤下" in page and "公示期满，已停止公示" in page
    assert many == few, (few, many)
    assert results.count('<li>\n<a href="/gk/') >= 6
    assert many_search == few_search, (few_search, many_search)


def test_the_list_and_search_are_kept_until_the_next_ledger_entry(zz, settings):
    agency, editor, head, _ = zz
    settings.PUBLIC_CACHE_SECONDS = 60
    PC.cache.clear()
    client = Client()
    client.cookies["sessionid"] = "x"
    url, search = f"/gk/{agency.code}/jueding/", f"/gk/{agency.code}/search/?q=罚款"
    (pub,) = publish(agency, editor, head, 1)
    first, page = queries_of(client, url)
    again, same = queries_of(client, url)
    assert again == 1 < first and same == page  # the ledger's size only; the same page
    first, found = queries_of(client, search)
    again, same = queries_of(client, search)
    assert again == 1 < first and same == found and "罚款" in found
    api = "/api/v1/public/decisions/search?q=罚款"
    first, answer = queries_of(client, api)
    again, same = queries_of(client, api)
    assert again == 1 < first and same == answer
    (hit,) = client.get(api).json()["results"]
    assert hit["url"].endswith(f"/gk/{agency.code}/jueding/1/") and hit["url"].count("://") == 1  # not prefixed twice
    P.do_withdraw_publication(pub, reason="决定已撤销", ground="revoked", actor=head, on="2026-03-12")
    _, page = queries_of(client, url)
    assert "已撤下" in page  # the next entry shows at once
    _, found = queries_of(client, search)
    assert "已撤下" in found
    # a refused query is never kept: said each time, 400
    for _ in range(2):
        refused = client.get(f"/gk/{agency.code}/search/?q=罚")
        assert refused.status_code == 400
