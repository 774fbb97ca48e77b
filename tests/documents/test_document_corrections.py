"""A document is corrected once: the correction replaces it, and a second correction of the same document
is refused naming the correction to correct instead (s18 tester D1: two issued corrections of one 询问笔录
stood side by side). The case page marks the replaced document 已由 … 更正."""

import io

import pytest
from documents_cast import TIMES, docx_text, png
from pypdf import PdfWriter

from sanxiang.core.errors import Conflict
from sanxiang.documents import actions as D
from sanxiang.documents import render
from sanxiang.documents.models import Document
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
INQUIRY = {"interviewee": "王某（法定代表人）", "place": "本局询问室", "content": "问：……答：……", **TIMES}


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def issued_inquiry(env, case, monkeypatch, replaces=None):
    monkeypatch.setattr(render, "to_pdf", lambda docx: blank_pdf())
    document = D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, replaces=replaces, actor=env.officer)
    document = D.do_sign_document(document, officer_png=png(), party_png=png(ink=(0, 0, 160)), party_name="王某",
                                  officer_pngs={"李执法": png()}, actor=env.officer)
    document = D.do_render_document(document)
    return D.do_issue_document(document, actor=env.head)


def test_an_issued_document_is_corrected_once_then_its_correction(client, env, monkeypatch):
    from cases_cast import reach

    from sanxiang.workflow import get_table

    case = reach(env, get_table("penalty_general"), "investigating", party=env.org_party)[0]
    first = issued_inquiry(env, case, monkeypatch)
    correction = D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, replaces=first, actor=env.officer)
    # The correction itself says what it corrects, under its own number (s18 tester D2), and keeps saying
    # so once signed (the signatures are placed by filling again).
    text = docx_text(correction.docx_path)
    assert f"本文书系对询问笔录{first.number}的更正。" in text and correction.number in text
    assert f"{first.number}的更正" not in docx_text(first.docx_path)
    signed = D.do_sign_document(correction, officer_png=png(), party_png=png(ink=(0, 0, 160)), party_name="王某",
                                officer_pngs={"李执法": png()}, actor=env.officer)
    assert f"本文书系对询问笔录{first.number}的更正。" in docx_text(signed.docx_path)
    before = Document.objects.count(), LedgerEntry.objects.count()
    with pytest.raises(Conflict) as refused:
        D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, replaces=first, actor=env.officer)
    assert refused.value.code == "document_already_corrected" and correction.number in refused.value.message
    assert (Document.objects.count(), LedgerEntry.objects.count()) == before
    client.force_login(env.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"（已由 {correction.number} 更正）" in page
    answer = client.post("/api/v1/documents/", {"case_id": case.pk, "kind": "inquiry_record", "inputs": INQUIRY,
                                                "replaces_id": first.pk}, content_type="application/json")
    assert answer.status_code == 409 and answer.json()["code"] == "document_already_corrected"
