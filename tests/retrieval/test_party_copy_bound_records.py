"""A party's copy covers only the records asked for and consented to (s22 tester8 #6): the party asked
for one record, the head approved, and the page offered every record of the case — a witness's ID photo
(个人隐私) among them. Now the request names its records, the head may withhold some with a reason, and
only the rest are offered and served as the party's copy; anything else is refused (403) and logged."""

import logging
import subprocess

import pytest
from retrieval_cast import case_with_pdf

from sanxiang.documents import actions as D
from sanxiang.records import evidence as E
from sanxiang.records import samples
from sanxiang.retrieval import actions as R
from sanxiang.retrieval.models import PartyCopyRequest, RecordAccess

pytestmark = pytest.mark.django_db

ITEM = {"source": "询问", "collected_on": "2026-09-02", "collected_by": "王执法", "content": "证人身份证照片",
        "place": "执法一队询问室", "occurred_at": "2026-09-02T10:00", "officers": "王执法、李执法",
        "recorder": "李执法", "purpose": "核实证人身份"}


@pytest.fixture(scope="module")
def case(env, django_db_blocker):
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        case, document, _ = case_with_pdf(env, mp, mark="business_secret")
        D.do_issue_document(document, actor=env.head)
        upload = samples.completed_upload(samples.png(seed=61), "身份证照片.png", actor=env.officer)
        photo = E.do_register_evidence(case, upload, actor=env.officer, kind="documentary",
                                       confidentiality="personal_privacy", transcript="",
                                       **{**ITEM, "title": "身份证照片"})
    return case, document, photo


@pytest.fixture
def approval(monkeypatch):
    monkeypatch.setattr(R, "_profile_value", lambda agency, key, default: True if key.endswith("approval") else 5)


def register(client, env, case, asked):
    client.force_login(env.officer)
    return client.post("/api/v1/retrieval/party-copies", {"case_id": case.pk, "party_id": env.person_party.pk,
                                                          "records": "立案审批表", "reason": "当事人申请复制",
                                                          "asked": asked}, content_type="application/json")


def test_only_the_records_asked_for_are_offered_and_served(client, env, case, approval, caplog):
    case, document, photo = case
    doc_key, photo_key = f"document:{document.pk}", f"evidence:{photo.pk}"
    assert register(client, env, case, []).json()["code"] == "party_copy_no_records"
    unknown = register(client, env, case, ["evidence:999999"])
    assert unknown.status_code == 400 and unknown.json()["code"] == "party_copy_unknown_record"
    created = register(client, env, case, [doc_key])
    assert created.status_code == 201 and created.json()["asked"] == [doc_key]
    copy_id = created.json()["id"]
    client.force_login(env.head)
    before = client.get(f"/retrieval/party-copies/{copy_id}/").content.decode()
    assert "立案审批表" in before and "身份证照片" not in before
    approved = client.post(f"/api/v1/retrieval/party-copies/{copy_id}/approve", {"approve": True},
                           content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "to_answer"
    client.force_login(env.officer)
    page = client.get(f"/retrieval/party-copies/{copy_id}/").content.decode()
    assert "交付当事人的复制件" in page and f"/retrieval/records/document/{document.pk}/pdf/" in page
    assert "身份证照片" not in page and f"/evidence/{photo.pk}/" not in page  # the tester's reproduction
    # the approved record downloads, watermarked, with the request as its purpose
    served = client.get(f"/retrieval/records/document/{document.pk}/pdf/", {"mode": "download", "copy": copy_id},
                        follow=True)
    data = b"".join(served.streaming_content) if served.streaming else served.content
    assert served.status_code == 200
    assert "下载" in subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                                   check=True).stdout.decode()
    access = RecordAccess.objects.latest("id")
    assert access.record_kind == "document" and access.watermarked and access.purpose.startswith(
        f"当事人{env.person_party.name}申请复制")
    # any other record, through the page or the API, is refused as the party's copy and logged
    count = RecordAccess.objects.count()
    with caplog.at_level(logging.WARNING, logger="sanxiang.security"):
        refused_page = client.get(f"/retrieval/records/evidence/{photo.pk}/file/",
                                  {"mode": "download", "copy": copy_id})
        refused_api = client.get(f"/api/v1/retrieval/files/evidence/{photo.pk}/file",
                                 {"mode": "download", "copy": copy_id}, HTTP_ACCEPT="application/json")
    assert refused_page.status_code == 403 and "不在当事人申请复制并经同意的范围内" in refused_page.content.decode()
    assert refused_api.status_code == 403 and refused_api.json()["code"] == "not_in_party_copy"
    assert RecordAccess.objects.count() == count
    assert sum("已拒绝作为复制件提供" in r.getMessage() for r in caplog.records) == 2
    assert photo_key not in PartyCopyRequest.objects.get(pk=copy_id).asked


def test_the_head_withholds_a_record_with_its_reason(client, env, case, approval):
    case, document, photo = case
    doc_key, photo_key = f"document:{document.pk}", f"evidence:{photo.pk}"
    copy_id = register(client, env, case, [doc_key, photo_key]).json()["id"]
    client.force_login(env.head)
    flagged = client.get(f"/retrieval/party-copies/{copy_id}/").content.decode()
    assert "书证“身份证照片”（个人隐私）" in flagged and 'value="evidence:' in flagged and "复制前请核对是否含他人个人隐私或商业秘密" in flagged
    url = f"/api/v1/retrieval/party-copies/{copy_id}/approve"
    every = client.post(url, {"approve": True, "withhold": {doc_key: "内部", photo_key: "他人隐私"}},
                        content_type="application/json")
    assert every.status_code == 400 and every.json()["code"] == "party_copy_all_withheld"
    bare = client.post(url, {"approve": True, "withhold": {photo_key: " "}}, content_type="application/json")
    assert bare.status_code == 400 and bare.json()["field"] == "withhold"
    kept = client.post(url, {"approve": True, "withhold": {photo_key: "证人的个人隐私，非当事人的材料"}},
                       content_type="application/json")
    assert kept.status_code == 200
    assert kept.json()["withheld"] == [{"record": photo_key, "name": "书证“身份证照片”",
                                        "reason": "证人的个人隐私，非当事人的材料"}]
    client.force_login(env.officer)
    page = client.get(f"/retrieval/party-copies/{copy_id}/").content.decode()
    assert f"/retrieval/records/document/{document.pk}/pdf/" in page and f"/evidence/{photo.pk}/" not in page
    assert "负责人不同意复制：证人的个人隐私，非当事人的材料" in page
    refused = client.get(f"/api/v1/retrieval/files/evidence/{photo.pk}/file", {"mode": "download", "copy": copy_id},
                         HTTP_ACCEPT="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_in_party_copy"


def test_the_head_withholds_on_the_page(client, env, case, approval):
    case, document, photo = case
    photo_key = f"evidence:{photo.pk}"
    copy_id = register(client, env, case, [f"document:{document.pk}", photo_key]).json()["id"]
    client.force_login(env.head)
    url = f"/retrieval/party-copies/{copy_id}/"
    bare = client.post(url, {"answer": "approve", "withhold": [photo_key], "withhold_reason": ""})
    assert bare.status_code == 400 and PartyCopyRequest.objects.get(pk=copy_id).status == "pending_approval"
    done = client.post(url, {"answer": "approve", "withhold": [photo_key], "withhold_reason": "证人的个人隐私"})
    row = PartyCopyRequest.objects.get(pk=copy_id)
    assert done.status_code == 302 and row.status == "to_answer"
    assert [w["record"] for w in row.withheld] == [photo_key]


def test_withholding_and_refusing_need_a_real_reason_and_the_log_says_why(client, env, case, approval, caplog):
    """s23 tester8 #3 and #10: a record withheld, or the whole copy refused, with the reason 「x」 was
    accepted; after the answer, a download as the party's copy was logged 「不含 … 的文件 file」."""
    case, document, photo = case
    doc_key, photo_key = f"document:{document.pk}", f"evidence:{photo.pk}"
    copy_id = register(client, env, case, [doc_key, photo_key]).json()["id"]
    client.force_login(env.head)
    url = f"/api/v1/retrieval/party-copies/{copy_id}/approve"
    short = client.post(url, {"approve": True, "withhold": {photo_key: "x"}}, content_type="application/json")
    assert short.status_code == 400 and short.json()["code"] == "reason_too_short", short.content
    refused = client.post(url, {"approve": False, "reason": "x"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "reason_too_short"
    assert PartyCopyRequest.objects.get(pk=copy_id).status == "pending_approval"
    kept = client.post(url, {"approve": True, "withhold": {photo_key: "证人的个人隐私"}}, content_type="application/json")
    assert kept.json()["withheld"][0]["name"] == "书证“身份证照片”"
    client.force_login(env.officer)
    answer = f"/api/v1/retrieval/party-copies/{copy_id}/answer"
    assert client.post(answer, {"provided": False, "reason": "x"}, content_type="application/json").json()["code"] == \
        "reason_too_short"
    assert client.post(answer, {"provided": True}, content_type="application/json").status_code == 200
    with caplog.at_level(logging.WARNING, logger="sanxiang.security"):
        late = client.get(f"/api/v1/retrieval/files/document/{document.pk}/pdf", {"mode": "download", "copy": copy_id},
                          HTTP_ACCEPT="application/json")
    assert late.status_code == 403
    logged = [r.getMessage() for r in caplog.records if "已拒绝作为复制件提供" in r.getMessage()]
    assert logged and "该申请已答复（已提供）" in logged[-1] and "的PDF" in logged[-1] and "文件 pdf" not in logged[-1]
    from sanxiang.orgs.models import Person

    name = Person.objects.filter(user=env.officer).values_list("name", flat=True).first()
    assert logged[-1].endswith(f"请求人 {name}（{env.officer.username}）")  # s24 tester8 #3: the name, not the login


def test_an_access_decision_needs_a_real_reason(env, case):
    """s23 tester8 #8: a 调阅 approved or refused with the reason 「x」."""
    from django.utils import timezone

    from sanxiang.core.errors import RuleViolation
    from sanxiang.retrieval.models import AccessRequest

    case = case[0]
    for approve in (True, False):
        row = AccessRequest.objects.create(case=case, requester=env.reviewer, reason="核查案件办理情况",
                                           requested_at=timezone.now())
        with pytest.raises(RuleViolation) as caught:
            R.do_decide_access_request(row, approve=approve, reason="x", actor=env.head)
        assert caught.value.code == "reason_too_short"
