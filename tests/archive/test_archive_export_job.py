"""The archive package from the browser and the API (归档信息包导出): asked for by those who archive,
built by the job runner with the one `package.export`, downloaded with a ledger entry, expired by
the job; another agency gets 404, an officer is refused and nothing is written (issue 8 §5)."""

import datetime as dt
import io
import zipfile

import bagit
import pytest
from documents_cast import REASONS, decided_case

from sanxiang.access.actors import JOBS
from sanxiang.archive import exports as X
from sanxiang.archive.models import ArchiveExport, ExportStatus
from sanxiang.archive.package import verification_keys
from sanxiang.archive.tasks import build_archive_exports, expire_archive_exports
from sanxiang.archive.verify import verify_package
from sanxiang.documents import actions as D
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role

pytestmark = pytest.mark.django_db
API = "/api/v1/archive"


@pytest.fixture(scope="module")
def archived(env, blocker, tmp_path_factory):
    """A case with two documents (docx only: the package is about files and entries, not rendering),
    its archived file and manifest written directly (archiving for real is tests/archive/test_case_file.py)."""
    with blocker.unblock():
        case = decided_case(env)
        D.do_generate_document(case, "filing_approval", actor=env.officer)
        D.do_generate_document(case, "penalty_decision", inputs=REASONS, actor=env.officer)
        from archive_cast import archive_as_is

        archive_as_is(case, env.officer)
        keeper = T.member(env.agency, Role.RECORDS_KEEPER)
        return case, keeper


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.ARCHIVE_EXPORT_DIR = tmp_path / "exports"
    return settings.ARCHIVE_EXPORT_DIR


def written():
    return ArchiveExport.objects.count(), LedgerEntry.objects.count()


def test_asked_for_built_by_the_job_downloaded_and_verified(client, env, archived, export_dir, tmp_path):
    case, keeper = archived
    client.force_login(keeper)
    response = client.post(f"{API}/cases/{case.pk}/exports")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested" and body["status_label"] == "排队中" and body["download"] is None
    again = client.post(f"{API}/cases/{case.pk}/exports")
    assert again.status_code == 409 and again.json()["code"] == "export_pending"
    assert client.get(f"{API}/exports/{body['id']}/download").status_code == 409

    assert build_archive_exports.call()["done"] == 1  # as the worker runs it
    status = client.get(f"{API}/exports/{body['id']}").json()
    assert status["status"] == "ready" and status["download"] == f"{API}/exports/{body['id']}/download"
    built = ArchiveExport.objects.get(pk=body["id"])
    assert LedgerEntry.objects.filter(action="export_case_archive", object_id=str(case.pk)).exists()
    assert built.expires_at - built.ready_at == dt.timedelta(hours=72)

    before = LedgerEntry.objects.filter(action="download_archive_export").count()
    # every record of the case at once: a purpose always (s19 tester8 #27), even when none is marked
    unasked = client.get(status["download"])
    assert unasked.status_code == 400 and unasked.json()["code"] == "purpose_required"
    assert LedgerEntry.objects.filter(action="download_archive_export").count() == before
    download = client.get(status["download"], {"purpose": "移交档案馆前核对"})
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''%E5%BD%92%E6%A1%A3%E4%BF%A1%E6%81%AF%E5%8C%85-" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    assert len(data) == built.size
    assert LedgerEntry.objects.filter(action="download_archive_export").count() == before + 1
    # and it stands in the case's 访问日志 beside single looks, who, what and why
    from sanxiang.retrieval.models import RecordAccess

    look = RecordAccess.objects.filter(case=case).latest("at")
    assert (look.user, look.record_kind, look.record_id, look.file, look.mode, look.purpose, look.file_sha256) == (
        keeper, "archive_export", built.pk, "package", "download", "移交档案馆前核对", built.sha256)
    assert LedgerEntry.objects.filter(action="download_record", object_id=str(look.pk)).exists()

    package = tmp_path / "downloaded.zip"
    package.write_bytes(data)
    keys = tmp_path / "agency.vkey"
    keys.write_text(verification_keys())
    result = verify_package(package, pinned_keys=keys.read_text())
    assert result.ok, [f.message for f in result.findings]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(tmp_path / "bag")
    bagit.Bag(str(tmp_path / "bag" / f"case-{case.pk}")).validate()

    # The case page lists it ready, with a link people can follow.
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "归档信息包" in page and "可以下载" in page and f"/archive/exports/{built.pk}/download/" in page
    assert 'name="purpose"' in page and "须填写用途" in page
    assert client.get(f"/archive/exports/{built.pk}/download/", {"purpose": "核对"}).status_code == 200


def test_another_agency_gets_404_an_officer_is_refused_writing_nothing(client, env, archived):
    case, keeper = archived
    row = ArchiveExport.objects.filter(case=case).first() or X.do_request_export(case, actor=keeper)
    other = T.member(T.agency(), Role.RECORDS_KEEPER)
    client.force_login(other)
    before = written()
    assert client.post(f"{API}/cases/{case.pk}/exports").status_code == 404
    assert client.get(f"{API}/exports/{row.pk}").json()["code"] == "export_not_found"
    assert client.get(f"{API}/exports/{row.pk}/download").status_code == 404
    assert client.get(f"/archive/exports/{row.pk}/download/").status_code == 404
    client.force_login(env.officer)
    refused = client.post(f"{API}/cases/{case.pk}/exports")
    assert refused.status_code == 403 and "档案管理人员" in refused.json()["message"]
    assert client.get(f"{API}/exports/{row.pk}").status_code == 404
    client.logout()
    assert client.get(f"{API}/exports/{row.pk}").status_code == 401
    assert written() == before


def test_a_case_not_archived_is_refused(client, env, blocker):
    case = decided_case(env)
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    client.force_login(keeper)
    before = written()
    response = client.post(f"{API}/cases/{case.pk}/exports")
    assert response.status_code == 400 and "尚未归档" in response.json()["message"]
    assert written() == before


def test_an_export_that_cannot_be_made_fails_saying_why(env, archived, export_dir):
    case, keeper = archived
    ArchiveExport.objects.filter(case=case, status__in=X.OPEN).update(status=ExportStatus.FAILED)
    row = X.do_request_export(case, actor=keeper)
    export_dir.mkdir(parents=True, exist_ok=True)
    (export_dir / f"archive-{row.pk}-{case.pk}.zip").mkdir()  # the target is taken by a directory
    assert build_archive_exports.call()["failed"] == 1
    row.refresh_from_db()
    assert row.status == ExportStatus.FAILED and "输出路径是一个目录" in row.failure
    assert LedgerEntry.objects.filter(action="archive_export_failed", object_id=str(row.pk)).exists()


def test_old_exports_expire_and_their_files_go(env, archived, export_dir):
    case, keeper = archived
    ArchiveExport.objects.filter(case=case, status__in=X.OPEN).update(status=ExportStatus.FAILED)
    row = X.do_request_export(case, actor=keeper)
    built = X.build_export(row, actor=JOBS)
    path = X.path_of(built)
    assert built.status == ExportStatus.READY and path.is_file()
    assert expire_archive_exports.call()["done"] == 0  # not yet
    ArchiveExport.objects.filter(pk=row.pk).update(expires_at=built.ready_at)
    assert expire_archive_exports.call()["done"] == 1
    built.refresh_from_db()
    assert built.status == ExportStatus.EXPIRED and not path.exists()
    assert LedgerEntry.objects.filter(action="expire_archive_export", object_id=str(row.pk)).exists()


def test_a_build_killed_half_way_is_taken_up_again_after_an_hour_not_before(env, archived, export_dir):
    from django.utils import timezone

    case, keeper = archived
    ArchiveExport.objects.filter(case=case, status__in=X.OPEN).update(status=ExportStatus.FAILED)
    row = X.do_request_export(case, actor=keeper)
    ArchiveExport.objects.filter(pk=row.pk).update(status=ExportStatus.BUILDING, started_at=timezone.now())
    assert build_archive_exports.call()["done"] == 0  # another worker is on it
    ArchiveExport.objects.filter(pk=row.pk).update(started_at=timezone.now() - X.STALE_BUILD - dt.timedelta(minutes=1))
    assert build_archive_exports.call()["done"] == 1
    row.refresh_from_db()
    assert row.status == ExportStatus.READY and X.path_of(row).is_file()


def ready_export(case, keeper):
    ArchiveExport.objects.filter(case=case, status__in=X.OPEN).update(status=ExportStatus.FAILED)
    return X.build_export(X.do_request_export(case, actor=keeper), actor=JOBS)


def test_a_package_changed_on_disk_is_not_served_nor_ledgered_as_downloaded(client, env, archived, export_dir):
    """s17 defect 5: the same byte length, one byte flipped: 409, nothing served, the row no longer offered."""
    case, keeper = archived
    built = ready_export(case, keeper)
    path = X.path_of(built)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    client.force_login(keeper)
    downloads = LedgerEntry.objects.filter(action="download_archive_export").count()
    response = client.get(f"{API}/exports/{built.pk}/download", {"purpose": "核对"})
    assert response.status_code == 409 and response.json()["code"] == "export_modified", response.content
    assert "与生成时记录的摘要不符" in response.json()["message"]
    assert LedgerEntry.objects.filter(action="download_archive_export").count() == downloads
    built.refresh_from_db()
    assert built.status == ExportStatus.FAILED and "被改动" in built.failure
    assert LedgerEntry.objects.filter(action="archive_export_failed", object_id=str(built.pk)).exists()
    page = client.get(f"/archive/exports/{built.pk}/download/", {"purpose": "核对"}, follow=True)
    assert page.status_code == 200 and page.get("Content-Type", "").startswith("text/html")
    # s18 tester 4: the page says the package was changed, not 「已过期删除或尚未生成」
    assert "与生成时记录的摘要不符" in page.content.decode() and "已过期删除" not in page.content.decode()
    again = client.get(f"{API}/exports/{built.pk}/download", {"purpose": "核对"})
    assert again.status_code == 409 and again.json()["code"] == "export_modified"


def test_a_changed_file_found_by_a_read_or_the_daily_check_fails_the_archived_files_recheck(client, env, archived,
                                                                                           settings):
    """s18 tester 4: a changed stored file of an archived case is not only a line in the server's log — the
    archived file is checked again by the job runner and its keepers see 「重新检测未通过」 naming the record."""
    from django_tasks_db.models import DBTaskResult

    from sanxiang import storage
    from sanxiang.archive import actions as A
    from sanxiang.archive.models import ArchivedCaseFile
    from sanxiang.archive.tasks import recheck_archived_files_holding
    from sanxiang.documents.models import Document
    from sanxiang.storage.tasks import check_stored_files

    case, keeper = archived
    archived_file = ArchivedCaseFile.objects.get(case=case)
    decision = Document.objects.get(case=case, kind="penalty_decision")
    path = storage.backend().path(decision.docx_path)
    original = open(path, "rb").read()
    queued = DBTaskResult.objects.filter(task_path=recheck_archived_files_holding.module_path)
    try:
        with open(path, "wb") as fh:
            fh.write(original[:-1] + bytes([original[-1] ^ 1]))
        client.force_login(keeper)
        before = queued.count()
        read = client.get(f"/api/v1/retrieval/files/document/{decision.pk}/docx?mode=download&purpose=核对")
        assert read.status_code == 409 and read.json()["code"] == "file_modified"
        assert queued.count() == before + 1 and queued.latest("enqueued_at").args_kwargs["args"] == [[decision.docx_path]]
        assert A.latest_recheck(archived_file) is None or A.latest_recheck(archived_file)["ok"]
        assert recheck_archived_files_holding.call([decision.docx_path])["done"] == 1  # as the worker runs it
        assert archived_file.pk in A.failing_rechecks([archived_file.pk])
        failed = A.latest_recheck(archived_file)["failed"]
        assert any("“行政处罚决定书”" in f and "摘要不符" in f for f in failed), failed
        listing = client.get("/archive/").content.decode()
        assert "重新检测未通过" in listing
        # the daily 抽检 that finds it queues the same recheck (every byte re-hashed in a one-day cycle)
        settings.FILE_CHECK_DAYS = 1
        queued_before = queued.count()
        assert not check_stored_files.call()["ok"]
        assert queued.count() == queued_before + 1
        assert decision.docx_path in queued.latest("enqueued_at").args_kwargs["args"][0]
    finally:
        with open(path, "wb") as fh:
            fh.write(original)


def test_an_expired_package_is_not_served_before_the_job_deletes_it(client, env, archived, export_dir):
    """s17 defect 22g: the download checks expires_at itself."""
    from django.utils import timezone

    case, keeper = archived
    built = ready_export(case, keeper)
    ArchiveExport.objects.filter(pk=built.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(keeper)
    before = written()
    response = client.get(f"{API}/exports/{built.pk}/download", {"purpose": "核对"})
    assert response.status_code == 409 and response.json()["code"] == "export_expired"
    assert "已于" in response.json()["message"] and "过期" in response.json()["message"]
    assert written() == before
    status = client.get(f"{API}/exports/{built.pk}").json()
    assert status["download"] is None and status["status_label"] == "已过期"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已过期" in page and f"/archive/exports/{built.pk}/download/" not in page


def test_a_ready_package_of_an_unchanged_file_is_offered_again_not_rebuilt(client, env, archived, export_dir):
    """s17 defect 14: a second request gets the ready package (200); a change to the file, a new build."""
    case, keeper = archived
    built = ready_export(case, keeper)
    client.force_login(keeper)
    rows = ArchiveExport.objects.count()
    again = client.post(f"{API}/cases/{case.pk}/exports")
    assert again.status_code == 200 and again.json()["id"] == built.pk and again.json()["status"] == "ready"
    assert ArchiveExport.objects.count() == rows
    assert LedgerEntry.objects.filter(action="request_archive_export", object_id=str(built.pk)).count() == 2
    assert len(list(export_dir.iterdir())) == 1
    page = client.post(f"/archive/cases/{case.pk}/export/", follow=True).content.decode()
    assert "已生成的归档信息包可以直接下载" in page and ArchiveExport.objects.count() == rows

    with pytest.MonkeyPatch.context() as mp:  # a supplement after archiving: an issued document
        from pdfs import blank_pdf

        from sanxiang.documents import render

        mp.setattr(render, "to_pdf", lambda docx: blank_pdf())
        later = D.do_generate_document(case, "investigation_report", actor=env.officer,
                                       inputs={"evidence": "询问笔录", "opinion": "建议罚款"},
                                       supplement_reason="复议机关调取案卷，补充调查终结报告")
        D.do_issue_document(D.do_render_document(later), actor=env.head)
    changed = client.post(f"{API}/cases/{case.pk}/exports")
    assert changed.status_code == 201 and changed.json()["id"] != built.pk and changed.json()["status"] == "requested"


def test_a_package_with_business_secrets_asks_for_the_purpose_and_ledgers_it(client, env, archived, export_dir):
    """s17 defect 22i: who, when, what and why (issue 8 §4) for a package of marked records."""
    from sanxiang.cases.models import Case

    case, keeper = archived
    built = ready_export(case, keeper)
    Case.objects.filter(pk=case.pk).update(confidentiality="business_secret")
    client.force_login(keeper)
    before = written()
    refused = client.get(f"{API}/exports/{built.pk}/download")
    assert refused.status_code == 400 and refused.json()["code"] == "purpose_required"
    assert "商业秘密" in refused.json()["message"] and "用途" in refused.json()["message"]
    assert written() == before
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="purpose"' in page and "须填写用途" in page
    done = client.get(f"{API}/exports/{built.pk}/download", {"purpose": "行政诉讼答辩举证"})
    assert done.status_code == 200
    b"".join(done.streaming_content)
    entry = LedgerEntry.objects.filter(action="download_archive_export", object_id=str(built.pk)).last()
    import json
    payload = json.loads(entry.entry)["payload"]
    assert payload["purpose"] == "行政诉讼答辩举证" and payload["confidentiality"] == ["商业秘密"]
    assert payload["records"] == built.records


def test_a_hold_is_true_or_false_not_yes(client, env, archived):
    """s18 tester 23: {"hold": "yes"} was taken as true."""
    from sanxiang.archive.models import ArchivedCaseFile

    case, keeper = archived
    archived_file = ArchivedCaseFile.objects.get(case=case)
    client.force_login(keeper)
    before = written()
    response = client.post(f"{API}/files/{archived_file.pk}/hold", {"hold": "yes", "reason": "诉讼中"},
                           content_type="application/json")
    assert response.status_code in (400, 422) and "code" in response.json() and written() == before
    archived_file.refresh_from_db()
    assert not archived_file.legal_hold


def test_a_changed_file_of_a_case_not_archived_flags_the_case_on_its_page_and_the_archive_list(client, env):
    """s19 (issue 8): a case not archived yet whose stored file is found changed (a read refused it) is
    flagged — ledgered, on the case page and the keeper's 待归档 list — not only in the security log."""
    from django_tasks_db.models import DBTaskResult

    from sanxiang import storage
    from sanxiang.archive import actions as A
    from sanxiang.archive.tasks import recheck_archived_files_holding
    from sanxiang.documents.models import Document

    case = decided_case(env, "closed")
    D.do_generate_document(case, "filing_approval", actor=env.officer)
    document = Document.objects.filter(case=case).order_by("id").first()
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    T.person(env.agency, user_obj=keeper, name="吴档案")
    path = storage.backend().path(document.docx_path)
    original = open(path, "rb").read()
    queued = DBTaskResult.objects.filter(task_path=recheck_archived_files_holding.module_path)
    try:
        with open(path, "wb") as fh:
            fh.write(original[:-1] + bytes([original[-1] ^ 1]))
        client.force_login(env.officer)
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert "存储文件与留痕记录不符" not in page
        before = queued.count()
        read = client.get(f"/api/v1/retrieval/files/document/{document.pk}/docx?mode=download&purpose=核对")
        assert read.status_code == 409 and queued.count() == before + 1
        summary = recheck_archived_files_holding.call([document.docx_path])  # as the worker runs it
        assert summary["done"] == 1 and "1 个未归档案件" in summary["summary"]
        assert A.modified_file_flags(case)[0]["records"] == [f"{document.get_kind_display()} {document.number}"]
        entry = LedgerEntry.objects.get(action="flag_modified_file", object_id=str(case.pk))
        assert entry.object_type == "cases.case"
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert 'id="modified-files"' in page and document.number in page.split('id="modified-files"', 1)[1]
        client.force_login(keeper)
        listing = client.get("/archive/").content.decode()
        assert "存储文件与留痕记录不符" in listing and case.number in listing
        assert recheck_archived_files_holding.call([document.docx_path])["done"] == 0  # flagged once
    finally:
        with open(path, "wb") as fh:
            fh.write(original)


def test_a_changed_file_flag_is_resolved_with_a_reason_and_a_second_change_flags_again(client, env):
    """s20 (defects8c #8, #12): the flag of a changed file of a case not archived is closed by 已查明处理 —
    by those who archive, with a reason, ledgered, refused while the file still differs — and a later
    change of the same file is flagged anew; the flag's time is local time, as the rest of the page."""
    import datetime as dt

    from django.utils import timezone

    from sanxiang import storage
    from sanxiang.archive import actions as A
    from sanxiang.archive.tasks import recheck_archived_files_holding
    from sanxiang.documents.models import Document

    case = decided_case(env, "closed")
    D.do_generate_document(case, "filing_approval", actor=env.officer)
    document = Document.objects.filter(case=case).order_by("id").first()
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    T.person(env.agency, user_obj=keeper, name="吴档案")
    path = storage.backend().path(document.docx_path)
    original = open(path, "rb").read()
    resolve = f"{API}/cases/{case.pk}/modified-files/resolve"
    try:
        with open(path, "wb") as fh:
            fh.write(original[:-1] + bytes([original[-1] ^ 1]))
        assert recheck_archived_files_holding.call([document.docx_path])["done"] == 1
        found_at = A.modified_file_flags(case)[0]["found_at"]
        local = f"{timezone.localtime(dt.datetime.fromisoformat(found_at)):%Y-%m-%d %H:%M}"
        client.force_login(env.officer)
        page = client.get(f"/cases/{case.pk}/").content.decode()
        flag = page.split('id="modified-files"', 1)[1].split("</div>", 1)[0]
        assert f"{local} 发现" in flag and found_at[:16].replace("T", " ") not in flag  # local time, not UTC
        assert 'id="resolve-modified-files"' not in page  # the officer may not resolve it
        before = LedgerEntry.objects.count()
        refused = client.post(resolve, {"reason": "已恢复"}, content_type="application/json")
        assert refused.status_code == 403 and LedgerEntry.objects.count() == before

        client.force_login(keeper)
        assert 'id="resolve-modified-files"' in client.get(f"/cases/{case.pk}/").content.decode()
        assert client.get(resolve).json() == {"allowed": True, "reason": ""}
        still = client.post(resolve, {"reason": "已恢复"}, content_type="application/json")
        assert still.status_code == 409 and still.json()["code"] == "file_still_modified", still.content
        assert document.number in still.json()["message"] and LedgerEntry.objects.count() == before

        with open(path, "wb") as fh:  # the administrator puts the original bytes back
            fh.write(original)
        blank = client.post(resolve, {"reason": "　 "}, content_type="application/json")
        assert blank.status_code == 400 and blank.json()["code"] == "resolution_reason_missing"
        assert LedgerEntry.objects.count() == before
        done = client.post(resolve, {"reason": "备份恢复了原文件，sanxiang verify 无误"}, content_type="application/json")
        assert done.status_code == 201, done.content
        assert done.json()["resolved_by"] == "吴档案"
        entry = LedgerEntry.objects.get(action="resolve_modified_file", object_id=str(case.pk))
        assert entry.actor == keeper.username and "备份恢复了原文件" in entry.entry
        assert A.modified_file_flags(case) == [] and case.pk not in A.flagged_cases([case.pk])
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert 'id="modified-files"' not in page and "备份恢复了原文件" in page and "吴档案登记已查明处理" in page
        body = client.get(f"{API}/cases/{case.pk}").json()
        assert body["modified_files"] == [] and body["modified_file_resolutions"][0]["resolved_by"] == "吴档案"
        again = client.post(resolve, {"reason": "再次"}, content_type="application/json")
        assert again.status_code == 409 and again.json()["code"] == "nothing_flagged"

        with open(path, "wb") as fh:  # changed a second time: flagged anew
            fh.write(original[:-1] + bytes([original[-1] ^ 2]))
        assert recheck_archived_files_holding.call([document.docx_path])["done"] == 1
        assert len(A.modified_file_flags(case)) == 1 and case.pk in A.flagged_cases([case.pk])
        assert 'id="modified-files"' in client.get(f"/cases/{case.pk}/").content.decode()
    finally:
        with open(path, "wb") as fh:
            fh.write(original)
