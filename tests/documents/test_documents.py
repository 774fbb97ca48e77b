"""执法文书: filled from the case, numbered by the agency's rule, rendered by LibreOffice in the job
runner, frozen when issued. One LibreOffice conversion in this module (the `rendered` fixture)."""

import datetime as dt
import json
import subprocess

import pytest
from documents_cast import FACTS, REASONS, decided_case, docx_text

from sanxiang.access.actors import JOBS
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.documents import actions as D
from sanxiang.documents import kinds
from sanxiang.documents.models import Document, DocumentTemplate
from sanxiang.documents.tasks import render_documents
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T

pytestmark = pytest.mark.django_db


def refused(call, *args, error=RuleViolation, **kwargs) -> str:
    """The refusal's message; and nothing was written (no document, no ledger entry)."""
    documents, entries = Document.objects.count(), LedgerEntry.objects.count()
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert (Document.objects.count(), LedgerEntry.objects.count()) == (documents, entries)
    return caught.value.message


@pytest.fixture(scope="module")
def rendered(env, blocker):
    """A decided case with its 行政处罚决定书 generated and rendered to PDF by the job (the module's
    one LibreOffice conversion); kept for the module, rolled back with `env`."""
    with blocker.unblock():
        case = decided_case(env)
        document = D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer)
        result = render_documents.call()
        document.refresh_from_db()
        return document, result


def test_the_decision_is_filled_with_the_case_and_its_reasoning(env, rendered):
    document, _ = rendered
    text = docx_text(document.docx_path)
    case = document.case
    for expected in (case.number, "某某食品有限公司", "91110105MA01ABCD13", FACTS, REASONS["evidence"],
                     REASONS["basis"], REASONS["statement_adoption"], "首次违法且积极配合", "警告；罚款人民币 20,000.00 元",
                     document.number, env.agency.name):
        assert expected in text, expected
    # The national default profile: no short name, so the agency's full name; SAMR's 文书简称 "处罚".
    assert document.number == f"{env.agency.name}处罚〔{document.number_year}〕1号"
    assert document.template.agency_id is None and document.template.version == 1


def test_the_job_renders_the_pdf_with_the_chinese_text(rendered):
    document, result = rendered
    assert result["done"] == 1 and result["failed"] == 0, result
    assert document.status == "generated" and document.pdf_sha256
    from sanxiang import storage

    with storage.open_file(document.pdf_path) as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())
    for expected in ("行政处罚决定书", "某某食品有限公司", "证据及采信理由", "食品安全法", document.number):
        assert expected in flat, expected
    entry = LedgerEntry.objects.filter(action="render_document").latest("index")
    assert entry.actor == JOBS.username


def test_issuing_freezes_the_files_in_the_ledger_and_twice_is_refused(env, rendered):
    document, _ = rendered
    assert "负责人" in refused(D.do_issue_document, document, actor=env.officer, error=NotPermitted)
    D.do_issue_document(document, actor=env.head)
    document.refresh_from_db()
    assert document.status == "issued" and document.issued_by == env.head
    entry = LedgerEntry.objects.filter(action="issue_document").latest("index")
    files = {f["sha256"] for f in json.loads(entry.entry)["files"]}
    assert files == {document.docx_sha256, document.pdf_sha256}
    message = refused(D.do_issue_document, document, actor=env.head, error=Conflict)
    assert "不能重复签发" in message and "更正" in message
    assert "已签发" in refused(D.do_generate_document, document.case, "penalty_decision", inputs=REASONS,
                               actor=env.officer, error=Conflict)
    # A correction is a new document with the next number, naming the one it replaces.
    correction = D.do_generate_document(document.case, "penalty_decision", inputs=REASONS, replaces=document,
                                        actor=env.officer)
    assert correction.replaces == document and correction.number_seq == document.number_seq + 1
    assert "更正" in docx_text(correction.docx_path) or correction.number in docx_text(correction.docx_path)


def test_an_unrendered_document_cannot_be_issued(env):
    case = decided_case(env, "served")
    document = D.do_generate_document(case, "service_receipt", actor=env.officer)
    assert document.status == "pending"
    assert "PDF 生成后" in refused(D.do_issue_document, document, actor=env.head)
    text = docx_text(document.docx_path)
    assert "送达回证" in text and case.number in text and "直接送达" in text


def test_the_decision_must_state_its_evidence_and_basis(env):
    case = decided_case(env)
    message = refused(D.do_generate_document, case, "penalty_decision", inputs={"evidence": " "}, actor=env.officer)
    assert "证据采信" in message and "依据选择" in message


def test_documents_follow_the_case_state_and_the_case_permissions(env):
    case = decided_case(env, "investigating")
    open_kinds = [s.kind for s in kinds.available_kinds(case)]
    assert "filing_approval" in open_kinds and "inquiry_record" in open_kinds
    assert "penalty_decision" not in open_kinds and "penalty_notice" not in open_kinds
    assert "不能生成行政处罚决定书" in refused(D.do_generate_document, case, "penalty_decision", inputs=REASONS,
                                              actor=env.officer)
    assert "无权" in refused(D.do_generate_document, case, "filing_approval", actor=env.outsider,
                             error=NotPermitted)
    document = D.do_generate_document(case, "filing_approval", actor=env.officer)
    text = docx_text(document.docx_path)
    assert "立案审批表" in text and case.number in text and "王执法" in text
    assert "待生成" in refused(D.do_generate_document, case, "filing_approval", actor=env.officer, error=Conflict)


def test_numbers_run_per_agency_kind_and_year_without_gaps(env):
    numbers = [D.do_generate_document(decided_case(env, "filed"), "filing_approval", actor=env.officer).number_seq
               for _ in range(3)]
    assert numbers == [1, 2, 3]
    decisions = Document.objects.filter(agency=env.agency, kind="penalty_decision").count()
    other = D.do_generate_document(decided_case(env), "penalty_decision", inputs=REASONS, actor=env.officer)
    assert other.number_seq == decisions + 1  # another kind: its own sequence


@pytest.mark.parametrize("profile, on, expected", [
    # 泉州鲤城: its own 文号 prefix from the day its 实施方案 took effect (泉鲤市监〔2023〕31号, 2023-05-12).
    ("quanzhou-licheng-amr", dt.date(2026, 11, 24), "泉鲤市监处罚〔2026〕7号"),
    ("quanzhou-licheng-amr", dt.date(2023, 5, 12), "泉鲤市监处罚〔2023〕7号"),
    ("quanzhou-licheng-amr", dt.date(2023, 5, 11), "{name}处罚〔2023〕7号"),
    ("zhuzhou-amr", dt.date(2026, 1, 5), "{name}处罚〔2026〕7号"),
    ("", dt.date(2026, 1, 5), "{name}处罚〔2026〕7号"),
])
def test_the_number_follows_the_agencys_profile(profile, on, expected):
    agency = T.agency(profile_key=profile)
    spec = kinds.SPECS["penalty_decision"]
    assert D.number_text(agency, spec, on.year, 7, on) == expected.format(name=agency.name)


def test_an_uploaded_template_is_checked_then_used_for_the_next_document(env):
    sample = D.packaged_template("filing_approval")
    upload = D.do_upload_document_template
    cases = [
        (b"not a word file", "不是 Word 文档"),
        (b"", "为空"),
        (_with_text(sample, "{{ agency_name "), "语法错误"),
        (_with_text(sample, "{{ secret_field }}"), "没有的填充项"),
    ]
    for data, expected in cases:
        assert expected in refused(upload, env.agency, "filing_approval", data, reason="本局格式", actor=env.leader)
    assert DocumentTemplate.objects.filter(agency=env.agency).count() == 0
    assert "管理员或单位领导" in refused(upload, env.agency, "filing_approval", sample, reason="本局格式",
                                         actor=env.officer, error=NotPermitted)
    own = upload(env.agency, "filing_approval", _with_text(sample, "本局自定格式 {{ case_number }}"),
                 reason="本局格式", actor=env.leader)
    assert own.version == 1 and own.uploaded_by == env.leader
    case = decided_case(env, "filed")
    document = D.do_generate_document(case, "filing_approval", actor=env.officer)
    assert document.template == own
    assert f"本局自定格式 {case.number}" in docx_text(document.docx_path)
    newer = upload(env.agency, "filing_approval", sample, reason="恢复", actor=env.leader)
    assert newer.version == 2 and D.current_template(env.agency, "filing_approval") == newer
    assert DocumentTemplate.objects.get(pk=own.pk).documents.get() == document  # old versions stay


def _with_text(template: bytes, text: str) -> bytes:
    import io

    import docx

    document = docx.Document(io.BytesIO(template))
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
