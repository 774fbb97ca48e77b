"""当事人签名确认 of a recording through the API (`POST /api/v1/records/recordings/{id}/confirm`): the page's service
call (`do_confirm_by_party`), its guards and the one JSON error shape — the handwritten signature or a reasoned
refusal, never neither, never another signer's image (decisions 0085, 0089). And confirmations recorded before
the signature was required (no signature, no refusal) say 「确认时未采集签名」 on the case page, in the API and in the
archive metadata — not an empty signature nor an error."""

import base64
import json

import pytest
from documents_cast import png
from records_cast import EVIDENCE, client_of, counts, photo, video

from sanxiang.ledger.models import LedgerEntry
from sanxiang.records import evidence as E
from sanxiang.records.models import AudioVideoRecord, EvidenceItem

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "field", "reasons"}
TRANSCRIPT = "执法人员：我们是某市市场监管局执法人员，现依法检查。当事人：知道了。"


def recording(env, case, **extra):
    fields = {"title": "现场检查录像", "officers": "王执法、李执法", "recorder": "李执法",
              "started_at": "2026-09-02T09:00", "ended_at": "2026-09-02T09:40", "place": "当事人经营场所",
              "device": "执法记录仪 DSJ-01", "transcript": TRANSCRIPT, **extra}
    return E.do_declare_recording(case.agency if case else env.agency, case=case, upload=video(env.officer),
                                  actor=env.officer, **fields)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def post(user, rec, body):
    return client_of(user).post(f"/api/v1/records/recordings/{rec.pk}/confirm", json.dumps(body),
                                content_type="application/json")


def refused(user, rec, body, status, code=None, field=None):
    """The refusal in the one error shape, naming its code or field; nothing written, the recording unconfirmed."""
    before = counts()
    response = post(user, rec, body)
    assert response.status_code == status, response.content.decode()
    error = response.json()
    assert set(error) == SHAPE and error["message"], error
    assert code is None or error["code"] == code, error
    assert field is None or error["field"] == field, error
    assert counts() == before, "a refusal wrote something"
    assert AudioVideoRecord.objects.get(pk=rec.pk).party_confirmed_on is None
    return error["message"]


def test_the_party_signs_a_recordings_transcript_through_the_api(env, case):
    rec = recording(env, case)
    signature = png(signer="孙某", ink=(0, 0, 150))
    done = post(env.officer, rec, {"on": "2026-09-03", "party_name": "孙某",
                                   "party_png": "data:image/png;base64," + b64(signature), "note": "核对无误"})
    assert done.status_code == 200, done.content.decode()
    body = done.json()
    assert body["id"] == rec.pk and body["party_confirmed_on"] == "2026-09-03" and body["party_signer"] == "孙某"
    assert body["party_confirmation"] == "当事人孙某已签名确认：核对无误"
    assert body["party_signature_status"] == "signed" and body["party_signature_label"] == "当事人手写签名"
    rec.refresh_from_db()
    assert body["party_signature_sha256"] == rec.party_signature_sha256 != ""
    entry = json.loads(LedgerEntry.objects.filter(action="confirm_record_by_party", object_id=str(rec.pk)).get().entry)
    assert entry["payload"]["png_sha256"] == rec.party_signature_sha256
    assert rec.party_signature_path in json.dumps(entry)  # listed: `sanxiang verify` re-hashes it
    # read back: the recording, its confirm path (GET), the case's list — all say the same
    client = client_of(env.officer2)
    for url in (f"/api/v1/records/recordings/{rec.pk}", f"/api/v1/records/recordings/{rec.pk}/confirm"):
        shown = client.get(url).json()
        assert shown["party_signature_status"] == "signed" and shown["party_signer"] == "孙某", url
    listed = client.get("/api/v1/records/recordings", {"case_id": case.pk}).json()
    assert next(r for r in listed if r["id"] == rec.pk)["party_confirmed_on"] == "2026-09-03"
    image = client.get(f"/records/recording/{rec.pk}/party-signature.png")
    assert image.status_code == 200 and image.content == signature
    # once only
    again = post(env.officer, rec, {"on": "2026-09-03", "party_name": "孙某", "party_png": b64(signature)})
    assert again.status_code == 409 and again.json()["code"] == "already_confirmed"


def test_a_refusal_to_sign_is_noted_through_the_api(env, case):
    rec = recording(env, case)
    refused(env.officer, rec, {"on": "2026-09-03", "party_name": "孙某", "refusal_reason": "x"}, 400,
            "reason_too_short")
    done = post(env.officer, rec, {"on": "2026-09-03", "party_name": "孙某", "refusal_reason": "称录像未拍全，不予签字"})
    assert done.status_code == 200, done.content.decode()
    body = done.json()
    assert body["party_signature_status"] == "refused" and body["party_refusal_reason"] == "称录像未拍全，不予签字"
    assert body["party_signature_sha256"] == "" and body["party_confirmation"].startswith("当事人孙某拒绝签名，理由：")


def test_each_refusal_of_the_page_is_the_apis(env, case):
    rec = recording(env, case)
    on = "2026-09-03"
    message = refused(env.officer, rec, {"on": on, "party_name": "孙某"}, 400, "party_signature_missing", "party_png")
    assert "请当事人在签名板上签名" in message
    refused(env.officer, rec, {"on": on, "party_name": "孙某", "party_png": b64(png(ink=(255, 255, 255)))}, 400,
            "signature_blank", "party_png")
    message = refused(env.officer, rec, {"on": on, "party_name": "孙某", "party_png": "不是base64!"}, 400,
                      field="party_png")
    assert "base64" in message
    refused(env.officer, rec, {"on": on, "party_name": "孙某", "party_png": b64(b"GIF89a not a png at all")}, 400,
            field="party_png")
    refused(env.officer, rec, {"on": on, "party_png": b64(png(signer="孙某"))}, 400, field="party_name")
    refused(env.officer, rec, {"on": on, "party_name": "孙某", "party_png": b64(png(signer="孙某")),
                               "refusal_reason": "称录像未拍全"}, 400, field="refusal_reason")
    message = refused(env.officer, rec, {"on": "2020-01-01", "party_name": "孙某", "party_png": b64(png(signer="孙某"))},
                      400, field="on")
    assert "早于录制日期（2026-09-02）" in message
    refused(env.officer, rec, {"on": "昨天", "party_name": "孙某", "party_png": b64(png(signer="孙某"))}, 400,
            field="on")
    refused(env.officer, rec, {"party_name": "孙某"}, 422, "invalid_request")
    # no transcript yet: nothing for the party to confirm
    bare = recording(env, case, transcript="")
    refused(env.officer, bare, {"on": on, "party_name": "孙某", "party_png": b64(png(signer="孙某"))}, 400,
            field="transcript")


def test_another_signers_image_is_refused(env, case):
    """Decision 0085 through the API: another party's confirmation image sent as this party's is refused; the
    same party confirming two records may sign alike."""
    first, second, third = recording(env, case), recording(env, case), recording(env, case)
    on = "2026-09-03"
    assert post(env.officer, first, {"on": on, "party_name": "钱某", "party_png": b64(png(signer="钱某"))}).status_code == 200
    message = refused(env.officer, second, {"on": on, "party_name": "赵某", "party_png": b64(png(signer="钱某"))}, 400,
                      "signature_duplicate", "party_png")
    assert "当事人钱某" in message and "同一幅图像" in message
    # an evidence item's confirmation is another signer's too
    item = E.do_register_evidence(case, photo(env.officer), actor=env.officer, **EVIDENCE)
    E.do_confirm_by_party(item, on=item.collected_on.isoformat(), party_name="周某", party_png=png(signer="周某"),
                          actor=env.officer)
    refused(env.officer, second, {"on": on, "party_name": "赵某", "party_png": b64(png(signer="周某"))}, 400,
            "signature_duplicate")
    assert post(env.officer, third, {"on": on, "party_name": "钱某", "party_png": b64(png(signer="钱某"))}).status_code == 200


def test_an_archived_case_takes_no_confirmation(env, case):
    from django.utils import timezone

    from sanxiang.archive.models import ArchivedCaseFile

    rec = recording(env, case)
    ArchivedCaseFile.objects.create(
        case=case, agency=case.agency, archive_number="t-2026-0019", archive_year=2026, archive_seq=19,
        outcome="penalty", catalogue_sha256="0" * 64, items=0, pages=0, retention="定期30年", retention_basis="测试",
        archived_at=timezone.now(), archived_by_name="测试")
    message = refused(env.officer, rec, {"on": "2026-09-03", "party_name": "孙某", "party_png": b64(png(signer="孙某"))},
                      409, "case_archived")
    assert "已归档" in message


def test_who_may_confirm(env, case, client):
    """The handlers may; the agency's leader, who reads the case, may not (403); another agency's officer and an unknown id
    get 404 (no hint the recording exists); without a session 401; an unattached recording is linked first."""
    rec = recording(env, case)
    body = {"on": "2026-09-03", "party_name": "孙某", "party_png": b64(png(signer="孙某"))}
    refused(env.outsider, rec, body, 404, "recording_not_found")
    gone = client_of(env.officer).post("/api/v1/records/recordings/999999/confirm", json.dumps(body),
                                       content_type="application/json")
    assert gone.status_code == 404 and gone.json()["code"] == "recording_not_found"
    anonymous = client.post(f"/api/v1/records/recordings/{rec.pk}/confirm", json.dumps(body),
                            content_type="application/json")
    assert anonymous.status_code == 401 and set(anonymous.json()) == SHAPE
    assert client_of(env.outsider).get(f"/api/v1/records/recordings/{rec.pk}/confirm").status_code == 404
    assert client_of(env.leader).get(f"/api/v1/records/recordings/{rec.pk}").status_code == 200  # reads it
    refused(env.leader, rec, body, 403)
    unattached = recording(env, None)
    message = refused(env.officer, unattached, body, 409, "recording_not_linked")
    assert "请先关联案件" in message
    assert post(env.officer2, rec, body).status_code == 200


def test_the_schema_documents_the_confirmation(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/records/recordings/{recording_id}/confirm"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(operation["responses"])
    assert operation["summary"].startswith("登记当事人对音像记录")
    recording_out = document["components"]["schemas"]["RecordingOut"]["properties"]
    assert {"party_confirmed_on", "party_signer", "party_signature_sha256", "party_refusal_reason",
            "party_signature_status", "party_signature_label"} <= set(recording_out)
    assert "party_signature_status" in document["components"]["schemas"]["EvidenceOut"]["properties"]


def test_a_confirmation_made_before_the_signature_rule_says_so(env, case):
    """Rows confirmed before decision 0089 kept their sentence and have no signature (not back-filled): the case
    page, the API and the archive metadata say 确认时未采集签名 — no broken image, no empty signer as if missing."""
    from sanxiang.archive.sources import _evidence
    from sanxiang.orgs.models import Agency

    item = E.do_register_evidence(case, photo(env.officer), actor=env.officer, **EVIDENCE)
    rec = recording(env, case)
    for model, pk in ((EvidenceItem, item.pk), (AudioVideoRecord, rec.pk)):
        model.objects.filter(pk=pk).update(party_confirmed_on="2026-09-03", party_confirmation="当事人已签字确认")
    Agency.objects.filter(pk=case.agency_id).update(profile_key="zhuzhou-amr")  # 株洲: records.av_print_and_sign
    client = client_of(env.officer)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("当事人已签字确认（2026-09-03）<span class=\"party-signature-status\">：确认时未采集签名</span>") == 2
    assert f"/records/evidence/{item.pk}/party-signature.png" not in html
    assert f"/records/recording/{rec.pk}/party-signature.png" not in html
    assert client.get(f"/records/recording/{rec.pk}/party-signature.png").status_code == 404
    for url in (f"/api/v1/records/evidence/{item.pk}", f"/api/v1/records/recordings/{rec.pk}"):
        shown = client.get(url).json()
        assert shown["party_confirmed_on"] == "2026-09-03" and shown["party_confirmation"] == "当事人已签字确认", url
        assert shown["party_signature_status"] == "not_captured" and shown["party_signature_label"] == "确认时未采集签名"
        assert shown["party_signature_sha256"] == "" and shown["party_refusal_reason"] == ""
    metadata = {r.object_id: r.metadata for r in _evidence(case)}
    for pk in (item.pk, rec.pk):
        assert metadata[str(pk)]["party_signature_status"] == "not_captured"
        assert metadata[str(pk)]["party_signature_label"] == "确认时未采集签名"
        assert "party_signature_sha256" not in metadata[str(pk)]
    # confirmed once: a second confirmation is still refused, the old row is not overwritten
    again = post(env.officer, rec, {"on": "2026-09-04", "party_name": "孙某", "party_png": b64(png(signer="孙某"))})
    assert again.status_code == 409 and again.json()["code"] == "already_confirmed"


def test_the_case_page_asks_for_a_recordings_confirmation(env, case):
    """株洲: a recording with its transcript waits for the party's confirmation on the case page, with the button to
    the confirm page (which, as for evidence, captures the signature)."""
    from sanxiang.orgs.models import Agency

    rec = recording(env, case)
    Agency.objects.filter(pk=case.agency_id).update(profile_key="zhuzhou-amr")
    html = client_of(env.officer).get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/records/recording/{rec.pk}/confirm/"' in html
    assert client_of(env.officer).get(f"/records/recording/{rec.pk}/confirm/").status_code == 200
    Agency.objects.filter(pk=case.agency_id).update(profile_key="")
    html = client_of(env.officer).get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/records/recording/{rec.pk}/confirm/"' not in html
