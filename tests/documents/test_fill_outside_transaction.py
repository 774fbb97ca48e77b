"""s20 (tester8 #3): a template is filled with no transaction open — a filling may take its whole time
bound, and a transaction holds the database's write lock (SQLite: BEGIN IMMEDIATE) for the platform.
A module of its own: the other modules hold a module-wide transaction open."""

import pytest
from cases_cast import make_env
from django.db import transaction
from documents_cast import TIMES, decided_case, png

from sanxiang.documents import actions as D
from sanxiang.documents import fill
from sanxiang.documents.models import Document, DocumentTemplate
from sanxiang.ledger.models import LedgerEntry

INQUIRY = {"interviewee": "孙某（法定代表人）", "place": "本局询问室", "content": "问：牛奶从何处进货？答：某批发市场。",
           **TIMES}


@pytest.mark.django_db(transaction=True)
def test_generating_signing_and_uploading_fill_with_no_transaction_open(monkeypatch):
    env = make_env()
    case = decided_case(env, "investigating")
    seen, real = [], fill.fill

    def watched(*args, **kwargs):
        seen.append(transaction.get_connection().in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(fill, "fill", watched)
    record = D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, actor=env.officer)
    D.do_sign_document(record, officer_png=png(), party_png=png(signer="当事人", ink=(0, 0, 200)), party_name="孙某",
                       officer_pngs={"李执法": png(signer="李执法", ink=(0, 120, 0))}, actor=env.officer)
    D.do_upload_document_template(env.agency, "filing_approval", D.packaged_template("filing_approval"),
                                  reason="本局格式", actor=env.leader)
    assert seen and not any(seen), seen
    # each act wrote once: one document, one generation and one signing entry, one template
    assert Document.objects.filter(case=case).count() == 1
    assert LedgerEntry.objects.filter(action="generate_document").count() == 1
    assert LedgerEntry.objects.filter(action="sign_document", object_type="documents.document").count() == 1
    assert DocumentTemplate.objects.filter(agency=env.agency).count() == 1
