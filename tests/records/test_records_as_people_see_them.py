"""What an officer is shown about evidence and recordings: the record's name, never the device's file
name (DSC_0001.JPG), and what a recording named for an act does or does not cover."""

from urllib.parse import unquote

import pytest
from records_cast import EVIDENCE, client_of, photo

from sanxiang.records import evidence as E

pytestmark = pytest.mark.django_db




def test_the_case_page_names_evidence_by_its_title_not_the_cameras_file_name(env, case):
    upload = photo(env.officer, "DSC_0001.JPG")
    item = E.do_register_evidence(case, upload, actor=env.officer,
                                  **{**EVIDENCE, "title": "仓库货架照片", "purpose": "涉案商品的存放位置",
                                     "occurred_at": "2026-09-02T09:30"})
    officer = client_of(env.officer)
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "DSC_0001" not in page
    assert "仓库货架照片" in page and "涉案商品的存放位置" in page and "图片，2026-09-02 09:30 形成" in page
    # The download is saved under the title too; the API keeps the uploaded name for programs.
    download = officer.get(f"/retrieval/records/evidence/{item.pk}/file/?mode=download", follow=True)
    assert download.status_code == 200, download.content[:300]
    disposition = unquote(download["Content-Disposition"])
    assert "仓库货架照片." in disposition and "DSC_0001" not in disposition
    assert officer.get(f"/api/v1/records/evidence/{item.pk}").json()["file"]["filename"] == "DSC_0001.JPG"


RECORDING = {"title": "现场检查录像", "officers": "王执法、李执法", "recorder": "李执法", "place": "当事人经营场所",
             "device": "执法记录仪 DSJ-01", "act": "onsite", "started_at": "2026-09-02T09:00",
             "ended_at": "2026-09-02T09:40"}


def test_a_recording_named_for_an_act_the_case_has_not_done_then_is_accepted_and_says_so(env, case):
    """s17 #22d: accepted (it may be declared before the act is entered, or before its case exists),
    and the officer is told in the API and on the page which act it does not cover."""
    from coercion_cast import certificates

    from sanxiang.cases import actions as C

    officer = client_of(env.officer)
    declared = officer.post("/api/v1/records/recordings", {**RECORDING, "case_id": case.pk},
                            content_type="application/json")
    assert declared.status_code == 201, declared.content
    rec = declared.json()
    assert rec["uncovered_act"] == ("本案尚无“现场执法”的记录，此音像记录（2026-09-02）暂不对应本案任何执法活动；"
                                    "请登记该执法活动，或核对所记录的执法活动。")
    C.do_record_onsite_act(case, date="2026-09-01", place="当事人经营场所", certificate_numbers=certificates(case),
                           told_reason_basis_rights=True, video_recorded=True, actor=env.officer)
    again = officer.get(f"/api/v1/records/recordings/{rec['id']}").json()["uncovered_act"]
    assert "本案的“现场执法”在 2026-09-01" in again and "不对应该执法活动" in again
    form = {f"recording-{k}": v for k, v in {**RECORDING, "title": "第二段录像", "confidentiality": "internal"}.items()}
    page = officer.post(f"/records/cases/{case.pk}/recordings/", form, follow=True).content.decode()
    assert "已登记音像记录“第二段录像”" in page and "本案的“现场执法”在 2026-09-01" in page
    C.do_record_onsite_act(case, date="2026-09-02", place="当事人经营场所", certificate_numbers=certificates(case),
                           told_reason_basis_rights=True, video_recorded=True, actor=env.officer)
    assert officer.get(f"/api/v1/records/recordings/{rec['id']}").json()["uncovered_act"] == ""
    assert "不对应" not in officer.get(f"/cases/{case.pk}/").content.decode()


def test_a_recording_joins_no_archived_file_nor_a_case_closed_before_it_was_made(env, case):
    """s18 R2: linking an unattached recording to an archived case, or to one closed before it was made,
    is refused and writes nothing."""
    from django.utils import timezone
    from records_cast import counts

    from sanxiang.archive.models import ArchivedCaseFile
    from sanxiang.cases.models import Case
    from sanxiang.core.errors import Conflict, RuleViolation

    rec = E.do_declare_recording(env.agency, actor=env.officer, **{**RECORDING, "act": "", "title": "巡查录像",
                                                                    "started_at": "2026-11-10T09:00",
                                                                    "ended_at": "2026-11-10T09:30"})
    Case.objects.filter(pk=case.pk).update(closed_on="2026-10-20")
    before = counts()
    with pytest.raises(RuleViolation, match="录制于 2026-11-10，晚于案件.*结案（2026-10-20）"):
        E.do_link_recording(rec, case, actor=env.officer)
    assert counts() == before
    ArchivedCaseFile.objects.create(
        case=case, agency=case.agency, archive_number="t-2026-0001", archive_year=2026, archive_seq=1,
        outcome="penalty", catalogue_sha256="0" * 64, items=0, pages=0, retention="定期30年", retention_basis="测试",
        archived_at=timezone.now(), archived_by_name="测试")
    with pytest.raises(Conflict) as refused:
        E.do_link_recording(rec, case, actor=env.officer)
    assert refused.value.code == "case_archived" and counts() == before
