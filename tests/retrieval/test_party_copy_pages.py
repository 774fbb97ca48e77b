"""当事人申请复制 through the pages (Django's client): the officer registers the party's request, the head
approves or refuses it with a reason where the profile asks, the answer is tracked with its deadline on the
case page and the list, and the copy handed over is downloaded through the serving layer — ledgered with
the request as its purpose, watermarked 下载 when the record is confidential."""

import subprocess

import pytest
from retrieval_cast import asked_all

from sanxiang.ledger.models import LedgerEntry
from sanxiang.retrieval import actions as R
from sanxiang.retrieval import queries
from sanxiang.retrieval.models import PartyCopyRequest, PartyCopyStatus, RecordAccess

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def secret(env, django_db_blocker):
    from retrieval_cast import case_with_pdf

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        return case_with_pdf(env, mp, mark="business_secret")


def written():
    return PartyCopyRequest.objects.count(), RecordAccess.objects.count(), LedgerEntry.objects.count()


def test_the_officer_registers_answers_and_hands_over_a_watermarked_copy(client, env, secret):
    case, document, _ = secret
    client.force_login(env.officer)
    page = client.get(f"/retrieval/cases/{case.pk}/party-copies/")
    assert page.status_code == 200 and "登记复制申请" in page.content.decode()
    before = written()
    blank = client.post(f"/retrieval/cases/{case.pk}/party-copies/", {"party": env.person_party.pk, "records": " "})
    assert blank.status_code == 400 and written() == before
    answer = client.post(f"/retrieval/cases/{case.pk}/party-copies/",
                         {"party": env.person_party.pk, "records": "立案审批表", "reason": "准备陈述申辩",
                          "asked": [f"document:{document.pk}"]})
    row = PartyCopyRequest.objects.latest("id")
    assert answer.status_code == 302 and answer["Location"] == f"/retrieval/party-copies/{row.pk}/"
    assert row.status == PartyCopyStatus.TO_ANSWER and row.party == env.person_party
    listed = client.get(f"/retrieval/cases/{case.pk}/party-copies/").content.decode()
    assert "立案审批表" in listed and f"{row.due_on:%Y-%m-%d}" in listed and "待答复" in listed
    shown = client.get(f"/cases/{case.pk}/").content.decode()
    assert "当事人申请复制" in shown and f"最早 {row.due_on:%Y-%m-%d} 到期" in shown
    waiting = client.get("/retrieval/requests/").content.decode()
    assert "待答复的当事人复制申请" in waiting and f'href="/retrieval/party-copies/{row.pk}/"' in waiting
    assert "<title>调阅" in waiting and "<title>调阅<div" not in waiting
    detail = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert "交付当事人的复制件" not in detail  # a draft (not issued) is never a party's copy
    from sanxiang.documents import actions as D

    D.do_issue_document(document, actor=env.head)
    detail = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert "交付当事人的复制件" in detail and "立案审批表" in detail
    # the purpose names the local date of registration (s21 tester8 #10: 04:15 in Urumqi/Beijing is the
    # previous day in UTC)
    import datetime as dt

    from django.utils import timezone

    late = dt.datetime(2026, 11, 24, 20, 15, tzinfo=dt.UTC)  # 2026-11-25 04:15 in Asia/Shanghai
    PartyCopyRequest.objects.filter(pk=row.pk).update(registered_at=late)
    row.refresh_from_db()
    dated = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert "（2026-11-25登记）" in dated and "（2026-11-24登记）" not in dated
    assert timezone.localtime(late).date() == dt.date(2026, 11, 25)
    assert f"/retrieval/records/document/{document.pk}/pdf/" in detail
    assert "/docx/" not in detail and "Word" not in detail  # never the editable original
    purpose = f"当事人{env.person_party.name}申请复制"
    served = client.get(f"/retrieval/records/document/{document.pk}/pdf/",
                        {"mode": "download", "purpose": f"{purpose}（{timezone.localtime(row.registered_at):%Y-%m-%d}登记）"}, follow=True)
    data = b"".join(served.streaming_content) if served.streaming else served.content
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    access = RecordAccess.objects.latest("id")
    assert access.mode == "download" and access.watermarked and access.purpose.startswith(purpose)
    assert "下载" in text
    refused = client.post(f"/retrieval/party-copies/{row.pk}/", {"answer": "refuse", "reason": ""})
    assert refused.status_code == 400 and "理由" in refused.content.decode()
    row.refresh_from_db()
    assert row.status == PartyCopyStatus.TO_ANSWER
    done = client.post(f"/retrieval/party-copies/{row.pk}/", {"answer": "provide"})
    row.refresh_from_db()
    assert done.status_code == 302 and row.status == PartyCopyStatus.PROVIDED and row.answered_by == env.officer
    assert "交付当事人的复制件" not in client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert f"/retrieval/party-copies/{row.pk}/" not in client.get("/retrieval/requests/").content.decode()


def test_the_head_approves_or_refuses_with_a_reason_where_the_profile_asks(client, env, secret, monkeypatch):
    case, _, _ = secret
    monkeypatch.setattr(R, "_profile_value", lambda agency, key, default: True if key.endswith("approval") else 5)
    client.force_login(env.officer)
    client.post(f"/retrieval/cases/{case.pk}/party-copies/", {"party": env.person_party.pk, "records": "询问笔录",
                                                         "asked": asked_all(env.officer, case)})
    row = PartyCopyRequest.objects.latest("id")
    assert row.status == PartyCopyStatus.PENDING_APPROVAL
    assert "交付当事人的复制件" not in client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    early = client.post(f"/retrieval/party-copies/{row.pk}/", {"answer": "provide"})
    assert early.status_code == 400 and "请先审批" in early.content.decode()
    client.force_login(env.head)
    page = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert "请先审批" in page
    before = written()
    bare = client.post(f"/retrieval/party-copies/{row.pk}/", {"answer": "refuse_approval", "reason": ""})
    assert bare.status_code == 400 and "不同意复制的理由" in bare.content.decode() and written() == before
    client.post(f"/retrieval/party-copies/{row.pk}/", {"answer": "refuse_approval", "reason": "涉及第三人隐私"})
    row.refresh_from_db()
    assert row.status == PartyCopyStatus.REFUSED and row.answer_reason == "涉及第三人隐私" and row.decided_by == env.head


def test_another_agency_finds_neither_page(client, env, secret):
    case, _, _ = secret
    row = R.do_register_party_copy(case, party=env.person_party, records="现场笔录", asked=asked_all(env.officer, case), actor=env.officer)
    client.force_login(env.outsider)
    before = written()
    assert f"/retrieval/party-copies/{row.pk}/" not in client.get("/retrieval/requests/").content.decode()
    assert client.get(f"/retrieval/cases/{case.pk}/party-copies/").status_code == 404
    assert client.get(f"/retrieval/party-copies/{row.pk}/").status_code == 404
    assert client.post(f"/retrieval/party-copies/{row.pk}/", {"answer": "provide"}).status_code == 404
    assert written() == before


def test_the_secondary_volume_is_never_offered_to_the_party(env, secret):
    """副卷 (调查终结报告, 审核意见, 结案审批表 …) is the agency's internal deliberation: not a party's copy."""
    from sanxiang.archive import casefile
    from sanxiang.documents import actions as D
    from sanxiang.retrieval import queries

    case, document, _ = secret
    document.refresh_from_db()
    if document.status != "issued":
        D.do_issue_document(document, actor=env.head)
    row = R.do_register_party_copy(case, party=env.person_party, records="全部", asked=asked_all(env.officer, case), actor=env.officer)
    offered = {(r["kind"].key, r["record"].pk) for r in queries.party_copy_records(env.officer, row)}
    assert ("document", document.pk) in offered
    real = casefile.placement

    def everything_secondary(record):
        return casefile.SECONDARY, real(record)[1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(casefile, "placement", everything_secondary)
        assert queries.party_copy_records(env.officer, row) == []


def test_the_page_offers_only_what_the_user_may_answer_and_shows_refusals(client, env, secret, monkeypatch):
    """s17 #18: the select offers only the user's choices; a second answer's refusal is shown (not a
    silent 409); the head's opinion is shown; a textarea never widens a phone's page."""
    from pathlib import Path

    case, _, _ = secret
    monkeypatch.setattr(R, "_profile_value", lambda agency, key, default: True if key.endswith("approval") else 5)
    row = R.do_register_party_copy(case, party=env.person_party, records="询问笔录", asked=asked_all(env.officer, case), actor=env.officer)
    client.force_login(env.officer)
    page = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert 'name="answer"' not in page  # waiting for the head: nothing the officer may choose
    client.force_login(env.head)
    page = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert 'value="approve"' in page and 'value="provide"' not in page
    client.post(f"/retrieval/party-copies/{row.pk}/", {"answer": "approve", "reason": "同意提供，隐去第三人信息"})
    client.force_login(env.officer)
    page = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert "同意提供，隐去第三人信息" in page
    assert 'value="provide"' in page and 'value="refuse"' in page and 'value="approve"' not in page
    client.post(f"/retrieval/party-copies/{row.pk}/", {"answer": "provide"})
    before = written()
    again = client.post(f"/retrieval/party-copies/{row.pk}/", {"answer": "refuse", "reason": "重复答复"})
    assert again.status_code == 409 and "该申请已答复" in again.content.decode() and written() == before
    css = (Path(__file__).resolve().parents[2] / "sanxiang/core/static/core/site.css").read_text()
    assert "textarea { max-width:100%; box-sizing:border-box; }" in css


def test_the_records_keeper_registers_and_answers_on_an_archived_case(env, secret, client):
    """s17 #18: once archived, the archive answers the party's requests for the file — the whole round
    through the pages and the API (s18 tester 7: she registered, then got 404 on what she registered)."""
    from django.utils import timezone

    from sanxiang.archive.models import ArchivedCaseFile
    from sanxiang.core.errors import NotPermitted
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    case, _, _ = secret
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    with pytest.raises(NotPermitted):
        R.do_register_party_copy(case, party=env.person_party, records="现场笔录", asked=asked_all(keeper, case), actor=keeper)
    ArchivedCaseFile.objects.create(
        case=case, agency=case.agency, archive_number="t-2026-0001", archive_year=2026, archive_seq=1,
        outcome="penalty", catalogue_sha256="0" * 64, items=0, pages=0, retention="定期30年", retention_basis="测试",
        archived_at=timezone.now(), archived_by_name="测试")
    client.force_login(keeper)
    registered = client.post(f"/retrieval/cases/{case.pk}/party-copies/",
                             {"party": env.person_party.pk, "records": "现场笔录",
                              "asked": asked_all(keeper, case)}, follow=True)
    row = PartyCopyRequest.objects.filter(case=case).latest("id")
    assert registered.status_code == 200 and registered.redirect_chain[-1][0] == f"/retrieval/party-copies/{row.pk}/"
    assert "已登记当事人的复制申请" in registered.content.decode() and "已提供" in registered.content.decode()
    assert [r["id"] for r in client.get(f"/api/v1/retrieval/party-copies?case_id={case.pk}").json()] == [row.pk]
    assert client.get(f"/api/v1/retrieval/party-copies/{row.pk}/answer").status_code == 200
    assert row in queries.open_party_copies(keeper)  # her workbench lists it to answer
    answered = client.post(f"/api/v1/retrieval/party-copies/{row.pk}/answer", {"provided": True},
                           content_type="application/json")
    assert answered.status_code == 200, answered.content
    row.refresh_from_db()
    assert row.status == PartyCopyStatus.PROVIDED
