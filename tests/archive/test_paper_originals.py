"""纸质原件 (s17 "not done"): a document made on paper — a 送达回证 signed by the party, a decision issued on
paper before the system — is registered by its scan as that kind of document. It is frozen and ledgered
with the scan's digests, meets the case file's requirement of that kind (the completeness check of 立卷
and archiving), and goes into the archive package with its digest. Refused, writing nothing: a kind the
case's kind does not use, a date before the case began, a scan that is not a PDF or an image."""

import datetime as dt
import io
import json

import pytest
from archive_cast import archive_as_is, members, run
from documents_cast import decided_case
from pypdf import PdfWriter

from sanxiang.archive import casefile
from sanxiang.archive.actions import check_case_file, failed_items
from sanxiang.archive.package import verification_keys
from sanxiang.archive.verify import verify_package
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.documents.models import PaperOriginal
from sanxiang.documents.paper import do_register_paper_original
from sanxiang.ledger.models import LedgerEntry, PendingEntry
from sanxiang.records import samples

pytestmark = pytest.mark.django_db


def pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scan(actor, data=None, name="送达回证扫描件.png", seed=[0]):  # noqa: B006 — a counter: each scan differs
    seed[0] += 1
    return samples.completed_upload(data or samples.png(seed=seed[0]), name, actor=actor)


def written():
    return PaperOriginal.objects.count(), LedgerEntry.objects.count() + PendingEntry.objects.count()


RECEIPT = {"kind": "service_receipt", "signers": "执法人员王执法、李执法，受送达人孙某", "kept_at": "执法科档案柜 3 号"}


@pytest.fixture(scope="module")
def case(env, blocker):
    with blocker.unblock():
        return decided_case(env)


def test_a_paper_receipt_meets_the_requirement_and_is_archived_with_its_digest(env, case, tmp_path):
    assert "送达回证" in casefile.completeness_of(case).missing
    upload = scan(env.officer)
    row = do_register_paper_original(case, upload, written_on=case.clue_on + dt.timedelta(days=20), actor=env.officer,
                                     **RECEIPT)
    entry = LedgerEntry.objects.get(action="register_paper_original", object_id=str(row.pk))
    listed = json.loads(entry.entry)["files"]
    assert [f["sha256"] for f in listed] == [upload.sha256] and json.loads(entry.entry)["payload"]["kept_at"]
    assert "送达回证" not in casefile.completeness_of(case).missing  # counts as that kind
    main = casefile.assemble(case)[casefile.MAIN]
    item = next(i for i in main if i.record.title == "送达回证")
    assert item.pages == 1 and item.record.made_on == row.written_on
    # The four checks say nothing against it: issued (frozen), no 文号 needed, an image scan is an archival format.
    failed = failed_items(check_case_file(case))
    assert not [f for f in failed if "送达回证" in f], failed
    archived = archive_as_is(case, env.officer)
    entries = [i for i in archived.manifest["catalogue"] if i["title"] == "送达回证"]
    assert [f["sha256"] for i in entries for f in i["files"]] == [upload.sha256]
    path = tmp_path / "案卷.zip"
    code, _, err = run("archive", "export", "--purpose", "核对归档案卷", case.number, "--out", str(path))
    assert code == 0, err
    result = verify_package(path, pinned_keys=verification_keys())
    assert result.ok, result.findings
    files = members(path)
    scans = [n for n in files if "service_receipt-scan" in n]
    assert len(scans) == 1 and files[scans[0]] == samples_bytes(upload)


def samples_bytes(upload) -> bytes:
    from sanxiang import storage

    with storage.open_file(upload.path) as fh:
        return fh.read()


def test_a_pdf_scan_counts_its_pages_and_keeps_its_number(env, case):
    row = do_register_paper_original(case, scan(env.officer, pdf(3), "立案审批表.pdf"), kind="filing_approval",
                                     number="某市监立审〔2025〕7号", written_on=case.clue_on, signers="承办人王执法，负责人王审批",
                                     kept_at="执法科档案柜 1 号", actor=env.officer)
    item = next(i for i in casefile.assemble(case)[casefile.MAIN] if i.record.object_id == str(row.pk))
    assert item.pages == 3 and item.record.number == "某市监立审〔2025〕7号"


@pytest.mark.parametrize("change, code", [
    ({"kind": "licence_grant"}, "kind"),             # a licence decision: not a document of a penalty case
    ({"kind": "file_cover"}, "kind"),                # the archive's own forms are generated at 立卷
    ({"kind": "no_such_kind"}, "kind"),
    ({"written_on": "2020-01-01"}, "written_on"),    # before the case began
    ({"written_on": "2099-01-01"}, "written_on"),    # in the future
    ({"written_on": "昨天"}, "written_on"),
    ({"signers": " "}, "signers"),
    ({"kept_at": ""}, "kept_at"),
    ({"audio": True}, "upload"),                     # a recording is not a scan
])
def test_refusals_write_nothing(env, case, change, code):
    upload = samples.completed_upload(samples.mp3(seed=5), "录音.mp3", actor=env.officer) if change.pop(
        "audio", False) else scan(env.officer)
    given = {**RECEIPT, "written_on": case.clue_on, **change}
    before = written()
    with pytest.raises(RuleViolation) as raised:
        do_register_paper_original(case, upload, actor=env.officer, **given)
    assert raised.value.field == code and raised.value.message
    assert written() == before


def test_an_upload_is_registered_once_and_only_by_those_who_work_on_the_case(env, case):
    upload = scan(env.officer)
    do_register_paper_original(case, upload, written_on=case.clue_on, actor=env.officer, **RECEIPT)
    before = written()
    with pytest.raises(Conflict):
        do_register_paper_original(case, upload, written_on=case.clue_on, actor=env.officer, **RECEIPT)
    with pytest.raises(Conflict) as same:  # the same bytes uploaded again
        do_register_paper_original(case, scan(env.officer, samples_bytes(upload)), written_on=case.clue_on,
                                   actor=env.officer, **RECEIPT)
    assert same.value.code == "paper_duplicate"
    with pytest.raises(NotPermitted):
        do_register_paper_original(case, scan(env.outsider), written_on=case.clue_on, actor=env.outsider, **RECEIPT)
    assert written()[0] == before[0]
    from sanxiang.records.evidence import do_register_evidence

    with pytest.raises(Conflict):  # nor registered again as evidence
        do_register_evidence(case, upload, kind="documentary", title="送达回证", source="当事人", collected_on=case.clue_on,
                             collected_by="王执法", actor=env.officer)


def test_the_api_and_the_page(client, env, case):
    upload = scan(env.officer)
    client.force_login(env.officer)
    bad = client.post("/api/v1/documents/paper-originals", {
        "case_id": case.pk, "upload_id": upload.pk, **RECEIPT, "written_on": "2020-01-01"}, content_type="application/json")
    assert bad.status_code == 400 and "早于本案的开始日期" in bad.json()["message"]
    made = client.post("/api/v1/documents/paper-originals", {
        "case_id": case.pk, "upload_id": upload.pk, **RECEIPT, "written_on": case.clue_on.isoformat()},
        content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["kind_label"] == "送达回证" and made.json()["sha256"] == upload.sha256
    listed = client.get(f"/api/v1/documents/paper-originals?case_id={case.pk}").json()
    assert made.json()["id"] in [r["id"] for r in listed]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "登记纸质原件（扫描件）" in page and "执法科档案柜 3 号" in page
    second = scan(env.officer)
    answer = client.post(f"/documents/cases/{case.pk}/paper/", {
        "paper-kind": "penalty_decision", "paper-number": "某市监处罚〔2025〕3号", "paper-written_on": case.clue_on.isoformat(),
        "paper-signers": "王审批", "paper-kept_at": "档案室", "paper-upload": str(second.pk)})
    assert answer.status_code == 302
    assert PaperOriginal.objects.filter(upload=second, kind="penalty_decision").exists()
    client.force_login(env.outsider)
    assert client.get(f"/api/v1/documents/paper-originals?case_id={case.pk}").status_code == 404
    assert client.post(f"/documents/cases/{case.pk}/paper/", {}).status_code == 404


def test_a_paper_record_of_a_listed_act_counts_for_the_closing_check(env, case):
    """A 询问笔录 signed on paper is 调查取证 done, as a generated one is: the audio-video list's closing
    check sees the act (its recording, or a reason, is then asked like any other)."""
    from sanxiang.records.catalogue import document_occurrences

    row = do_register_paper_original(case, scan(env.officer), kind="inquiry_record", written_on=case.clue_on,
                                     signers="被询问人孙某，执法人员王执法、李执法", kept_at="执法科档案柜 3 号",
                                     actor=env.officer)
    found = [o for o in document_occurrences(case) if o.ref == f"paper:{row.pk}"]
    assert [(o.act, o.on) for o in found] == [("investigation", case.clue_on)] and "纸质原件" in found[0].description


def refused(error, case, actor, **given):
    """The refusal `error` of registering a fresh scan with `given`; it writes nothing."""
    upload = scan(actor)
    before = written()
    with pytest.raises(error) as raised:
        do_register_paper_original(case, upload, actor=actor, **given)
    assert written() == before
    return raised.value


def test_paper_originals_obey_the_rules_of_generated_documents(env, case):
    """s18 re-test 3: the paper route does not bypass the rules of generated documents — the agency's 文号
    once, a decision only where the procedure offers it and the case's decision allows it, an archived
    file changed only by an 归档后补充 with its reason."""
    from documents_cast import decided_case as made

    numbered = {**RECEIPT, "kind": "inquiry_record", "written_on": case.clue_on, "number": "某市监询笔〔2026〕9号"}
    do_register_paper_original(case, scan(env.officer), actor=env.officer, **numbered)
    taken = refused(Conflict, case, env.officer, **numbered)
    assert taken.code == "number_taken" and "已由" in taken.message
    contradicts = refused(RuleViolation, case, env.officer,  # the case decided a penalty
                          **{**RECEIPT, "kind": "no_penalty_decision", "written_on": case.clue_on})
    assert contradicts.field == "kind" and "不能" in contradicts.message
    early = made(env, state="filed")
    not_offered = refused(RuleViolation, early, env.officer,  # under investigation: no decision yet
                          **{**RECEIPT, "kind": "penalty_decision", "written_on": early.clue_on})
    assert not_offered.field == "kind" and "不能登记行政处罚决定书" in not_offered.message
    archive_as_is(case, env.officer)
    archived = refused(Conflict, case, env.officer, written_on=case.clue_on, **RECEIPT)
    assert archived.code == "case_archived"
    row = do_register_paper_original(case, scan(env.officer), written_on=case.clue_on, actor=env.officer,
                                     supplement_reason="当事人补交签收的送达回证", **RECEIPT)
    entry = LedgerEntry.objects.get(action="register_paper_original", object_id=str(row.pk))
    assert json.loads(entry.entry)["payload"]["supplement_reason"] == "当事人补交签收的送达回证"


def test_the_supplement_reason_is_on_the_row_the_page_and_in_case_json(client, env, tmp_path):
    """s19 (issue 8): the 归档后补充 reason of a paper original was in the ledger only — it is on the row,
    on the case page and in the package's case.json (its supplements), as a generated supplement's is."""
    from documents_cast import decided_case as made

    case = made(env)
    archive_as_is(case, env.officer)
    row = do_register_paper_original(case, scan(env.officer), written_on=case.clue_on, actor=env.officer,
                                     supplement_reason="当事人补交签收的送达回证", **RECEIPT)
    row.refresh_from_db()
    assert row.supplement_reason == "当事人补交签收的送达回证"
    # documents 0007 fills the rows registered before the field from their ledger entries
    import importlib

    from django.apps import apps

    PaperOriginal.objects.filter(pk=row.pk).update(supplement_reason="")
    importlib.import_module("sanxiang.documents.migrations.0008_paper_supplement_reason").from_the_ledger(apps, None)
    row.refresh_from_db()
    assert row.supplement_reason == "当事人补交签收的送达回证"
    client.force_login(env.officer)
    assert "归档后补充，原因：当事人补交签收的送达回证" in client.get(f"/cases/{case.pk}/").content.decode()
    path = tmp_path / "案卷.zip"
    code, _, err = run("archive", "export", "--purpose", "核对归档案卷", case.number, "--out", str(path))
    assert code == 0, err
    files = members(path)
    metadata = json.loads(next(data for name, data in files.items() if name.endswith("/data/case.json")))
    reasons = {s["object_id"]: s["metadata"].get("supplement_reason") for s in metadata["supplements"]}
    assert reasons.get(str(row.pk)) == "当事人补交签收的送达回证", metadata["supplements"]
