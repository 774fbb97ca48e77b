"""A document is corrected once: the correction replaces it, and a second correction of the same document
is refused naming the correction to correct instead (s18 tester D1: two issued corrections of one 询问笔录
stood side by side). The case page marks the replaced document 已由 … 更正."""


import pytest
from documents_cast import TIMES, docx_text, png
from pdfs import blank_pdf

from sanxiang.core.errors import Conflict
from sanxiang.documents import actions as D
from sanxiang.documents import render
from sanxiang.documents.models import Document
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
INQUIRY = {"interviewee": "王某（法定代表人）", "place": "本局询问室", "content": "问：……答：……", **TIMES}




def issued_inquiry(env, case, monkeypatch, replaces=None):
    monkeypatch.setattr(render, "to_pdf", lambda docx: blank_pdf())
    document = D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, replaces=replaces, correction_reason="更正笔误", actor=env.officer)
    document = D.do_sign_document(document, officer_png=png(), party_png=png(signer="当事人", ink=(0, 0, 160)), party_name="王某",
                                  officer_pngs={"李执法": png(signer="李执法")}, actor=env.officer)
    document = D.do_render_document(document)
    return D.do_issue_document(document, actor=env.head)


def test_an_issued_document_is_corrected_once_then_its_correction(client, env, monkeypatch):
    from cases_cast import reach

    from sanxiang.workflow import get_table

    case = reach(env, get_table("penalty_general"), "investigating", party=env.org_party)[0]
    first = issued_inquiry(env, case, monkeypatch)
    correction = D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, replaces=first, correction_reason="更正笔误", actor=env.officer)
    # The correction itself says what it corrects, under its own number (s18 tester D2), and keeps saying
    # so once signed (the signatures are placed by filling again).
    text = docx_text(correction.docx_path)
    assert f"本文书系对询问笔录{first.number}的更正。" in text and correction.number in text
    assert f"{first.number}的更正" not in docx_text(first.docx_path)
    signed = D.do_sign_document(correction, officer_png=png(), party_png=png(signer="当事人", ink=(0, 0, 160)), party_name="王某",
                                officer_pngs={"李执法": png(signer="李执法")}, actor=env.officer)
    assert f"本文书系对询问笔录{first.number}的更正。" in docx_text(signed.docx_path)
    before = Document.objects.count(), LedgerEntry.objects.count()
    with pytest.raises(Conflict) as refused:
        D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, replaces=first, correction_reason="更正笔误", actor=env.officer)
    assert refused.value.code == "document_already_corrected" and correction.number in refused.value.message
    assert (Document.objects.count(), LedgerEntry.objects.count()) == before
    client.force_login(env.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"（已由 {correction.number} 更正）" in page
    answer = client.post("/api/v1/documents/", {"case_id": case.pk, "kind": "inquiry_record", "inputs": INQUIRY,
                                                "replaces_id": first.pk, "correction_reason": "笔误"},
                         content_type="application/json")
    assert answer.status_code == 409 and answer.json()["code"] == "document_already_corrected"


def test_a_correction_states_its_reason_on_the_page_in_the_ledger_and_the_archive_metadata(client, env, monkeypatch):
    """issue 8 (s19): a correcting document says why — refused without a reason (nothing written), by the
    action, the API and the page; the reason is kept, ledgered, shown, and in the archive's record metadata."""
    import json

    from cases_cast import reach

    from sanxiang.archive.sources import records_of
    from sanxiang.core.errors import RuleViolation
    from sanxiang.workflow import get_table

    case = reach(env, get_table("penalty_general"), "investigating", party=env.org_party)[0]
    first = issued_inquiry(env, case, monkeypatch)
    before = Document.objects.count(), LedgerEntry.objects.count()
    for reason in ("", "   "):
        with pytest.raises(RuleViolation, match="请写明更正原因") as refused:
            D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, replaces=first, correction_reason=reason,
                                   actor=env.officer)
        assert refused.value.code == "correction_reason_missing" and refused.value.field == "correction_reason"
    client.force_login(env.officer)
    answer = client.post("/api/v1/documents/", {"case_id": case.pk, "kind": "inquiry_record", "inputs": INQUIRY,
                                                "replaces_id": first.pk}, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "correction_reason_missing"
    assert (Document.objects.count(), LedgerEntry.objects.count()) == before
    approval = D.do_generate_document(case, "filing_approval", actor=env.officer)  # a kind made once: the page
    Document.objects.filter(pk=approval.pk).update(status="issued")                # offers its correction
    page = client.get(f"/cases/{case.pk}/").content.decode()
    offer = page.split('id="generate-filing_approval"', 1)[1].split("</details>", 1)[0]
    assert f"替代 {approval.number}" in offer and 'name="correction_reason"' in offer and "更正原因（必填）" in offer
    form = {f"inquiry_record-{k}": v for k, v in INQUIRY.items()}
    client.post(f"/documents/cases/{case.pk}/generate/inquiry_record/",
                {**form, "replaces": first.pk, "correction_reason": "被询问人姓名写错，应为王某某"})
    correction = Document.objects.get(replaces=first)
    assert correction.fields["correction_reason"] == "被询问人姓名写错，应为王某某"
    entry = LedgerEntry.objects.filter(object_type="documents.document", object_id=str(correction.pk),
                                       action="generate_document").get()
    assert json.loads(entry.entry)["payload"]["correction_reason"] == "被询问人姓名写错，应为王某某"
    assert "更正原因：被询问人姓名写错，应为王某某" in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.get(f"/api/v1/documents/{correction.pk}").json()["correction_reason"] == "被询问人姓名写错，应为王某某"
    metadata = next(r.metadata for r in records_of(case) if r.object_id == str(correction.pk))
    assert metadata["correction_reason"] == "被询问人姓名写错，应为王某某"
