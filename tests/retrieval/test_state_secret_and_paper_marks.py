"""A 国家秘密 record never leaves as a party's copy, the head approves only what she reads, and paper
originals' scans take part in the strictest-mark rule (s23 tester8 #6 and #9, decision 0088).

#6: the officer asked for a 国家秘密 photo in a party's copy, the head (who cannot read it) saw only the key
「evidence:67」, approved, and the file was downloaded as the party's copy. The 访问日志 and the archive check
showed the 国家秘密 record's title to people who get 404 for it.
#9: a scan registered as a paper original (纸质原件) had no mark of its own: the bytes of a 个人隐私 (or
国家秘密) evidence photo were served through it to the head with no purpose and no watermark."""

import json
import logging

import pytest
from retrieval_cast import case_with_pdf

from sanxiang.archive import actions as A
from sanxiang.documents import actions as D
from sanxiang.records import evidence as E
from sanxiang.records import samples
from sanxiang.retrieval import actions as R
from sanxiang.retrieval.models import PartyCopyRequest, PartyCopyStatus, RecordAccess

pytestmark = pytest.mark.django_db

ITEM = {"source": "现场拍摄", "collected_on": "2026-09-02", "collected_by": "王执法", "content": "照片 1 张",
        "place": "执法一队", "occurred_at": "2026-09-02T10:00", "officers": "王执法、李执法", "recorder": "李执法",
        "purpose": "证明现场情况"}
SECRET_PNG = samples.png(seed=171)
PRIVATE_PNG = samples.png(seed=172)


@pytest.fixture(scope="module")
def world(env, django_db_blocker):
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        case, document, _ = case_with_pdf(env, mp)
        D.do_issue_document(document, actor=env.head)
        secret = E.do_register_evidence(case, samples.completed_upload(SECRET_PNG, "密件.png", actor=env.officer),
                                        kind="documentary", title="涉密文件照片", confidentiality="state_secret",
                                        actor=env.officer, **ITEM)
        private = E.do_register_evidence(case, samples.completed_upload(PRIVATE_PNG, "身份证.png", actor=env.officer),
                                         kind="documentary", title="证人身份证照片", confidentiality="personal_privacy",
                                         actor=env.officer, **ITEM)
    return {"case": case, "document": document, "secret": secret, "private": private}


@pytest.fixture
def approval(monkeypatch):
    monkeypatch.setattr(R, "_profile_value", lambda agency, key, default: True if key.endswith("approval") else 5)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def register(client, env, case, asked):
    client.force_login(env.officer)
    return post(client, "/api/v1/retrieval/party-copies", {"case_id": case.pk, "party_id": env.person_party.pk,
                                                           "records": "复制全部", "reason": "当事人申请复制",
                                                           "asked": asked})


def test_a_state_secret_record_cannot_be_asked_for_as_a_partys_copy(client, env, world):
    case, document, secret = world["case"], world["document"], world["secret"]
    refused = register(client, env, case, [f"document:{document.pk}", f"evidence:{secret.pk}"])
    assert refused.status_code == 400 and refused.json()["code"] == "party_copy_state_secret", refused.content
    assert "国家秘密记录不得作为当事人的复制件提供" in refused.json()["message"]
    assert not PartyCopyRequest.objects.filter(case=case).exists()


def test_a_state_secret_record_is_never_served_as_a_partys_copy_and_the_head_sees_no_key(
        client, env, world, approval, caplog):
    """A request holding a 国家秘密 record (registered before this rule) is not approved by a head who cannot
    read it — the page names it 「您无权查看的记录」, never 「evidence:N」 — and its file is refused as a party's
    copy whatever the request's state."""
    case, document, secret = world["case"], world["document"], world["secret"]
    doc_key, secret_key = f"document:{document.pk}", f"evidence:{secret.pk}"
    copy_id = register(client, env, case, [doc_key]).json()["id"]
    PartyCopyRequest.objects.filter(pk=copy_id).update(asked=[doc_key, secret_key])  # as before the rule
    client.force_login(env.head)
    page = client.get(f"/retrieval/party-copies/{copy_id}/").content.decode()
    assert "您无权查看的记录" in page and secret_key not in page.replace(f'value="{secret_key}"', "")
    assert "涉密文件照片" not in page
    approved = post(client, f"/api/v1/retrieval/party-copies/{copy_id}/approve", {"approve": True, "reason": "同意复制"})
    assert approved.status_code == 403 and approved.json()["code"] == "party_copy_unreadable", approved.content
    assert PartyCopyRequest.objects.get(pk=copy_id).status == PartyCopyStatus.PENDING_APPROVAL
    # even consented to (as the tester's request was), the file is refused as the party's copy and logged why
    PartyCopyRequest.objects.filter(pk=copy_id).update(status=PartyCopyStatus.TO_ANSWER, decided_by=env.head,
                                                       decided_at=PartyCopyRequest.objects.get(pk=copy_id).registered_at)
    client.force_login(env.officer)
    count = RecordAccess.objects.count()
    with caplog.at_level(logging.WARNING, logger="sanxiang.security"):
        served = client.get(f"/api/v1/retrieval/files/evidence/{secret.pk}/file", {"mode": "download", "copy": copy_id},
                            HTTP_ACCEPT="application/json")
    assert served.status_code == 403 and served.json()["code"] == "not_in_party_copy"
    assert RecordAccess.objects.count() == count
    assert any("国家秘密记录不得作为复制件提供" in r.getMessage() and "原件" in r.getMessage() for r in caplog.records)
    page = client.get(f"/retrieval/party-copies/{copy_id}/").content.decode()
    assert f"/evidence/{secret.pk}/" not in page


def test_the_access_log_hides_a_state_secret_title_from_those_who_cannot_see_it(client, env, world):
    case, secret = world["case"], world["secret"]
    client.force_login(env.officer)
    looked = client.get(f"/api/v1/retrieval/files/evidence/{secret.pk}/file", {"purpose": "核对涉密证据"})
    assert looked.status_code == 200
    mine = client.get(f"/api/v1/retrieval/cases/{case.pk}/log").json()
    assert any(row["record"] == "书证“涉密文件照片”" for row in mine), mine
    client.force_login(env.head)
    assert client.get(f"/api/v1/retrieval/files/evidence/{secret.pk}/file").status_code == 404
    page = client.get(f"/retrieval/cases/{case.pk}/log/").content.decode()
    api = client.get(f"/api/v1/retrieval/cases/{case.pk}/log").json()
    assert "涉密文件照片" not in page and "国家秘密记录（题名不予显示）" in page
    assert "涉密文件照片" not in json.dumps(api, ensure_ascii=False)


def paper(client, env, case, data, **extra):
    upload = samples.completed_upload(data, "扫描件.png", actor=env.officer)
    client.force_login(env.officer)
    return post(client, "/api/v1/documents/paper-originals", {
        "case_id": case.pk, "upload_id": upload.pk, "kind": "inquiry_record", "written_on": case.clue_on.isoformat(),
        "signers": "王五", "kept_at": "档案室", **extra})


def test_a_paper_original_takes_the_strictest_mark_of_its_bytes_and_is_served_by_it(client, env, world):
    case, private = world["case"], world["private"]
    lower = paper(client, env, case, PRIVATE_PNG, confidentiality="internal")
    assert lower.status_code == 400 and lower.json()["code"] == "confidentiality_below_source", lower.content
    made = paper(client, env, case, PRIVATE_PNG, number="手写询笔1号")
    assert made.status_code == 201 and made.json()["confidentiality"] == "personal_privacy", made.content
    assert made.json()["confidentiality_label"] == "个人隐私"
    scan = made.json()["id"]
    client.force_login(env.head)
    asked = client.get(f"/api/v1/retrieval/files/paper/{scan}/scan", {"mode": "download"},
                       HTTP_ACCEPT="application/json")
    assert asked.status_code == 400 and asked.json()["code"] == "purpose_required"
    served = client.get(f"/api/v1/retrieval/files/paper/{scan}/scan", {"mode": "download", "purpose": "核对询问笔录"})
    body = b"".join(served.streaming_content) if served.streaming else served.content
    assert served.status_code == 200 and body != PRIVATE_PNG
    access = RecordAccess.objects.latest("id")
    assert access.record_kind == "paper" and access.watermarked and access.confidentiality == "personal_privacy"
    # an evidence item registered later with the scan's bytes takes its floor too (the scan counts)
    chosen = paper(client, env, case, samples.png(seed=173), confidentiality="personal_privacy")
    assert chosen.status_code == 201 and chosen.json()["confidentiality"] == "personal_privacy"
    again = E.do_register_evidence(case, samples.completed_upload(samples.png(seed=173), "再传.png", actor=env.officer),
                                   kind="documentary", title="再传的扫描件", actor=env.officer, **ITEM)
    assert again.confidentiality == "personal_privacy"
    assert private.confidentiality == "personal_privacy"


def test_a_state_secret_held_as_a_paper_original_is_hidden_and_fails_the_archive_check(client, env, world):
    case = world["case"]
    made = paper(client, env, case, SECRET_PNG)
    assert made.status_code == 201 and made.json()["confidentiality"] == "state_secret", made.content
    client.force_login(env.head)
    assert client.get(f"/api/v1/retrieval/files/paper/{made.json()['id']}/scan").status_code == 404
    marks = next(i for c in A.check_case_file(case)["categories"] for i in c["items"] if i["code"] == "marks")
    assert not marks["ok"]
    assert any(f.startswith("询问笔录") or "纸质原件" in f or f"第 {made.json()['id']} 号" in f for f in marks["failed"]), marks
    assert not any("涉密文件照片" in f for f in marks["failed"]), marks
