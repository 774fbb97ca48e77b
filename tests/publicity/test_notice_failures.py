"""A 公示告知书 the job cannot make (s23 notices10, decision 0078): `make run` archives one demo case of each
agency before the job ever ran, and the job then failed on the same five cases every 5 minutes, saying only
「5 份未能生成」. Now the job names each case and why, ledgers the refusal on the publication, does not try it
again, and the case's staff read the reason on the party page and make the notice (an 归档后补充 there)."""

import pytest
from django.utils import timezone

from sanxiang.archive.models import ArchivedCaseFile
from sanxiang.documents.models import Document, DocumentStatus
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.publicity import notices
from sanxiang.publicity.party_tasks import make_publicity_notices
from sanxiang.publicity.testing import decided_case

pytestmark = pytest.mark.django_db(transaction=True)


def archive(case):
    """The case's file archived (the row the archive app's 归档 writes; what matters here is that it exists)."""
    return ArchivedCaseFile.objects.create(
        case=case, agency=case.agency, archive_number="QZ0001-2026-D30-0001", archive_year=2026, archive_seq=1,
        outcome="penalty", items=6, pages=6,
        catalogue_sha256="0" * 64, retention="定期30年", retention_basis="测试", archived_at=timezone.now(),
        archived_by_name="档案员")


def notices_of(case):
    return Document.objects.filter(case=case, kind=notices.KIND).exclude(status=DocumentStatus.FAILED)


def test_a_refused_notice_is_named_with_its_reason_and_not_tried_again(decided):
    agency, case, pub = decided
    archive(case)
    result = make_publicity_notices.call()
    assert result["done"] == 0 and result["failed"] == 1
    # the summary a person reads in the job log: which case, which decision, why, and that it is not retried
    assert f"{agency.name} 案件 {case.number}" in result["summary"] and "本案已归档" in result["summary"]
    assert "不再自动重试" in result["summary"]
    assert LedgerEntry.objects.filter(action="publicity_notice_failed", object_id=str(pub.pk)).count() == 1
    # the next runs leave it alone: no loop, no new failure, nothing in the log
    assert notices.missing_notices() == []
    again = make_publicity_notices.call()
    assert again["failed"] == 0 and again["summary"] == ""
    assert LedgerEntry.objects.filter(action="publicity_notice_failed").count() == 1
    state = notices.notice_state(pub)
    assert state["failure"] and "公示告知书未能自动生成" in state["label"] and "本案已归档" in state["label"]


def test_the_staff_see_why_on_the_party_page_and_make_it_as_a_supplement(decided, client):
    agency, case, pub = decided
    archive(case)
    make_publicity_notices.call()
    head = T.member(agency, Role.UNIT_HEAD, unit=case.unit)
    client.force_login(head)
    page = client.get(f"/publicity/party/{pub.pk}/").content.decode()
    assert "公示告知书未能自动生成" in page and "本案已归档" in page and 'name="supplement_reason"' in page
    refused = client.post(f"/publicity/party/{pub.pk}/notice/", {})
    assert refused.status_code == 409 and "归档后补充原因" in refused.content.decode()
    made = client.post(f"/publicity/party/{pub.pk}/notice/", {"supplement_reason": "告知书未随案归档，补充送达当事人"})
    assert made.status_code == 302
    doc = notices_of(case).get()
    assert doc.fields["context"]["query_code"]
    assert notices.notice_state(pub)["failure"] is None  # the notice exists: the failure is history


def test_a_fillable_notice_is_still_made_beside_a_refused_one(decided):
    agency, case, pub = decided
    other = decided_case(agency)
    archive(case)
    result = make_publicity_notices.call()
    assert result["done"] == 1 and result["failed"] == 1
    assert "生成 1 份公示告知书" in result["summary"] and case.number in result["summary"]
    assert notices_of(other).count() == 1 and not notices_of(case).exists()
