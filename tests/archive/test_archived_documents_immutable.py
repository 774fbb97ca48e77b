"""An archived file does not change, and a served decision changes only by its own procedure (issue 8
§5; s18 tester, defect 2): on an archived case no correction and no document but an 归档后补充 with
its reason; on a closed case no "corrected" decision; the page offers only what the action takes, and a
party's copy marks what was added after archiving. Documents stay Word files here (no rendering)."""

import pytest
from archive_cast import archive_as_is
from documents_cast import REASONS, decided_case

from sanxiang.archive import actions as A
from sanxiang.core.errors import Conflict, RuleViolation
from sanxiang.documents import actions as D
from sanxiang.documents.models import Document, DocumentStatus
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def _issued(document):
    """Issued with a PDF as the job would render it (rendering and sealing are tests/documents)."""
    import io

    from pdfs import blank_pdf

    from sanxiang import storage

    pdf = storage.put(io.BytesIO(blank_pdf()))
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.ISSUED, pdf_path=pdf.path,
                                                   pdf_sha256=pdf.sha256, pdf_sm3=pdf.sm3, pdf_size=pdf.size)
    document.refresh_from_db()
    return document


@pytest.fixture(scope="module")
def cases(env, blocker):
    """Two closed cases with an issued 行政处罚决定书; the first archived."""
    with blocker.unblock():
        made = []
        for _ in range(2):
            case = decided_case(env, "closed")
            decision = _issued(D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer))
            made.append((case, decision))
        archived = archive_as_is(made[0][0], env.officer)
        return made[0], made[1], archived


def _refused(call, *args, error, **kwargs) -> Conflict | RuleViolation:
    counts = Document.objects.count(), LedgerEntry.objects.count()
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert (Document.objects.count(), LedgerEntry.objects.count()) == counts
    return caught.value


def test_an_archived_case_takes_no_correction_and_no_document_without_a_supplement_reason(env, cases):
    (case, decision), _closed, archived = cases
    refusal = _refused(D.do_generate_document, case, "penalty_decision", inputs=REASONS, replaces=decision,
                       actor=env.officer, error=Conflict)
    assert refusal.code == "case_archived" and "不能再更正" in refusal.message
    refusal = _refused(D.do_generate_document, case, "penalty_decision", inputs=REASONS, replaces=decision,
                       supplement_reason="发现笔误", actor=env.officer, error=Conflict)
    assert refusal.code == "case_archived"  # a supplement is never a correction
    refusal = _refused(D.do_generate_document, case, "service_address", actor=env.officer, error=Conflict)
    assert refusal.code == "case_archived" and "补充原因" in refusal.message
    supplement = D.do_generate_document(case, "service_address", supplement_reason="当事人变更送达地址，法院执行需要",
                                        actor=env.officer)
    assert supplement.fields["supplement_reason"] == "当事人变更送达地址，法院执行需要"
    entry = LedgerEntry.objects.filter(action="generate_document", object_id=str(supplement.pk)).get()
    assert "当事人变更送达地址" in entry.entry
    assert {r.object_id for r in A.supplements_of(archived)} >= {str(supplement.pk)}
    assert str(supplement.pk) not in {r.object_id for r in A.archived_records(archived)}


def test_a_supplement_reason_on_a_case_not_archived_is_refused(env, cases):
    _archived, (case, _decision), _ = cases
    refusal = _refused(D.do_generate_document, case, "service_address", supplement_reason="补充",
                       actor=env.officer, error=RuleViolation)
    assert "尚未归档" in refusal.message


def test_a_served_decision_of_a_closed_case_is_not_corrected(env, cases):
    _archived, (case, decision), _ = cases
    refusal = _refused(D.do_generate_document, case, "penalty_decision", inputs=REASONS, replaces=decision,
                       actor=env.officer, error=Conflict)
    assert refusal.code == "decision_served" and "撤销或变更" in refusal.message and decision.number in refusal.message


def test_the_case_page_offers_only_what_the_action_takes(client, env, cases):
    (archived_case, decision), (closed_case, closed_decision), _ = cases
    client.force_login(env.officer)
    page = client.get(f"/cases/{archived_case.pk}/").content.decode()
    assert "生成更正的" not in page and f"替代 {decision.number}" not in page
    assert "生成卷宗封面" not in page
    assert "归档后补充原因" in page
    page = client.get(f"/cases/{closed_case.pk}/").content.decode()
    assert f"替代 {closed_decision.number}" not in page and "归档后补充原因" not in page
    before = Document.objects.count()
    client.post(f"/documents/cases/{archived_case.pk}/generate/service_address/", {"supplement_reason": ""})
    assert Document.objects.count() == before
    offered = client.get(f"/api/v1/documents/kinds?case_id={archived_case.pk}").json()
    assert offered and all(k["supplement_required"] for k in offered)
    assert not {"file_cover", "file_catalogue", "file_notes"} & {k["kind"] for k in offered}


def test_a_partys_copy_of_an_archived_case_marks_what_was_added_after_archiving(client, env, cases):
    from sanxiang.retrieval import actions as R
    from sanxiang.retrieval import queries

    (case, decision), _closed, _ = cases
    later = _issued(D.do_generate_document(case, "service_address", supplement_reason="执行阶段补充送达地址",
                                           actor=env.officer))
    row = R.do_register_party_copy(case, party=env.org_party, records="处罚决定书", asked=[i["key"] for i in sum(queries.party_copy_candidates(env.officer, case, asking=True), [])], actor=env.officer)
    offered = {r["record"].pk: r["supplement"] for r in queries.party_copy_records(env.officer, row)}
    assert offered[decision.pk] is False and offered[later.pk] is True
    client.force_login(env.officer)
    page = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    assert page.count("归档后补充，不属于归档案卷") == 1


def test_a_supplement_reason_is_shown_on_the_case_page_and_in_the_api(client, env, cases):
    """s20 (defects8c #11): the 归档后补充原因 of a generated document comes out as it went in — in the
    document's API answer, beside the document on the case page and in the 案卷 section's list of
    supplements (and the archive API's)."""
    (case, _decision), _closed, _archived = cases
    supplement = D.do_generate_document(case, "service_address", supplement_reason="当事人变更送达地址，补充确认",
                                        actor=env.officer)
    client.force_login(env.officer)
    body = client.get(f"/api/v1/documents/{supplement.pk}").json()
    assert body["supplement_reason"] == "当事人变更送达地址，补充确认"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    row = page.split(f'id="document-{supplement.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "归档后补充，原因：当事人变更送达地址，补充确认" in row
    section = page.split('id="case-file"', 1)[1].split("归档后补充的材料", 1)[1].split("</ul>", 1)[0]
    assert "补充原因：当事人变更送达地址，补充确认" in section
    listed = client.get(f"/api/v1/archive/cases/{case.pk}").json()["supplements"]
    assert {"当事人变更送达地址，补充确认"} <= {s["supplement_reason"] for s in listed}
