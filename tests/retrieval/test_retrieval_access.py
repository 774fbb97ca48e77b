"""查看/下载 through the pages and the serving endpoint (Django's client), watermarks, 调阅 requests
and grants with the expiry job, party copy requests; every refusal writes nothing."""

import datetime as dt
import hashlib
import io
import json
import subprocess

import pytest
from django.utils import timezone
from retrieval_cast import BODY_TEXT, asked_all, case_with_pdf

from sanxiang import storage
from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import AgencyKind, Role
from sanxiang.retrieval import actions as R
from sanxiang.retrieval import queries as Q
from sanxiang.retrieval import watermark
from sanxiang.retrieval.models import AccessRequestStatus, PartyCopyStatus, RecordAccess
from sanxiang.retrieval.tasks import expire_access_grants

pytestmark = pytest.mark.django_db


def file_url(document, mode="view", **query):
    url = f"/api/v1/retrieval/files/document/{document.pk}/pdf"
    params = {**({"mode": mode} if mode != "view" else {}), **query}
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True,
                          timeout=30).stdout.decode()


def entries(action):
    return [json.loads(e.entry) for e in LedgerEntry.objects.filter(action=action).order_by("index")]


def written():
    return RecordAccess.objects.count(), LedgerEntry.objects.count()


@pytest.fixture(scope="module")
def internal(env, django_db_blocker):
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        return case_with_pdf(env, mp)


@pytest.fixture(scope="module")
def secret(env, django_db_blocker):
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        return case_with_pdf(env, mp, mark="business_secret")


@pytest.fixture(scope="module")
def other_unit_officer(env, django_db_blocker):
    with django_db_blocker.unblock():
        unit2 = A.do_create_unit(env.agency, "执法二队", actor=OPERATOR)
        return T.member(env.agency, Role.OFFICER, unit=unit2)


def test_each_view_and_download_is_one_ledgered_look_with_its_actor(client, env, internal):
    case, document, data = internal
    client.force_login(env.officer)
    before = written()
    view = client.get(file_url(document))
    download = client.get(file_url(document, "download"))
    assert b"".join(view.streaming_content) == data == b"".join(download.streaming_content)
    assert view["Content-Disposition"].startswith("inline") and download["Content-Disposition"].startswith("attachment")
    assert written() == (before[0] + 2, before[1] + 2)
    looked, fetched = entries("view_record")[-1], entries("download_record")[-1]
    assert looked["actor"] == fetched["actor"] == env.officer.username
    assert looked["payload"]["record_id"] == document.pk and looked["payload"]["file_sha256"] == document.pdf_sha256
    # HEAD serves no bytes and writes nothing
    assert client.head(file_url(document)).status_code == 200 and written() == (before[0] + 2, before[1] + 2)


def test_the_case_page_links_go_through_the_serving_layer(client, env, internal):
    case, document, data = internal
    client.force_login(env.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/retrieval/records/document/{document.pk}/pdf/" in page and "查看" in page and "下载" in page
    answer = client.get(f"/retrieval/records/document/{document.pk}/pdf/", follow=True)
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == data


def test_another_agency_gets_404_and_nothing_is_written(client, env, internal, secret):
    before = written()
    client.force_login(env.outsider)
    for _, document, _ in (internal, secret):
        answer = client.get(file_url(document, purpose="x"))
        assert answer.status_code == 404 and answer.json()["code"] == "record_not_found"
        assert client.get(f"/retrieval/records/document/{document.pk}/pdf/").status_code == 404
    assert client.get(file_url(internal[1]).replace("/document/", "/nonsense/")).status_code == 404
    assert written() == before


def test_a_confidential_record_asks_a_purpose_and_is_downloaded_watermarked(client, env, secret):
    case, document, original = secret
    client.force_login(env.head)
    before = written()
    refused = client.get(file_url(document, "download"))
    assert refused.status_code == 400 and refused.json()["code"] == "purpose_required"
    assert "商业秘密" in refused.json()["message"] and written() == before
    page = client.get(f"/retrieval/records/document/{document.pk}/pdf/?mode=download")
    assert "请写明查阅用途" in page.content.decode()
    answer = client.post(f"/retrieval/records/document/{document.pk}/pdf/?mode=download", {"purpose": "案卷评查"},
                         follow=True)
    served = b"".join(answer.streaming_content) if answer.streaming else answer.content
    text = pdf_text(served)
    name = env.head.get_full_name() or env.head.username
    # a download says so (tester 14d: it said 查阅 on every copy)
    assert name in text and "下载" in text and "查阅" not in text and BODY_TEXT in text
    assert name not in pdf_text(original) and BODY_TEXT in pdf_text(original)
    # the stored original is unchanged; the watermarked copy's digest is in the entry
    assert storage.rehash(document.pdf_path)["sha256"] == document.pdf_sha256 == hashlib.sha256(original).hexdigest()
    access = RecordAccess.objects.latest("id")
    assert access.watermarked and access.purpose == "案卷评查" and access.mode == "download"
    assert access.served_sha256 == hashlib.sha256(served).hexdigest() != document.pdf_sha256
    entry = entries("download_record")[-1]
    assert entry["payload"]["watermarked_sha256"] == access.served_sha256 and entry["payload"]["purpose"] == "案卷评查"
    assert answer["Accept-Ranges"] == "none"
    viewed = client.get(file_url(document, purpose="案卷评查"))
    assert viewed.status_code == 200
    assert "查阅" in pdf_text(viewed.content) and "下载" not in pdf_text(viewed.content)


def test_images_get_the_watermark_drawn_in():
    from PIL import Image

    blank = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(blank, "PNG")
    stamped = watermark.apply(blank.getvalue(), "image/png", "王执法 2026-11-24 10:00 查阅")
    image = Image.open(io.BytesIO(stamped)).convert("RGB")
    assert image.size == (400, 300) and image.getcolors(1 << 16) != [(400 * 300, (255, 255, 255))]


def test_a_grant_lets_another_units_officer_view_until_it_expires(client, env, secret, other_unit_officer):
    case, document, _ = secret
    client.force_login(other_unit_officer)
    assert client.get(file_url(document, purpose="x")).status_code == 404
    request = R.do_request_access(case, reason="同类案件比对", actor=other_unit_officer)
    assert client.get(file_url(document, purpose="x")).status_code == 404  # pending is not a grant
    with pytest.raises(NotPermitted):
        R.do_decide_access_request(request, approve=True, actor=env.officer)  # not a head
    granted = R.do_decide_access_request(request, approve=True, reason="同意", actor=env.head)
    assert granted.until - granted.decided_at == dt.timedelta(days=7)  # records.access_grant_days
    view = client.get(file_url(document))  # the grant is the why: no purpose asked
    assert view.status_code == 200
    access = RecordAccess.objects.latest("id")
    assert access.grant == granted and access.user == other_unit_officer
    assert entries("view_record")[-1]["payload"]["grant"] == granted.pk
    refused = client.get(file_url(document, "download"))  # 调阅 without copying
    assert refused.status_code == 403 and refused.json()["code"] == "download_not_granted"
    before = written()
    word = client.get(f"/api/v1/retrieval/files/document/{document.pk}/docx")  # viewing a Word file = saving it
    assert word.status_code == 403 and word.json()["code"] == "download_not_granted" and written() == before
    # the grant holder lists the case's records it covers: only what the browser shows, no download
    listed = client.get(f"/api/v1/retrieval/cases/{case.pk}/records")
    assert listed.status_code == 200, listed.content
    [row] = [r for r in listed.json() if r["kind"] == "document" and r["id"] == document.pk]
    assert [(f["file"], f["download_url"]) for f in row["files"]] == [("pdf", None)]
    assert "/retrieval/cases/%d/records/" % case.pk in client.get("/retrieval/requests/").content.decode()
    page = client.get(f"/retrieval/cases/{case.pk}/records/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/retrieval/records/document/{document.pk}/pdf/" in body and "mode=download" not in body
    assert "/docx/" not in body and "仅可在浏览器中查看" in body
    # time passes: the serving layer refuses at once, the job records the end
    type(granted).objects.filter(pk=granted.pk).update(until=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(file_url(document)).status_code == 404
    assert client.get(f"/api/v1/retrieval/cases/{case.pk}/records").status_code == 404
    assert client.get(f"/retrieval/cases/{case.pk}/records/").status_code == 404
    assert expire_access_grants.call()["done"] == 1
    granted.refresh_from_db()
    assert granted.status == AccessRequestStatus.EXPIRED and entries("expire_access_grant")[-1]["actor"] == "system:jobs"
    assert expire_access_grants.call()["done"] == 0


def test_a_file_whose_bytes_no_longer_match_the_ledger_is_not_served(client, env, internal, secret, settings,
                                                                       caplog):
    from pathlib import Path

    case, document, data = internal
    stored = Path(storage.backend().location) / document.pdf_path
    marked = Path(storage.backend().location) / secret[1].pdf_path
    originals = {stored: stored.read_bytes(), marked: marked.read_bytes()}
    client.force_login(env.officer)
    try:
        for path, good in originals.items():
            damaged = bytearray(good)
            damaged[len(damaged) // 2] ^= 0xFF
            path.write_bytes(bytes(damaged))
        before = written()
        refused = client.get(file_url(document))
        assert refused.status_code == 409 and refused.json()["code"] == "file_modified"
        assert refused.json()["message"] == "文件与留痕记录不符，已停止提供，请联系管理员"
        assert written() == before and "文件与留痕记录不符" in caplog.text
        ranged = client.get(file_url(document), HTTP_RANGE="bytes=0-99")  # s17 22a: a range is no way round
        assert ranged.status_code == 409 and ranged.json()["code"] == "file_modified"
        assert client.get(file_url(secret[1], purpose="核对")).status_code == 409  # the watermark's original too
        assert written() == before
        settings.RETRIEVAL_REHASH_MAX_BYTES = len(data) - 1  # larger files: left to the daily sampled re-hash
        assert client.get(file_url(document)).status_code == 200
    finally:
        for path, good in originals.items():
            path.write_bytes(good)


def test_refusals_write_nothing(env, secret, other_unit_officer):
    case, _, _ = secret
    request = R.do_request_access(case, reason="了解办案情况", actor=other_unit_officer)
    before = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation):
        R.do_decide_access_request(request, approve=False, reason="  ", actor=env.head)
    with pytest.raises(Conflict):
        R.do_request_access(case, reason="再次申请", actor=other_unit_officer)
    with pytest.raises(Conflict):
        R.do_request_access(case, reason="本人承办", actor=env.officer)  # already reads it
    with pytest.raises(NotFound):
        R.do_request_access(case, reason="外单位", actor=env.outsider)
    with pytest.raises(NotPermitted):
        R.do_request_access(case, reason="复制", kind="copy", actor=other_unit_officer)  # copying: supervisors
    with pytest.raises(RuleViolation):
        R.do_request_access(case, reason="", actor=env.reviewer)
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.PENDING and LedgerEntry.objects.count() == before
    refused = R.do_decide_access_request(request, approve=False, reason="与职责无关", actor=env.leader)
    assert refused.status == AccessRequestStatus.REFUSED and refused.decision_reason == "与职责无关"
    with pytest.raises(Conflict):
        R.do_decide_access_request(refused, approve=True, actor=env.head)


def test_a_supervisor_reads_and_copies_directly_and_asks_only_for_state_secrets(client, env, secret, django_db_blocker):
    """执法监督条例 Art.22: 调阅、复制资料 is the supervisor's right over the agencies its body supervises —
    standing access, each look ledgered with its purpose, copies watermarked; state secrets (outside
    the SUPERVISED scope) need a 调阅 request decided by those named on the case."""
    case, document, _ = secret
    body = T.agency(kind=AgencyKind.SUPERVISORY)
    A.do_update_agency(env.agency, supervised_by=[body.code], actor=OPERATOR)
    supervisor = T.member(body, Role.SUPERVISOR)
    client.force_login(supervisor)
    download = client.get(file_url(document, "download", purpose="执法案卷评查"))
    assert download.status_code == 200
    assert (supervisor.get_full_name() or supervisor.username) in pdf_text(download.content)
    assert RecordAccess.objects.latest("id").purpose == "执法案卷评查"
    with pytest.raises(Conflict):
        R.do_request_access(case, reason="执法案卷评查", kind="copy", actor=supervisor)
    with pytest.MonkeyPatch.context() as mp:
        state_case, state_document, _ = case_with_pdf(env, mp, mark="state_secret")
    assert client.get(file_url(state_document, purpose="评查")).status_code == 404
    request = R.do_request_access(state_case, reason="专项监督", kind="copy", actor=supervisor)
    assert request.status == AccessRequestStatus.PENDING
    assert Q.waiting_for(env.head).filter(pk=request.pk).count() == 0  # the head is not named


def test_a_state_secret_request_is_decided_only_by_the_named(env, django_db_blocker, other_unit_officer):
    with pytest.MonkeyPatch.context() as mp:
        case, _, _ = case_with_pdf(env, mp, mark="state_secret")
    request = R.do_request_access(case, reason="专项检查", actor=other_unit_officer)
    for head in (env.head, env.leader):  # not named on the case (知悉范围)
        with pytest.raises(NotPermitted):
            R.do_decide_access_request(request, approve=True, actor=head)


def test_the_requests_page_and_the_access_log(client, env, internal, other_unit_officer):
    case, document, _ = internal
    client.force_login(other_unit_officer)
    form = client.get(f"/retrieval/cases/{case.pk}/request/")
    assert form.status_code == 200 and "申请调阅" in form.content.decode()
    answer = client.post(f"/retrieval/cases/{case.pk}/request/", {"reason": "查阅同类案件", "kind": "inspect"},
                         follow=True)
    assert "调阅申请已提交" in answer.content.decode() and "查阅同类案件" in answer.content.decode()
    client.force_login(env.head)
    waiting = client.get("/retrieval/requests/").content.decode()
    assert "查阅同类案件" in waiting and "待我审批" in waiting
    request = Q.waiting_for(env.head).get(reason="查阅同类案件")
    decided = client.post(f"/retrieval/requests/{request.pk}/decide/", {"decision": "refuse", "reason": ""},
                          follow=True)
    assert "未能审批" in decided.content.decode()
    client.post(f"/retrieval/requests/{request.pk}/decide/", {"decision": "approve", "reason": "同意"})
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.APPROVED
    client.force_login(env.officer)
    client.get(file_url(document))
    own = client.get(f"/retrieval/cases/{case.pk}/log/")  # officers read their own looks only (s19 tester8 #24)
    assert own.status_code == 200 and "我的查阅留痕" in own.content.decode()
    assert {a["user"] for a in client.get(f"/api/v1/retrieval/cases/{case.pk}/log").json()} == {
        env.officer.get_full_name() or env.officer.username}
    client.force_login(env.head)
    log = client.get(f"/retrieval/cases/{case.pk}/log/").content.decode()
    assert document.get_kind_display() in log and (env.officer.get_full_name() or env.officer.username) in log


def test_a_party_copy_request_is_answered_within_its_deadline(env, internal):
    case, _, _ = internal
    before = LedgerEntry.objects.count()
    with pytest.raises(NotPermitted):
        R.do_register_party_copy(case, party=env.person_party, records="处罚决定书", asked=asked_all(env.outsider, case), actor=env.outsider)
    with pytest.raises(RuleViolation):
        R.do_register_party_copy(case, party=env.org_party, records="处罚决定书", asked=asked_all(env.officer, case), actor=env.officer)  # not a party
    assert LedgerEntry.objects.count() == before
    row = R.do_register_party_copy(case, party=env.person_party, records="立案审批表", asked=asked_all(env.officer, case), actor=env.officer)
    assert row.status == PartyCopyStatus.TO_ANSWER and not row.needs_approval  # national: no approval
    obligation = Obligation.objects.get(object_type="retrieval.partycopyrequest", object_id=str(row.pk))
    assert row.due_on == obligation.due and obligation.count == 7
    with pytest.raises(RuleViolation):
        R.do_answer_party_copy(row, provided=False, reason="", actor=env.officer)
    answered = R.do_answer_party_copy(row, provided=True, actor=env.officer)
    obligation.refresh_from_db()
    assert answered.status == PartyCopyStatus.PROVIDED and obligation.status == "met"


def test_where_the_profile_asks_the_head_approves_a_party_copy_first(env, internal, monkeypatch):
    case, _, _ = internal
    monkeypatch.setattr(R, "_profile_value", lambda agency, key, default: True if key.endswith("approval") else 5)
    row = R.do_register_party_copy(case, party=env.person_party, records="询问笔录", asked=asked_all(env.officer, case), actor=env.officer)
    assert row.status == PartyCopyStatus.PENDING_APPROVAL
    with pytest.raises(RuleViolation):
        R.do_answer_party_copy(row, provided=True, actor=env.officer)
    with pytest.raises(NotPermitted):
        R.do_approve_party_copy(row, actor=env.officer)
    R.do_approve_party_copy(row, actor=env.head)
    refused = R.do_answer_party_copy(row, provided=False, reason="涉及他人隐私", actor=env.officer)
    assert refused.status == PartyCopyStatus.REFUSED and refused.answer_reason == "涉及他人隐私"


def test_a_heads_refusal_of_a_party_copy_is_kept_as_a_refusal_with_its_reason(client, env, internal, monkeypatch):
    case, _, _ = internal
    monkeypatch.setattr(R, "_profile_value", lambda agency, key, default: True if key.endswith("approval") else 5)
    row = R.do_register_party_copy(case, party=env.person_party, records="询问笔录", asked=asked_all(env.officer, case), actor=env.officer)
    url = f"/api/v1/retrieval/party-copies/{row.pk}/approve"
    client.force_login(env.head)
    before = LedgerEntry.objects.count()
    bare = client.post(url, {"approve": False}, content_type="application/json")
    assert bare.status_code == 400 and bare.json()["field"] == "reason"
    assert client.post(url, {}, content_type="application/json").status_code == 422  # a decision is required
    assert LedgerEntry.objects.count() == before
    row.refresh_from_db()
    assert row.status == PartyCopyStatus.PENDING_APPROVAL
    refused = client.post(url, {"approve": False, "reason": "涉及他人隐私"}, content_type="application/json")
    assert refused.status_code == 200, refused.content
    assert refused.json()["status"] == "refused" and refused.json()["answer_reason"] == "涉及他人隐私"
    entry = entries("refuse_party_copy")[-1]
    assert entry["payload"] == {"approve": False, "reason": "涉及他人隐私"} and entry["actor"] == env.head.username
    assert Obligation.objects.get(object_type="retrieval.partycopyrequest", object_id=str(row.pk)).status == "met"
    assert client.post(url, {"approve": True}, content_type="application/json").status_code == 409
    other = R.do_register_party_copy(case, party=env.person_party, records="现场笔录", asked=asked_all(env.officer, case), actor=env.officer)
    approved = client.post(f"/api/v1/retrieval/party-copies/{other.pk}/approve", {"approve": True},
                           content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "to_answer"
    assert entries("approve_party_copy")[-1]["payload"]["approve"] is True


def test_a_grant_has_an_upper_limit_and_a_second_request_is_refused_while_one_holds(client, env, secret,
                                                                                     other_unit_officer):
    case, _, _ = secret
    client.force_login(other_unit_officer)
    created = client.post("/api/v1/retrieval/requests", {"case_id": case.pk, "reason": "对比办案"},
                          content_type="application/json").json()
    pending = client.post("/api/v1/retrieval/requests", {"case_id": case.pk, "reason": "再次申请"},
                          content_type="application/json")
    assert pending.status_code == 409 and pending.json()["code"] == "access_request_pending"
    client.force_login(env.head)
    url = f"/api/v1/retrieval/requests/{created['id']}/decision"
    before = LedgerEntry.objects.count()
    ten_years = client.post(url, {"approve": True, "until": "2036-01-01T00:00:00+08:00"},
                            content_type="application/json")
    assert ten_years.status_code == 400 and ten_years.json()["field"] == "until"
    assert "30 日" in ten_years.json()["message"]  # records.access_grant_max_days (platform default)
    assert LedgerEntry.objects.count() == before
    # a time without a zone is local time (Asia/Shanghai), not a 500 (s21 tester8 #8)
    naive = timezone.localtime(timezone.now() + dt.timedelta(days=29)).replace(tzinfo=None, microsecond=0)
    ok = client.post(url, {"approve": True, "until": naive.isoformat()}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "approved", ok.content
    assert dt.datetime.fromisoformat(ok.json()["until"]) == timezone.make_aware(naive)
    client.force_login(other_unit_officer)
    before = LedgerEntry.objects.count()
    again = client.post("/api/v1/retrieval/requests", {"case_id": case.pk, "reason": "延长"},
                        content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "access_already_held"
    assert "有效期内" in again.json()["message"] and LedgerEntry.objects.count() == before


def test_the_api_lists_records_requests_decisions_and_the_log(client, env, secret, other_unit_officer):
    case, document, _ = secret
    client.force_login(env.officer)
    records = client.get(f"/api/v1/retrieval/cases/{case.pk}/records").json()
    assert records[0]["id"] == document.pk and records[0]["purpose_required"] is True
    pdf = next(f for f in records[0]["files"] if f["file"] == "pdf")
    assert pdf["view_url"] == f"/api/v1/retrieval/files/document/{document.pk}/pdf"
    own = client.get(f"/api/v1/retrieval/cases/{case.pk}/log")  # officers: their own looks only (s19 tester8 #24)
    assert own.status_code == 200 and {a["user"] for a in own.json()} <= {env.officer.get_full_name()
                                                                          or env.officer.username}
    client.force_login(env.outsider)
    assert client.get(f"/api/v1/retrieval/cases/{case.pk}/records").status_code == 404
    assert client.post("/api/v1/retrieval/requests", {"case_id": case.pk, "reason": "看看"},
                       content_type="application/json").status_code == 404
    client.force_login(other_unit_officer)
    created = client.post("/api/v1/retrieval/requests", {"case_id": case.pk, "reason": "对比办案"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    client.force_login(env.head)
    waiting = client.get("/api/v1/retrieval/requests").json()["waiting"]
    assert [r["reason"] for r in waiting] == ["对比办案"]
    refused = client.post(f"/api/v1/retrieval/requests/{created.json()['id']}/decision", {"approve": False},
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    approved = client.post(f"/api/v1/retrieval/requests/{created.json()['id']}/decision",
                           {"approve": True, "reason": "同意"}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    client.force_login(other_unit_officer)
    assert client.get(file_url(document)).status_code == 200
    client.force_login(env.head)
    log = client.get(f"/api/v1/retrieval/cases/{case.pk}/log").json()
    assert log[0]["user"] == (other_unit_officer.get_full_name() or other_unit_officer.username)
    assert log[0]["grant_id"] == created.json()["id"]


def test_the_api_registers_and_answers_party_copies(client, env, internal):
    case, _, _ = internal
    client.force_login(env.officer)
    created = client.post("/api/v1/retrieval/party-copies",
                          {"case_id": case.pk, "party_id": env.person_party.pk, "records": "现场笔录",
                           "asked": asked_all(env.officer, case)},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "to_answer"
    answered = client.post(f"/api/v1/retrieval/party-copies/{created.json()['id']}/answer",
                           {"provided": False, "reason": "涉及第三人商业秘密"}, content_type="application/json")
    assert answered.status_code == 200 and answered.json()["status"] == "refused"
    again = client.post(f"/api/v1/retrieval/party-copies/{created.json()['id']}/answer", {"provided": True},
                        content_type="application/json")
    assert again.status_code == 409
    client.force_login(env.outsider)
    assert client.get(f"/api/v1/retrieval/party-copies?case_id={case.pk}").status_code == 404


def test_the_case_page_shows_the_records_and_the_log_link_to_heads(client, env, internal):
    case, document, _ = internal
    client.force_login(env.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="case-records"' in page and "访问日志" not in page
    client.force_login(env.head)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/retrieval/cases/{case.pk}/log/" in page and "内部" in page


def test_a_request_by_case_number_on_the_requests_page(client, env, other_unit_officer):
    client.force_login(other_unit_officer)
    answer = client.post("/retrieval/requests/", {"number": "不存在的案号", "kind": "inspect", "reason": "查阅"})
    assert answer.status_code == 404 and "未找到该案号的案件" in answer.content.decode()


def test_a_head_named_on_a_state_secret_case_decides_its_request(env, other_unit_officer):
    from sanxiang.cases import actions as C
    from sanxiang.orgs.models import Person

    with pytest.MonkeyPatch.context() as mp:
        case, _, _ = case_with_pdf(env, mp)
    head_person = Person.objects.get(user=env.head)
    T.certificate(head_person, categories=("行政处罚", "行政强制"))
    C.do_assign_case_handler(case, head_person, actor=env.head, on=case.clue_on)  # now named (知悉范围)
    case = C.do_update_case(case, version=case.version, confidentiality="state_secret", actor=env.officer)
    request = R.do_request_access(case, reason="专项检查", actor=other_unit_officer)
    assert Q.waiting_for(env.head).filter(pk=request.pk).exists() and not Q.waiting_for(env.leader).exists()
    approved = R.do_decide_access_request(request, approve=True, actor=env.head)
    assert approved.status == AccessRequestStatus.APPROVED


@pytest.fixture
def video_kind():
    """A record kind whose file is a video (the evidence branch brings the real ones): the document's
    stored bytes served as video/mp4, to exercise the player and the no-download rule."""
    from sanxiang.documents.models import Document
    from sanxiang.retrieval import kinds

    kind = kinds.register(kinds.RecordKind("testvideo", "测试音像记录", Document, files=lambda d: {
        "video": kinds.FileRef(d.pdf_path, d.pdf_sha256, d.pdf_size or 0, "video/mp4", "现场.mp4", "视频")}))
    yield kind
    kinds._kinds.pop("testvideo")


def test_confidential_video_plays_in_the_browser_once_ledgered_and_is_never_downloaded(client, env, secret,
                                                                                        video_kind):
    case, document, data = secret
    client.force_login(env.officer)
    base = f"/api/v1/retrieval/files/testvideo/{document.pk}/video"
    before = written()
    refused = client.get(base + "?mode=download&purpose=复核现场")
    assert refused.status_code == 403 and refused.json()["code"] == "download_not_allowed" and written() == before
    page = client.post(f"/retrieval/records/testvideo/{document.pk}/video/", {"purpose": "复核现场"})
    html = page.content.decode()
    assert page.status_code == 200 and "<video" in html and "mode=download" not in html
    src = html.split('<video controls preload="metadata" src="')[1].split('"')[0].replace("&amp;", "&")
    assert written() == (before[0] + 1, before[1] + 1)  # the page ledgered the look
    for first in (0, 500, len(data) - 100):  # the player's range requests: not ledgered again
        part = client.get(src, HTTP_RANGE=f"bytes={first}-")
        assert part.status_code == 206 and b"".join(part.streaming_content) == data[first:]
    assert written() == (before[0] + 1, before[1] + 1)
    assert RecordAccess.objects.latest("id").purpose == "复核现场"
    client.force_login(env.head)  # another user's token is worth nothing
    assert client.get(src, HTTP_RANGE="bytes=0-").status_code == 400


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded(settings, monkeypatch):
    """s18 issue 8 item 13: an 8000×8000 PNG cost ~700 MB to stamp; its header says so before decoding."""
    from PIL import Image, ImageFile

    huge = io.BytesIO()
    Image.new("1", (8000, 8000)).save(huge, "PNG")  # 1 bit per pixel: small to make, large to decode
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self.size))
    with pytest.raises(watermark.ImageTooLarge) as refused:
        watermark.apply(huge.getvalue(), "image/png", "王执法 2026-11-24 10:00 查阅")
    assert decoded == []
    assert refused.value.status == 403 and refused.value.code == "image_too_large"
    assert "8000×8000" in refused.value.message and "2500 万像素" in refused.value.message
    settings.RETRIEVAL_WATERMARK_MAX_PIXELS = 70_000_000
    assert watermark.max_pixels() == 70_000_000


def test_a_watermarked_copy_of_a_sealed_pdf_keeps_the_seal_valid_over_the_original(settings, tmp_path):
    """s18 issue 8 item 6: watermarking rewrote the signed bytes, so the copy's seal showed as broken.
    Now the stamp is an incremental update: pyHanko finds the seal intact, valid and trusted over the
    original revision, which is the copy's first bytes; the stamp says where the seal is checked."""
    import types

    from asn1crypto import x509
    from fpdf import FPDF
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from sanxiang.archive.seals import seal_problem
    from sanxiang.documents.signing import PyHankoSigner

    settings.DATA_DIR = tmp_path
    agency = types.SimpleNamespace(code="wm-seal", name="水印试验市场监督管理局")
    page = FPDF()
    page.add_page()
    page.set_font("helvetica", size=20)
    page.text(20, 30, "decision")
    signer = PyHankoSigner()
    sealed = signer.seal(bytes(page.output()), agency=agency, reason="签发")
    certificate = signer.certificate(agency)
    assert seal_problem(sealed, certificate) == ""

    copy = watermark.apply(sealed, "application/pdf", "王执法 2026-11-24 10:00 下载 · 不得外传")
    assert copy.startswith(sealed) and len(copy) > len(sealed)  # the original, then the stamp's revision
    signatures = PdfFileReader(io.BytesIO(copy), strict=False).embedded_signatures
    status = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[x509.Certificate.load(certificate)]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION  # the seal covers the original revision
    byte_range = [int(n) for n in signatures[0].sig_object["/ByteRange"]]
    assert copy[:byte_range[2] + byte_range[3]] == sealed  # the signed revision, cut out by its byte range
    text = pdf_text(copy)
    assert "王执法" in text and "复制件：电子印章以原件为准" in text
    assert f"SHA-256 {hashlib.sha256(sealed).hexdigest()[:16]}" in text and f"前 {len(sealed)} 字节" in text
