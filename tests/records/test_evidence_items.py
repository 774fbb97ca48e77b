"""证据: made from a completed upload of the officer's own, never edited, corrected by a new item;
every refusal writes nothing."""

import datetime as dt
import json

import pytest
from documents_cast import png
from records_cast import EVIDENCE, audio, counts, photo, video

from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry
from sanxiang.records import evidence as E
from sanxiang.records.actions import do_create_upload
from sanxiang.records.models import EvidenceItem

pytestmark = pytest.mark.django_db
SIGNED = png(signer="孙某")  # the party's handwritten signature (decision 0089)



def refused(call, error, words):
    before = counts()
    with pytest.raises(error) as caught:
        call()
    assert words in caught.value.message
    assert counts() == before, "a refusal wrote something"


def test_an_item_names_its_file_in_the_ledger_so_verify_rehashes_it(env, case):
    upload = photo(env.officer)
    item = E.do_register_evidence(case, upload, actor=env.officer, **EVIDENCE)
    assert item.confidentiality == case.confidentiality and item.get_kind_display() == "书证"
    entry = LedgerEntry.objects.filter(action="register_evidence", object_id=str(item.pk)).get()
    assert upload.sha256 in entry.entry and upload.path in entry.entry


def test_refusals_write_nothing(env, case):
    mine = photo(env.officer)
    theirs = photo(env.officer2)
    refused(lambda: E.do_register_evidence(case, theirs, actor=env.officer, **EVIDENCE), NotFound, "未找到该上传")
    half = do_create_upload(length=100, metadata={"filename": "半截.png"}, actor=env.officer)
    refused(lambda: E.do_register_evidence(case, half, actor=env.officer, **EVIDENCE), RuleViolation,
            "没有收到任何数据：上传被中断，或文件被拒绝（例如不允许的文件类型）")  # s18 U1: not "尚未上传完成" alone
    refused(lambda: E.do_register_evidence(case, mine, actor=env.outsider, **EVIDENCE), NotPermitted, "无权")
    refused(lambda: E.do_register_evidence(case, mine, actor=env.officer, **{**EVIDENCE, "kind": "rumour"}),
            RuleViolation, "八种")
    refused(lambda: E.do_register_evidence(case, mine, actor=env.officer, **{**EVIDENCE, "source": " "}),
            RuleViolation, "证据来源")
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    refused(lambda: E.do_register_evidence(case, mine, actor=env.officer, **{**EVIDENCE, "collected_on": tomorrow}),
            RuleViolation, "不能晚于今天")
    E.do_register_evidence(case, mine, actor=env.officer, **EVIDENCE)
    refused(lambda: E.do_register_evidence(case, mine, actor=env.officer, **EVIDENCE), Conflict, "已登记为")


def test_an_upload_made_for_another_agency_is_refused(env, case):
    from sanxiang.access.actors import OPERATOR
    from sanxiang.access.policy import current_roles
    from sanxiang.orgs import actions as A
    from sanxiang.orgs.models import Role

    other = current_roles(env.outsider).first().agency
    A.do_assign_role(env.officer, other, Role.OFFICER, valid_from=dt.date(2020, 1, 1), actor=OPERATOR)
    upload = photo(env.officer, agency_code=other.code)
    refused(lambda: E.do_register_evidence(case, upload, actor=env.officer, **EVIDENCE), RuleViolation, "上传的")


def test_electronic_data_carries_its_extraction_record(env, case):
    upload = photo(env.officer, "网页截图.png")
    base = {**EVIDENCE, "kind": "electronic", "title": "网店页面截图", "source": "执法人员提取"}
    extraction = {"method": "使用取证软件对当事人网店页面截屏", "medium": "当事人办公电脑", "officers": "王执法、李执法",
                  "extracted_at": "2026-09-02T10:30", "digest": "0" * 64}
    refused(lambda: E.do_register_evidence(case, upload, actor=env.officer, **base), RuleViolation, "提取方法")
    refused(lambda: E.do_register_evidence(case, upload, actor=env.officer, extraction=extraction, **base),
            RuleViolation, "校验值")
    item = E.do_register_evidence(case, upload, actor=env.officer, extraction={**extraction, "digest": upload.sm3},
                                  **base)
    assert item.extraction_medium == "当事人办公电脑" and item.extraction_digest == upload.sm3


def test_a_correction_is_a_new_item_and_the_old_one_stays_corrected(env, case):
    upload = photo(env.officer)
    first = E.do_register_evidence(case, upload, actor=env.officer, **{**EVIDENCE, "title": "进货单"})
    second = E.do_correct_evidence(first, actor=env.officer, correction_reason="名称写错",
                                  **{**EVIDENCE, "title": "进货单据（更正名称）"})
    third = E.do_correct_evidence(second, photo(env.officer2), actor=env.officer2, correction_reason="换成清晰的照片",
                                  **EVIDENCE)
    assert third.replaces == second and second.replaces == first and second.upload == first.upload
    assert first.corrections.get() == second and second.corrections.get() == third
    assert EvidenceItem.objects.get(pk=first.pk).title == "进货单"  # never edited
    refused(lambda: E.do_correct_evidence(first, actor=env.officer, correction_reason="再改", **EVIDENCE), Conflict,
            "已被更正")
    # the first file is the chain's: no other item may take it
    refused(lambda: E.do_register_evidence(case, upload, actor=env.officer, **EVIDENCE), Conflict, "已登记为")
    assert LedgerEntry.objects.filter(action="correct_evidence", object_id__in=[str(second.pk), str(third.pk)]).count() == 2
    # defect #11: the party confirms the item in force, not a corrected one (the message names the one in force)
    for old in (first, second):
        refused(lambda old=old: E.do_confirm_by_party(old, on="2026-09-03", party_name="孙某", party_png=SIGNED,
                                                      actor=env.officer), Conflict,
                "已被更正，请对最新的一条（书证“进货单据”")
    assert not EvidenceItem.objects.filter(pk__in=[first.pk, second.pk], party_confirmed_on__isnull=False).exists()
    E.do_confirm_by_party(third, on="2026-09-03", party_name="孙某", party_png=SIGNED, actor=env.officer)


def test_an_evidence_copy_of_a_recording_carries_its_note(env, case):
    rec = E.do_declare_recording(case.agency, case=case, upload=video(env.officer), title="现场检查录像",
                                 officers="王执法、李执法", recorder="李执法", started_at="2026-09-02T09:00",
                                 ended_at="2026-09-02T09:40", place="当事人经营场所", device="执法记录仪 DSJ-01",
                                 act="onsite", actor=env.officer)
    copy = E.do_register_evidence(case, recording=rec, actor=env.officer2,
                                  **{**EVIDENCE, "kind": "audiovisual", "title": "现场检查录像（复制件）"})
    assert copy.upload == rec.upload
    assert rec.upload.sha256 in copy.copy_note and "执法记录仪 DSJ-01" in copy.copy_note
    assert "李执法" in copy.copy_note


def test_audio_needs_its_transcript_where_the_profile_asks(env, case):
    from sanxiang.orgs.models import Agency

    Agency.objects.filter(pk=case.agency_id).update(profile_key="zhuzhou-amr")
    case.agency.refresh_from_db()
    try:
        upload = audio(env.officer)
        base = {**EVIDENCE, "kind": "statement", "title": "询问录音"}
        refused(lambda: E.do_register_evidence(case, upload, actor=env.officer, **base), RuleViolation, "整理成文字")
        item = E.do_register_evidence(case, upload, transcript="问：你是否知道……答：知道。", actor=env.officer, **base)
        E.do_confirm_by_party(item, on="2026-09-03", party_name="孙某", party_png=SIGNED, actor=env.officer)
        item.refresh_from_db()
        assert item.party_confirmed_on == dt.date(2026, 9, 3)
    finally:
        Agency.objects.filter(pk=case.agency_id).update(profile_key="")
        case.agency.refresh_from_db()


def test_the_original_is_handed_over_by_its_holder_to_one_entitled_to_hold_it_and_all_are_kept(env, case):
    """s22 tester8 #11: an original was handed over by 孙伟, recorded by 艾力·买买提, to 「王档案」, who is
    nobody. The 移交人 is the caller, who holds it (the declarer or the recorder, then the previous
    receiver); the receiver is a user of the agency who may hold it — the officers and the head who work on
    its case, the agency's 档案管理人员 (decision 0085); nothing is written when refused."""
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    T.person(env.agency, user_obj=keeper, name="吴档案")
    rec = E.do_declare_recording(case.agency, case=case, title="扣押现场录像", officers="王执法、李执法", recorder="李执法",
                                 started_at="2026-09-03T09:00", ended_at="2026-09-03T09:40", place="当事人仓库",
                                 device="执法记录仪 DSJ-02", actor=env.officer)  # declared by 王执法
    at = {"handed_at": "2026-09-03T18:00", "medium": "执法记录仪存储卡", "place": "执法一队"}
    for actor, fields, error, words in (
        (env.officer, {"received_by": "吴档案", "handed_at": "2026-09-03T08:00"}, RuleViolation, "早于"),
        (env.outsider, {"received_by": "吴档案"}, NotPermitted, "无权"),
        (env.officer, {"handed_by": "孙伟", "received_by": "吴档案"}, RuleViolation,
         "移交人是登记移交的您本人（王执法），不能登记“孙伟”的移交"),
        (env.officer, {"received_by": "王档案"}, RuleViolation, "接收人“王档案”不是本机关的用户"),
        (env.officer, {"received_by": "吴档案", "receiver": T.user()}, RuleViolation, "接收人须是本机关的用户"),
        (env.officer, {"received_by": "钱审核"}, RuleViolation, "钱审核无权接收"),  # a reviewer holds no originals
        (env.officer, {"received_by": "王执法"}, RuleViolation, "同一人"),
        (env.head, {"received_by": "吴档案"}, RuleViolation, "原件现由李执法或王执法持有，移交须由其本人登记"),
    ):
        refused(lambda: E.do_hand_over_recording(rec, actor=actor, **{**at, **fields}), error, words)
    first = E.do_hand_over_recording(rec, received_by="李执法", actor=env.officer, **at)  # to an officer on the case
    assert (first.handed_by, first.received_by_user) == ("王执法", env.officer2)
    # each next one by the previous receiver, not dated before the previous one
    later = {**at, "handed_at": "2026-09-05T10:00", "place": "档案室"}
    refused(lambda: E.do_hand_over_recording(rec, received_by="吴档案", actor=env.officer, **later), RuleViolation,
            "原件现由李执法持有")
    refused(lambda: E.do_hand_over_recording(rec, received_by="吴档案", actor=env.officer2,
                                             **{**later, "handed_at": "2026-09-03T17:00"}), RuleViolation, "早于上一次移交")
    E.do_hand_over_recording(rec, handed_by="李执法", received_by="档案室吴档案", receiver=keeper, actor=env.officer2,
                             **later)
    assert [(h.handed_by, h.received_by, h.received_by_user) for h in rec.handovers.all()] == [
        ("王执法", "李执法", env.officer2), ("李执法", "档案室吴档案", keeper)]
    entry = LedgerEntry.objects.filter(action="hand_over_recording").order_by("-index").first()
    payload = json.loads(entry.entry)["payload"]
    assert (payload["from_user"], payload["to_user"]) == (env.officer2.username, keeper.username)


def test_a_photo_or_a_recording_of_sound_names_what_it_shows_when_where_by_whom_and_why(env, case):
    """Issue 8 §2 (s18 tester 13): photos and audio get their description — content, time, place,
    officers, recorder, purpose — every missing one named at once; nothing is written until they are."""
    bare = {k: v for k, v in EVIDENCE.items() if k not in ("content", "occurred_at", "place", "officers", "recorder",
                                                           "purpose")}
    upload = photo(env.officer)
    refused(lambda: E.do_register_evidence(case, upload, actor=env.officer, **bare), RuleViolation,
            "照片（图片）作为证据须写明：内容说明、形成时间、地点、执法人员、记录人（拍摄人、录制人）、证明对象。")
    refused(lambda: E.do_register_evidence(case, upload, actor=env.officer, **{**EVIDENCE, "recorder": " "}),
            RuleViolation, "须写明：记录人（拍摄人、录制人）。")
    sound = audio(env.officer)
    refused(lambda: E.do_register_evidence(case, sound, actor=env.officer, transcript="问：……答：……",
                                           **{**bare, "kind": "statement", "content": "询问录音"}),
            RuleViolation, "录音作为证据须写明：形成时间、地点、执法人员、记录人（拍摄人、录制人）、证明对象。")
    item = E.do_register_evidence(case, upload, actor=env.officer, **{**EVIDENCE, "title": "货架照片"})
    assert (item.recorder, item.purpose) == ("李执法", "证明进货数量和时间") and item.occurred_at is not None


def test_an_archived_file_takes_evidence_only_as_a_supplement_with_its_reason(env, blocker):
    """s18 re-test 11: the documents' rule for every record — on an archived case evidence is added only as
    归档后补充 with its reason (kept in the ledger), and no archived item is corrected."""
    from archive_cast import archive_as_is
    from cases_cast import new_case

    with blocker.unblock():
        case = new_case(env)
    kept = E.do_register_evidence(case, photo(env.officer), actor=env.officer, **EVIDENCE)
    early = photo(env.officer)
    refused(lambda: E.do_register_evidence(case, early, actor=env.officer, supplement_reason="补交",
                                           **EVIDENCE), RuleViolation, "尚未归档")
    archive_as_is(case, env.officer)
    upload = photo(env.officer)
    refused(lambda: E.do_register_evidence(case, upload, actor=env.officer, **EVIDENCE), Conflict, "写明补充原因")
    refused(lambda: E.do_correct_evidence(kept, actor=env.officer, supplement_reason="改正", **EVIDENCE),
            Conflict, "不能再更正")
    refused(lambda: E.do_register_evidence(case, upload, actor=env.officer, supplement_reason="x", **EVIDENCE),
            RuleViolation, "归档后补充原因“x”过于简单")  # a reason says something (s22 tester8 #8)
    item = E.do_register_evidence(case, upload, actor=env.officer, supplement_reason="当事人归档后补交的进货单据",
                                  **EVIDENCE)
    entry = LedgerEntry.objects.get(action="register_evidence", object_id=str(item.pk))
    assert "当事人归档后补交的进货单据" in entry.entry

    # s20 (defects8c #25): the reason comes out of the API and onto the case page beside the item
    from django.test import Client

    client = Client()
    client.force_login(env.officer)
    assert client.get(f"/api/v1/records/evidence/{item.pk}").json()["supplement_reason"] == "当事人归档后补交的进货单据"
    listed = {i["id"]: i["supplement_reason"] for i in client.get(f"/api/v1/records/evidence?case_id={case.pk}").json()}
    assert listed == {kept.pk: "", item.pk: "当事人归档后补交的进货单据"}
    row = client.get(f"/cases/{case.pk}/").content.decode().split(f'id="evidence-{item.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "归档后补充，原因：当事人归档后补交的进货单据" in row


def test_the_partys_confirmation_is_not_back_dated_nor_added_to_an_archived_file(env, case):
    """s23 tester8 #5: a confirmation dated before the evidence was collected, and one added to the evidence
    of an archived case (whose file, as archived and exported, would then differ), were both accepted."""
    from django.utils import timezone

    from sanxiang.archive.models import ArchivedCaseFile

    item = E.do_register_evidence(case, photo(env.officer), actor=env.officer, **EVIDENCE)
    refused(lambda: E.do_confirm_by_party(item, on="2020-01-01", party_name="孙某", party_png=SIGNED,
                                          actor=env.officer), RuleViolation,
            f"早于取证日期（{item.collected_on:%Y-%m-%d}）")
    ArchivedCaseFile.objects.create(
        case=case, agency=case.agency, archive_number="t-2026-0009", archive_year=2026, archive_seq=9,
        outcome="penalty", catalogue_sha256="0" * 64, items=0, pages=0, retention="定期30年", retention_basis="测试",
        archived_at=timezone.now(), archived_by_name="测试")
    with pytest.raises(Conflict) as caught:
        E.do_confirm_by_party(item, on=item.collected_on.isoformat(), actor=env.officer)
    assert caught.value.code == "case_archived"
    item.refresh_from_db()
    assert item.party_confirmed_on is None
