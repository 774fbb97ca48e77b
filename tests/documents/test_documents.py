"""执法文书: filled from the case, numbered by the agency's rule, rendered by LibreOffice in the job
runner, frozen when issued. One LibreOffice conversion in this module (the `rendered` fixture)."""

import datetime as dt
import io
import json
import subprocess

import pytest
from documents_cast import FACTS, REASONS, TIMES, decided_case, docx_text, png

from sanxiang.access.actors import JOBS
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.documents import actions as D
from sanxiang.documents import kinds
from sanxiang.documents.models import Document, DocumentTemplate
from sanxiang.documents.tasks import render_documents
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T

pytestmark = pytest.mark.django_db
INQUIRY = {"interviewee": "孙某（法定代表人）", "place": "本局询问室", "content": "问：牛奶从何处进货？答：某批发市场。",
           **TIMES}


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


@pytest.fixture(scope="module")
def signed_record(env, blocker):
    """An 询问笔录 signed on a tablet by the officer and the party, and a 财物清单 of a seizure,
    rendered by one run of the job (two conversions)."""
    import coercion_cast

    with blocker.unblock():
        case = decided_case(env, "investigating")
        record = D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, actor=env.officer)
        D.do_sign_document(record, officer_png=png(), party_png=png(signer="当事人", ink=(0, 0, 200)), party_name="孙某",
                           officer_pngs={"李执法": png(signer="李执法", ink=(0, 120, 0))}, actor=env.officer)
        measure = coercion_cast.in_force(env, kind="seize")
        listing = D.do_generate_document(measure.case, "measure_list", actor=env.officer)
        receipt = D.do_generate_document(decided_case(env, "served"), "service_receipt", actor=env.officer)
        D.do_note_signature_refusal(receipt, officer_png=png(), party_name="孙某", reason="称不认可处罚决定",
                                    refused_on=dt.date.today().isoformat(), witnesses="李某（社区居委会主任）",
                                    recorded=True, actor=env.officer)
        render_documents.call()
        for document in (record, listing, receipt):
            document.refresh_from_db()
        record.listing, record.receipt = listing, receipt
        return record


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
    # an archival PDF: PDF/A-2b, declared in its XMP metadata (pdfaid:part 2, conformance B)
    info = subprocess.run(["pdfinfo", "-meta", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "<pdfaid:part>2</pdfaid:part>" in info and "<pdfaid:conformance>B</pdfaid:conformance>" in info, info
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
    correction = D.do_generate_document(document.case, "penalty_decision", inputs=REASONS, replaces=document, correction_reason="更正笔误",
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


def _pdf(document) -> bytes:
    from sanxiang import storage

    with storage.open_file(document.pdf_path) as fh:
        return fh.read()


def test_the_issued_pdf_carries_the_agency_seal_that_pdfsig_and_pyhanko_verify(env, rendered, tmp_path):
    from asn1crypto import x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from sanxiang.documents import signing

    document, _ = rendered
    document.refresh_from_db()
    if document.status != "issued":
        D.do_issue_document(document, actor=env.head)
        document.refresh_from_db()
    sealed = _pdf(document)
    assert document.unsealed_pdf_sha256 and document.unsealed_pdf_sha256 != document.pdf_sha256
    entry = LedgerEntry.objects.filter(action="issue_document", object_id=str(document.pk)).latest("index")
    body = json.loads(entry.entry)
    assert document.pdf_sha256 in {f["sha256"] for f in body["files"]}  # the ledger freezes the sealed PDF
    assert body["payload"]["seal"]["certificate_sha256"] == document.seal_certificate_sha256
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "Signature is Valid" in out.stdout, out.stdout + out.stderr
    assert env.agency.name in out.stdout  # the signer: the agency's certificate
    cert = x509.Certificate.load(signing.signer().certificate(env.agency))
    import io

    signature = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[cert]))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    # The key stays in the data directory, readable by the owner only.
    key_path, _ = signing.PyHankoSigner()._paths(env.agency)
    assert key_path.stat().st_mode & 0o777 == 0o600
    # One flipped byte inside the signed range: both verifiers say so.
    at = sealed.index(b"\nstream\n") + 20
    flipped = sealed[:at] + bytes([sealed[at] ^ 0x01]) + sealed[at + 1:]
    path.write_bytes(flipped)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "Signature is Valid" not in out.stdout
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(flipped)).embedded_signatures[0],
                                    ValidationContext(trust_roots=[cert]))
    assert not status.intact


def test_a_signed_record_carries_both_signatures_and_is_signed_once(env, signed_record, tmp_path):
    record = signed_record
    assert record.status == "generated", record.failure
    signatures = {(s.role, s.signer_name): s for s in record.signatures.all()}
    assert set(signatures) == {("party", "孙某"), ("officer", "王执法"), ("officer", "李执法")}
    assert all(s.captured_by == env.officer for s in signatures.values())
    import io
    import zipfile

    with storage_open(record.docx_path) as fh:
        media = [n for n in zipfile.ZipFile(io.BytesIO(fh.read())).namelist() if n.startswith("word/media/")]
    assert len(media) == 2  # both PNGs placed in the docx
    path = tmp_path / "record.pdf"
    path.write_bytes(_pdf(record))
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) - 2 == 2  # the header lines, then the two signatures
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    for wanted in ("询问笔录", "孙某（法定代表人）", "申请执法人员回避", "执法人员签名"):
        assert wanted in text, wanted
    path.write_bytes(_pdf(record.listing))
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    for wanted in ("场所/设施/财物清单", "扣押", "过期牛奶", "250ml×", record.listing.number):  # cells wrap
        assert wanted in text, wanted
    entry = LedgerEntry.objects.filter(action="sign_document", object_id=str(record.pk),
                                       object_type="documents.document").latest("index")
    names = {(s["role"], s["name"]) for s in json.loads(entry.entry)["payload"]["signatures"]}
    assert names == {("officer", "王执法"), ("officer", "李执法"), ("party", "孙某")}  # both officers named sign
    message = refused(D.do_sign_document, record, officer_png=png(), party_png=png(signer="当事人"), party_name="孙某",
                      actor=env.officer, error=Conflict)
    assert "不能再次签名" in message
    D.do_issue_document(record, actor=env.head)  # both signatures: it may be issued
    record.refresh_from_db()
    assert record.status == "issued"


def test_an_unsigned_record_or_receipt_cannot_be_issued(env):
    """Defect #3: a 笔录 or 送达回证 was issued over empty signature boxes (Art.28–29, 81–83)."""
    from sanxiang.documents.models import Document as Doc

    record = D.do_generate_document(decided_case(env, "investigating"), "inquiry_record", inputs=INQUIRY,
                                    actor=env.officer)
    receipt = D.do_generate_document(decided_case(env, "served"), "service_receipt", actor=env.officer)
    sampling = D.do_generate_document(decided_case(env, "investigating"), "sampling_record", inputs={
        "sample": "纯牛奶 250ml", "quantity": "6 盒", "method": "随机抽取"}, actor=env.officer)
    assert "被询问人" not in D.signature_problem(sampling)  # s17 #22e: a sampling record has no interviewee
    for document, who in ((record, "当事人（被询问人）签名"), (receipt, "受送达人签收")):
        Doc.objects.filter(pk=document.pk).update(status="generated")  # as if rendered
        document.refresh_from_db()
        message = refused(D.do_issue_document, document, actor=env.head)
        assert "不能签发" in message and who in message and "拒绝签名" in message
        assert D.signature_problem(document)


def test_a_refusal_to_sign_is_noted_ledgered_shown_and_lets_the_receipt_be_issued(env, signed_record, tmp_path):
    receipt = signed_record.receipt
    assert receipt.status == "generated", receipt.failure
    refusal = receipt.fields["party_refusal"]
    assert refusal["reason"] == "称不认可处罚决定" and refusal["witnesses"] and refusal["noted_by"] == "王执法"
    assert D.signature_problem(receipt) == ""
    assert [s.role for s in receipt.signatures.all()] == ["officer"]  # the officer signs the note
    entry = LedgerEntry.objects.filter(action="note_signature_refusal", object_id=str(receipt.pk)).latest("index")
    payload = json.loads(entry.entry)["payload"]
    assert payload["party_name"] == "孙某" and payload["refused_on"] == dt.date.today().isoformat()
    path = tmp_path / "receipt.pdf"
    path.write_bytes(_pdf(receipt))
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    for wanted in ("孙某", "拒绝签收", "称不认可处罚决定", "李某（社区居委会主任）", "拍照、录像"):
        assert wanted in text, wanted
    D.do_issue_document(receipt, actor=env.head)
    receipt.refresh_from_db()
    assert receipt.status == "issued"
    message = refused(D.do_note_signature_refusal, receipt, officer_png=png(), party_name="孙某", reason="x",
                      refused_on=dt.date.today(), witnesses="李某", actor=env.officer, error=Conflict)
    assert "不能再次签名" in message


def test_a_refusal_needs_its_reason_date_and_for_a_receipt_a_witness(env):
    record = D.do_generate_document(decided_case(env, "investigating"), "inquiry_record", inputs=INQUIRY,
                                    actor=env.officer)
    receipt = D.do_generate_document(decided_case(env, "served"), "service_receipt", actor=env.officer)
    today = dt.date.today()
    good = {"officer_png": png(), "party_name": "孙某", "reason": "拒绝签名", "refused_on": today, "actor": env.officer,
            "officer_pngs": {"李执法": png(signer="李执法")}}
    for document, change, expected in (
        (record, {"reason": " "}, "理由"), (record, {"reason": "x"}, "过于简单"),  # s23 tester8 #8
        (record, {"refused_on": ""}, "日期"),
        (record, {"refused_on": "2026-13-01"}, "日期“2026-13-01”无效"), (record, {"refused_on": today + dt.timedelta(days=1)}, "晚于"),
        (record, {"officer_png": b""}, "执法人员"), (record, {"party_name": ""}, "姓名"),
        (receipt, {}, "见证人"),
    ):
        with pytest.raises(RuleViolation) as caught:
            D.do_note_signature_refusal(document, **{**good, **change})
        assert expected in caught.value.message, (change, caught.value.message)
    assert not LedgerEntry.objects.filter(action="note_signature_refusal").filter(
        object_id__in=[str(record.pk), str(receipt.pk)]).exists()
    assert "无权" in refused(D.do_note_signature_refusal, record, **{**good, "actor": env.outsider}, error=NotPermitted)
    D.do_note_signature_refusal(record, **good)  # an 询问笔录 needs no witness: the officer's note (Art.28)
    assert "拒绝签名" in docx_text(record.docx_path) and D.signature_problem(record) == ""


def test_every_officer_the_record_names_signs_it(env):
    """行政处罚法 第四十二条 (two officers) — s18 tester 9: the 询问笔录 names 王执法 and 李执法; one pad was not
    enough. Each named officer signs (the one at the device and each other), or nothing is written."""
    record = D.do_generate_document(decided_case(env, "investigating"), "inquiry_record", inputs=INQUIRY,
                                    actor=env.officer)
    assert D.named_officers(record) == ["王执法", "李执法"]
    message = refused(D.do_sign_document, record, officer_png=png(), party_png=png(signer="当事人"), party_name="孙某",
                      actor=env.officer)
    assert "记载的执法人员都应签名（行政处罚法第四十二条）：尚缺李执法的签名" in message
    assert "不是" in refused(D.do_sign_document, record, officer_png=png(), party_png=png(signer="当事人"), party_name="孙某",
                             officer_pngs={"李执法": png(signer="李执法"), "赵某": png()}, actor=env.officer)
    assert "执法人员李执法的签名不是 PNG" in refused(D.do_sign_document, record, officer_png=png(), party_png=png(signer="当事人"),
                                                party_name="孙某", officer_pngs={"李执法": b"GIF89a"},
                                                actor=env.officer)
    # a colleague the record does not name cannot collect the officers' signatures (s18 re-test 10)
    assert "不是" in refused(D.do_sign_document, record, officer_png=png(), party_png=png(signer="当事人"), party_name="孙某",
                             officer_pngs={"王执法": png(), "李执法": png(signer="李执法")}, actor=env.head, error=NotPermitted)
    D.do_sign_document(record, officer_png=png(), party_png=png(signer="当事人"), party_name="孙某",
                       officer_pngs={"李执法": png(signer="李执法", ink=(0, 120, 0))}, actor=env.officer)
    assert sorted(record.signatures.values_list("role", "signer_name")) == [
        ("officer", "李执法"), ("officer", "王执法"), ("party", "孙某")]
    assert D.signature_problem(record) == ""
    # a 送达回证 is signed by the one who served it
    receipt = D.do_generate_document(decided_case(env, "served"), "service_receipt", actor=env.officer)
    assert D.named_officers(receipt) == []


def test_one_image_for_two_signers_of_a_document_is_refused(env):
    """s22 tester8 #7: one PNG sent as the officer's, the second officer's and the party's signature made
    the 询问笔录 signed — one hand signed for all. The same drawing for two signers is refused (decision
    0085: compared by the normalised image, so a copy re-encoded, recoloured or with other margins is the
    same image), naming both, and nothing is written; distinct drawings sign."""
    from PIL import Image

    record = D.do_generate_document(decided_case(env, "investigating"), "inquiry_record", inputs=INQUIRY,
                                    actor=env.officer)
    mine, colleague, party = png(signer="王执法"), png(signer="李执法"), png(signer="孙某")
    copied = io.BytesIO()  # 李执法's drawing, re-encoded as RGBA in blue with a wider margin
    with Image.open(io.BytesIO(colleague)) as image:
        wider = Image.new("RGBA", (image.width + 60, image.height + 20), (0, 0, 0, 0))
        ink = image.convert("L").point(lambda level: 255 if level < 128 else 0)
        wider.paste(Image.new("RGBA", image.size, (0, 0, 200, 255)), (30, 10), mask=ink)
        wider.save(copied, format="PNG")
    copied = copied.getvalue()
    assert copied != colleague
    for officer, others, party_png, expected in (
        (mine, {"李执法": mine}, party, "执法人员王执法和执法人员李执法的签名是同一幅图像"),
        (mine, {"李执法": colleague}, colleague, "执法人员李执法和当事人（被询问人）孙某的签名是同一幅图像"),
        (mine, {"李执法": colleague}, mine, "执法人员王执法和当事人（被询问人）孙某的签名是同一幅图像"),
        (mine, {"李执法": colleague}, copied, "执法人员李执法和当事人（被询问人）孙某的签名是同一幅图像"),
    ):
        with pytest.raises(RuleViolation) as caught:
            D.do_sign_document(record, officer_png=officer, party_png=party_png, party_name="孙某",
                               officer_pngs=others, actor=env.officer)
        assert expected in caught.value.message and caught.value.code == "signature_duplicate"
        assert not record.signatures.exists()
    # a refusal: the officers' signatures are compared too
    assert "同一幅图像" in refused(D.do_note_signature_refusal, record, officer_png=mine, party_name="孙某",
                                   reason="拒绝签名", refused_on=dt.date.today().isoformat(),
                                   officer_pngs={"李执法": mine}, actor=env.officer)
    D.do_sign_document(record, officer_png=mine, party_png=party, party_name="孙某", officer_pngs={"李执法": colleague},
                       actor=env.officer)
    assert sorted(record.signatures.values_list("signer_name", flat=True)) == ["孙某", "李执法", "王执法"]
    assert len(set(record.signatures.values_list("png_sha256", flat=True))) == 3


def test_a_bad_signature_is_refused_and_writes_nothing(env):
    case = decided_case(env, "investigating")
    record = D.do_generate_document(case, "inquiry_record", inputs=INQUIRY, actor=env.officer)
    for officer, party, name, expected in (
        (b"GIF89a....", png(), "孙某", "不是 PNG"), (png(), b"", "孙某", "缺少当事人"),
        (png(), png(), " ", "姓名"), (png(width=5000), png(), "孙某", "尺寸"),
    ):
        assert expected in refused(D.do_sign_document, record, officer_png=officer, party_png=party,
                                   party_name=name, actor=env.officer)
    assert "无权" in refused(D.do_sign_document, record, officer_png=png(), party_png=png(signer="当事人"), party_name="孙某",
                             actor=env.outsider, error=NotPermitted)
    decision = D.do_generate_document(decided_case(env), "penalty_decision", inputs=REASONS, actor=env.officer)
    assert "不需要" in refused(D.do_sign_document, decision, officer_png=png(), party_png=png(signer="当事人"), party_name="孙某",
                               actor=env.officer)


def storage_open(path):
    from sanxiang import storage

    return storage.open_file(path)


@pytest.mark.parametrize("code,name", [("urumqi-gxq-amr", "乌鲁木齐高新区（新市区）市场监督管理局"),
                                       ("urumqi-gxq-hrss", "高新区（新市区）人力资源和社会保障局"),
                                       ("long-agency", "某某省" * 30 + "市场监督管理局")])
def test_the_seal_certificate_fits_any_agency_name(settings, tmp_path, code, name):
    """The two longest seed names made a CN over 64 UTF-8 bytes (500 on issuing): the CN is cut,
    O keeps the name (cut when even that is too long), `description` always the full name; never the
    platform's agency key as organizationIdentifier (s18 tester 21: a court's reader showed 「zhuzhou-amr」)."""
    import io
    import types

    from cryptography import x509
    from cryptography.x509.oid import NameOID
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import PdfFileWriter

    from sanxiang.documents import signing

    settings.DATA_DIR = tmp_path
    agency = types.SimpleNamespace(code=code, name=name)
    cert = x509.load_der_x509_certificate(signing.PyHankoSigner().certificate(agency))
    subject = {a.oid: a.value for a in cert.subject}
    assert all(len(v.encode()) <= 64 for oid, v in subject.items() if oid.dotted_string != "2.5.4.13")
    assert subject[NameOID.COMMON_NAME].endswith("电子印章")
    assert NameOID.ORGANIZATION_IDENTIFIER not in subject and code not in cert.subject.rfc4514_string()
    if len(name.encode()) <= 64:
        assert subject[NameOID.ORGANIZATION_NAME] == name  # the seed names: O whole, CN cut (…电子印章)
    assert subject[x509.ObjectIdentifier("2.5.4.13")] == name
    blank = PdfFileWriter()
    blank.insert_page(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Page"),
        generic.pdf_name("/MediaBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)])}))
    out = io.BytesIO()
    blank.write(out)
    sealed = signing.PyHankoSigner().seal(out.getvalue(), agency=agency, reason="签发")
    assert PdfFileReader(io.BytesIO(sealed)).embedded_signatures


@pytest.mark.parametrize("text, says", [
    ("{{ agency_name ", "第 {line} 行）：此处不应出现“/”"),  # docxtpl's XML follows the open tag
    ("{% for x in items %}", "缺少结束标记“endfor”或“else”（未闭合的是“for”）"),
    ("{% if case_number %}{% endfor %}", "不认识的标记“endfor”，此处应为“elif”或“else”或“endif”（未闭合的是“if”）"),
    ("{% frobnicate %}", "不认识的标记“frobnicate”"),
    ("{{ case_number|nofilter }}", "没有名为“nofilter”的过滤器"),
    ("{{ case_number agency_name }}", "此处应为“}}}}”，却是“agency_name”"),
    ("{{ case_number ! }}", "不应出现的字符“!”"),
    ("{{ }}", "此处应为一个表达式，却是“}}}}”"),
    ("{# 备注", "注释缺少结束标记“#}}”"),
    ("{{ secret_field }}", "模板使用了本类文书没有的填充项：“secret_field”"),
])
def test_template_refusals_are_in_chinese_with_the_line(text, says):
    """s18 issue 8 item 23: Jinja's English messages (unexpected end of template…) are translated."""
    import re

    from sanxiang.documents.fill import check_template

    sample = D.packaged_template("filing_approval")
    with pytest.raises(RuleViolation) as refused_:
        check_template(_with_text(sample, text), kinds.sample_context("filing_approval"))
    message = refused_.value.message
    line = re.search(r"第 (\d+) 行", message)
    assert says.format(line=line.group(1) if line else "") in message, message
    english = re.sub(r"“[^”]*”", "", message)  # quoted template text aside, nothing in English
    assert not re.search(r"[A-Za-z]{3,}", english), message
