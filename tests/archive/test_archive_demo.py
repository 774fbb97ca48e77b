"""The demo's archived cases (`sanxiang demo --archive`, issue 8 §6, tester defect 12): run once for
the five seed agencies (the module's three LibreOffice starts), then what a records keeper notices."""

import re

import pytest
from archive_cast import run
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from sanxiang.archive.models import ArchivedCaseFile
from sanxiang.archive.package import verification_keys
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs.demo import AGENCIES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def archived(demo_module, django_db_blocker):
    """`sanxiang demo --archive` after the demo: (exit code, what it printed)."""
    with django_db_blocker.unblock():
        code, out, err = run("demo", "--archive")
        return code, out + err


def test_every_seed_agency_has_one_archived_case_printed_with_its_archive_number(archived):
    code, out = archived
    assert code == 0, out
    for spec in AGENCIES:
        files = list(ArchivedCaseFile.objects.filter(case__agency__code=spec["code"]).select_related("case", "case__agency"))
        assert len(files) == 1, spec["code"]
        file = files[0]
        assert f"{file.case.agency.name} 案件 {file.case.number}" in out and f"档号 {file.archive_number}" in out
        # a labour case corrected holds no decision and no 送达回证 of one (s17 #7)
        assert file.checks["ok"] and file.items >= (4 if file.outcome == "rectified" else 6)
    # the documents, the 整改复查记录 once its 限期整改指令书 is issued (s19, issue 8), then the 立卷 forms,
    # for all five agencies at once
    assert "LibreOffice 启动 3 次" in out


def test_the_labour_agency_archives_a_labour_case_with_its_media(archived):
    file = ArchivedCaseFile.objects.select_related("case").get(case__agency__code="urumqi-gxq-hrss")
    assert file.case.kind == "labour_inspection"
    titles = {item["title"] for item in file.catalogue}
    assert {"结案审批表", "现场检查照片", "现场检查录像"} <= titles
    # 责令改正 and corrected: no 不予行政处罚决定书 was decided, none is made to pass the check (s17 #7)
    if file.case.decision_outcome == "rectification" and not file.case.decided_penalties:
        assert file.outcome == "rectified" and "不予行政处罚决定书" not in titles
        # the order and its 复查 are document kinds now: checked, not 尚不能检查 (s17 "not done")
        assert {"劳动保障监察限期整改指令书", "整改复查记录"} <= titles and file.checks["unchecked"] == []
        # the 复查 is made after its order is issued, and names the order's 文号 (s19, issue 8)
        from sanxiang.documents.models import Document

        order = Document.objects.get(case=file.case, kind="rectification_order")
        recheck = Document.objects.get(case=file.case, kind="rectification_recheck")
        assert order.status == recheck.status == "issued" and recheck.created_at > order.issued_at
        assert recheck.fields["context"]["order_number"] == order.number


def test_the_walked_penalty_files_are_dated_as_their_procedure_and_name_people(archived):
    """s19 tester8 #18: 株洲's archived file listed its 行政处罚告知书 after the decision and its 终结报告 and
    结案审批表 after the closing (the documents were made today for a case closed weeks ago); its recording
    named a role, not a person, as 记录人 and first 移交人."""
    from sanxiang.orgs.models import Person
    from sanxiang.records.models import AudioVideoRecord

    walked = ArchivedCaseFile.objects.select_related("case").filter(case__kind="penalty")
    assert walked.exists()
    for file in walked:
        case = file.case
        dated = {item["title"]: item["made_on"] for item in file.catalogue if item["made_on"]}
        assert all(day <= case.closed_on.isoformat() for day in dated.values()), (case.number, dated, case.closed_on)
        if "行政处罚告知书" in dated and "行政处罚决定书" in dated:
            assert dated["行政处罚告知书"] <= dated["行政处罚决定书"] == case.decided_on.isoformat()
        names = set(Person.objects.filter(agency=case.agency).values_list("name", flat=True))
        for recording in AudioVideoRecord.objects.filter(case=case):
            assert recording.recorder in names, recording.recorder
            first = recording.handovers.order_by("handed_at", "id").first()
            assert first is None or first.handed_by in names


def test_the_archived_cases_hold_their_publicity_notice_and_the_job_then_makes_every_other(archived):
    """s23 notices10: `make run` archived the cases before the job made their 公示告知书, and the job then
    failed on those five every 5 minutes (「5 份未能生成」). The notice is made before the file is archived."""
    from sanxiang.documents.models import Document
    from sanxiang.publicity.models import Publication
    from sanxiang.publicity.notices import KIND, missing_notices
    from sanxiang.publicity.party_tasks import make_publicity_notices

    for file in ArchivedCaseFile.objects.select_related("case"):
        for pub in Publication.objects.filter(obligation__case=file.case,
                                              obligation__status__in=("open", "published")):
            notice = Document.objects.get(case=file.case, kind=KIND, fields__subject=f"publicity.publication:{pub.pk}")
            assert notice.status == "issued", file.case.number
            assert "执法决定信息公示告知书" in {item["title"] for item in file.catalogue}, file.case.number
    failed = 0
    while missing_notices():
        result = make_publicity_notices.call()
        failed += result["failed"]
        assert result["done"] or result["failed"], result
    assert failed == 0


def test_each_records_keeper_sees_the_archived_case_on_the_archive_page(archived, client):
    for spec in AGENCIES:
        file = ArchivedCaseFile.objects.select_related("case").get(case__agency__code=spec["code"])
        client.force_login(get_user_model().objects.get(username=f"{spec['prefix']}-records"))
        page = client.get("/archive/").content.decode()
        assert "已归档（1）" in page, spec["code"]
        assert file.archive_number in page and file.case.number in page


def test_an_archived_demo_file_exports_and_verifies_offline(archived, tmp_path):
    file = ArchivedCaseFile.objects.select_related("case").get(case__agency__code="quanzhou-licheng-amr")
    out = tmp_path / "案卷.zip"
    code, _, err = run("archive", "export", "--purpose", "核对归档案卷", file.case.number, "--agency", "quanzhou-licheng-amr", "--out", str(out))
    assert code == 0, err
    key = tmp_path / "agency.vkey"
    key.write_text(verification_keys())
    code, printed, err = run("archive", "verify", str(out), "--key", str(key))
    assert code == 0, printed + err


def test_running_it_again_changes_nothing_and_says_so(archived):
    files, entries = ArchivedCaseFile.objects.count(), LedgerEntry.objects.count()
    code, out, err = run("demo", "--archive")
    assert code == 0, err
    assert (ArchivedCaseFile.objects.count(), LedgerEntry.objects.count()) == (files, entries)
    assert "本次未作任何变更" in out and len(re.findall("此前已归档", out)) == len(AGENCIES)


def test_without_the_demo_it_says_what_to_run(db, monkeypatch):
    monkeypatch.setattr("sanxiang.orgs.demo.AGENCIES", [*AGENCIES, {"code": "not-loaded", "prefix": "not-loaded"}])
    with pytest.raises(CommandError, match="请先运行 sanxiang demo"):
        call_command("demo", "--archive")
