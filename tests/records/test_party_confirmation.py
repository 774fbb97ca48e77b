"""当事人签名确认 (株洲: the party confirms the printed photos or the transcript) carries the party's handwritten
signature — drawn on the pad the 笔录 use, with their rules (no blank pad, no image another signer of the case
drew: decision 0085) — or the officer's note that the party refused and why; it is stored with the record,
listed in the ledger, shown on the case's evidence and in the archive package's metadata (decision 0089)."""

import json

import pytest
from documents_cast import decided_case, png
from records_cast import EVIDENCE, client_of, counts, photo

from sanxiang.core.errors import RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.records import evidence as E

pytestmark = pytest.mark.django_db


def refused(call, code):
    before = counts()
    with pytest.raises(RuleViolation) as caught:
        call()
    assert code is None or caught.value.code == code, caught.value.message
    assert counts() == before, "a refusal wrote something"
    return caught.value.message


def test_the_partys_signature_is_kept_with_the_confirmation(env, case):
    from sanxiang import storage
    from sanxiang.archive.sources import _evidence

    item = E.do_register_evidence(case, photo(env.officer), actor=env.officer, **EVIDENCE)
    on = item.collected_on.isoformat()
    message = refused(lambda: E.do_confirm_by_party(item, on=on, party_name="孙某", actor=env.officer),
                      "party_signature_missing")
    assert "请当事人在签名板上签名" in message
    blank = png(ink=(255, 255, 255))
    refused(lambda: E.do_confirm_by_party(item, on=on, party_name="孙某", party_png=blank, actor=env.officer),
            "signature_blank")
    refused(lambda: E.do_confirm_by_party(item, on=on, party_png=png(signer="孙某"), actor=env.officer), None)
    signature = png(signer="孙某", ink=(0, 0, 160))
    E.do_confirm_by_party(item, on=on, party_name="孙某", party_png=signature, actor=env.officer)
    item.refresh_from_db()
    assert item.party_signer == "孙某" and item.party_confirmation == "当事人孙某已签名确认"
    with storage.open_file(item.party_signature_path) as fh:
        assert fh.read() == signature
    entry = json.loads(LedgerEntry.objects.filter(action="confirm_record_by_party", object_id=str(item.pk)).get().entry)
    assert entry["payload"]["png_sha256"] == item.party_signature_sha256
    assert item.party_signature_path in json.dumps(entry)  # listed: `sanxiang verify` re-hashes it
    metadata = next(r.metadata for r in _evidence(case) if r.object_id == str(item.pk))
    assert metadata["party_signer"] == "孙某" and metadata["party_signature_sha256"] == item.party_signature_sha256
    assert metadata["party_confirmed_on"] == on


def test_another_signers_image_is_refused(env, blocker):
    """One hand signing for all (decision 0085): the officer's signature on the case's 笔录, or another party's
    confirmation, sent as this party's is refused; the same party signing two records is not."""
    from documents_cast import TIMES

    from sanxiang.documents import actions as D

    inquiry = {"interviewee": "孙某", "place": "本局询问室", "content": "问：……答：……", **TIMES}

    with blocker.unblock():
        case = decided_case(env, "investigating")
        record = D.do_generate_document(case, "inquiry_record", inputs=inquiry, actor=env.officer)
        D.do_sign_document(record, officer_png=png(signer="王执法"), party_png=png(signer="孙某", ink=(0, 0, 200)),
                           party_name="孙某", officer_pngs={"李执法": png(signer="李执法", ink=(0, 120, 0))},
                           actor=env.officer)
    first, second, third = (E.do_register_evidence(case, photo(env.officer), actor=env.officer,
                                                   **{**EVIDENCE, "title": f"现场照片{n}"}) for n in range(3))
    on = first.collected_on.isoformat()
    message = refused(lambda: E.do_confirm_by_party(first, on=on, party_name="钱某", party_png=png(signer="王执法"),
                                                    actor=env.officer), "signature_duplicate")
    assert "执法人员王执法" in message and "同一幅图像" in message
    E.do_confirm_by_party(first, on=on, party_name="孙某", party_png=png(signer="孙某"), actor=env.officer)
    E.do_confirm_by_party(second, on=on, party_name="钱某", party_png=png(signer="钱某"), actor=env.officer)
    message = refused(lambda: E.do_confirm_by_party(third, on=on, party_name="赵某", party_png=png(signer="钱某"),
                                                    actor=env.officer), "signature_duplicate")
    assert "当事人钱某" in message
    E.do_confirm_by_party(third, on=on, party_name="钱某", party_png=png(signer="钱某"), actor=env.officer)


def test_a_refusal_to_sign_is_noted_with_its_reason(env, case):
    item = E.do_register_evidence(case, photo(env.officer), actor=env.officer, **EVIDENCE)
    on = item.collected_on.isoformat()
    refused(lambda: E.do_confirm_by_party(item, on=on, party_name="孙某", refusal_reason="x", actor=env.officer),
            "reason_too_short")
    refused(lambda: E.do_confirm_by_party(item, on=on, party_name="孙某", party_png=png(signer="孙某"),
                                          refusal_reason="称照片拍摄角度不全", actor=env.officer), None)
    E.do_confirm_by_party(item, on=on, party_name="孙某", refusal_reason="称照片拍摄角度不全，不予签字",
                          actor=env.officer)
    item.refresh_from_db()
    assert item.party_refusal_reason == "称照片拍摄角度不全，不予签字" and not item.party_signature_path
    assert item.party_confirmation.startswith("当事人孙某拒绝签名，理由：称照片拍摄角度不全，不予签字（执法人员")


def test_the_page_captures_and_shows_the_signature(env, case):
    import base64

    item = E.do_register_evidence(case, photo(env.officer), actor=env.officer, **EVIDENCE)
    client = client_of(env.officer)
    page = client.get(f"/records/evidence/{item.pk}/confirm/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-signature="party_png"' in html and "当事人拒绝签名" in html and "documents/signature.js" in html
    drawn = "data:image/png;base64," + base64.b64encode(png(signer="孙某")).decode()
    empty = client.post(f"/records/evidence/{item.pk}/confirm/", {"on": item.collected_on.isoformat(),
                                                                   "party_name": "孙某", "party_png": ""})
    assert empty.status_code == 400 and "缺少当事人孙某的签名" in empty.content.decode()
    done = client.post(f"/records/evidence/{item.pk}/confirm/", {"on": item.collected_on.isoformat(),
                                                                  "party_name": "孙某", "party_png": drawn})
    assert done.status_code == 302
    shown = client.get(f"/cases/{case.pk}/").content.decode()
    assert "当事人孙某已签名确认" in shown and f"/records/evidence/{item.pk}/party-signature.png" in shown
    image = client.get(f"/records/evidence/{item.pk}/party-signature.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content == png(signer="孙某")
    assert client_of(env.outsider).get(f"/records/evidence/{item.pk}/party-signature.png").status_code == 404
