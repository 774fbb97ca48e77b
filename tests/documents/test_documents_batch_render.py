"""Several documents rendered in one LibreOffice start (the render job's batch, the demo's archive
step): each gets its own PDF or its own failure. One LibreOffice start in this module."""

import io

import pytest
from documents_cast import REASONS, decided_case

from sanxiang import storage
from sanxiang.documents import actions as D
from sanxiang.documents import render
from sanxiang.documents.models import Document, DocumentStatus
from sanxiang.documents.tasks import render_documents
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def batch(env, blocker):
    """A decision and a 送达地址确认书, and a 立案审批表 whose docx LibreOffice cannot read, rendered
    by one run of the job; with the number of LibreOffice starts it took."""
    starts = []
    real_run = render.subprocess.run

    def counted(command, **kwargs):
        starts.append(command)
        return real_run(command, **kwargs)

    with blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(render.subprocess, "run", counted)
        case = decided_case(env)
        documents = [D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer),
                     D.do_generate_document(case, "filing_approval", actor=env.officer),
                     D.do_generate_document(case, "service_address", actor=env.officer)]
        broken = storage.put(io.BytesIO(b"PK\x03\x04 not really a docx"))
        Document.objects.filter(pk=documents[1].pk).update(docx_path=broken.path)
        result = render_documents.call()
        for document in documents:
            document.refresh_from_db()
        return documents, result, starts


def test_one_start_converts_the_batch_and_each_document_is_stored_on_its_own(batch):
    (decision, unreadable, address), result, starts = batch
    assert len(starts) == 1
    assert result["done"] == 3 and result["failed"] == 1
    for document in (decision, address):
        assert document.status == DocumentStatus.GENERATED
        with storage.open_file(document.pdf_path) as fh:
            assert fh.read(5) == b"%PDF-"
        assert LedgerEntry.objects.filter(action="render_document", object_id=str(document.pk)).count() == 1
    assert decision.pdf_sha256 != address.pdf_sha256


def test_a_document_that_cannot_be_converted_fails_alone_with_a_message(batch):
    (_, unreadable, _), _, _ = batch
    assert unreadable.status == DocumentStatus.FAILED and not unreadable.pdf_path
    assert unreadable.failure.startswith("LibreOffice 转换失败")
    entry = LedgerEntry.objects.get(action="fail_document_render", object_id=str(unreadable.pk))
    assert unreadable.number in entry.entry


def test_an_empty_batch_starts_nothing():
    assert render.to_pdfs([]) == []
