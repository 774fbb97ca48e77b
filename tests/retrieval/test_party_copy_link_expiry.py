"""The copies for a party are downloadable for `records.party_copy_link_days` days from when the request
could first be answered (the profile's value, with its citation; s17 "not done": no link expiry by
profile). Two values: the same request, two days on, still offers its copy under 30 days, none under 1."""

import datetime as dt

import pytest
from retrieval_cast import asked_all

from sanxiang.documents import actions as D
from sanxiang.profiles.registry import get_profile
from sanxiang.retrieval import actions as R
from sanxiang.retrieval import queries

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def issued(env, django_db_blocker):
    from retrieval_cast import case_with_pdf

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        case, document, _ = case_with_pdf(env, mp)
        D.do_issue_document(document, actor=env.head)
        return case, document


def test_the_national_value_is_cited():
    entry = get_profile("national").entry("records.party_copy_link_days")
    assert entry.value == 30 and "平台默认值" in entry.citation


@pytest.mark.parametrize(("days", "offered_after_two_days"), [(30, True), (1, False)])
def test_links_expire_as_the_profile_says(env, issued, monkeypatch, days, offered_after_two_days):
    case, document = issued
    monkeypatch.setattr(R, "_profile_value", lambda agency, key, default: days if key.endswith("link_days") else default)
    row = R.do_register_party_copy(case, party=env.person_party, records="立案审批表", asked=asked_all(env.officer, case), actor=env.officer)
    assert R.party_copy_links_until(row) == row.registered_at + dt.timedelta(days=days)
    now = row.registered_at + dt.timedelta(hours=1)
    assert ("document", document.pk) in {(r["kind"].key, r["record"].pk)
                                         for r in queries.party_copy_records(env.officer, row, now=now)}
    later = queries.party_copy_records(env.officer, row, now=row.registered_at + dt.timedelta(days=2))
    assert bool(later) is offered_after_two_days


def test_with_approval_the_links_run_from_the_heads_consent(env, issued, monkeypatch):
    case, _ = issued
    monkeypatch.setattr(R, "_profile_value", lambda agency, key, default: True if key.endswith("approval") else 3)
    row = R.do_register_party_copy(case, party=env.person_party, records="立案审批表", asked=asked_all(env.officer, case), actor=env.officer)
    assert R.party_copy_links_until(row) is None  # waiting for the head: nothing to download yet
    R.do_approve_party_copy(row, approve=True, reason="", actor=env.head)
    row.refresh_from_db()
    assert R.party_copy_links_until(row) == row.decided_at + dt.timedelta(days=3)


def test_the_page_says_when_the_links_expired(client, env, issued, monkeypatch):
    case, document = issued
    row = R.do_register_party_copy(case, party=env.person_party, records="立案审批表", asked=asked_all(env.officer, case), actor=env.officer)
    type(row).objects.filter(pk=row.pk).update(registered_at=row.registered_at - dt.timedelta(days=31))
    client.force_login(env.officer)
    page = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert "下载链接已于" in page and "失效" in page
    assert f"/retrieval/records/document/{document.pk}/pdf/" not in page
    answer = client.get(f"/api/v1/retrieval/party-copies?case_id={case.pk}").json()
    assert any(r["id"] == row.pk and r["links_until"] for r in answer)
