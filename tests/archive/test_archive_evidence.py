"""Evidence items and audio-video records in the case file, its checks and the exported package."""


import pytest
from archive_cast import members, run
from cases_cast import reach

from sanxiang.archive import actions as A
from sanxiang.archive.package import verification_keys
from sanxiang.archive.sources import records_of
from sanxiang.archive.verify import verify_package
from sanxiang.ledger import checkpoints
from sanxiang.records import evidence as E
from sanxiang.records import samples
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
GENERAL = get_table("penalty_general")


def test_evidence_and_recordings_are_archived_and_packaged(env, tmp_path):
    case, day = reach(env, GENERAL, "decided")
    photo = samples.completed_upload(samples.png(), "现场照片.png", actor=env.officer)
    item = E.do_register_evidence(case, photo, kind="documentary", title="现场照片", source="现场拍摄",
                                  collected_on="2026-03-02", collected_by="王执法", content="现场照片 1 张",
                                  occurred_at="2026-03-02T09:30", place="某市场", officers="王执法、李执法",
                                  recorder="王执法", purpose="证明现场情况", actor=env.officer)
    video = samples.completed_upload(samples.mp4(), "现场录像.mp4", actor=env.officer)
    rec = E.do_declare_recording(env.agency, title="现场录像", officers="王执法", recorder="王执法",
                                 started_at="2026-03-02T09:00", ended_at="2026-03-02T10:00", place="某市场",
                                 device="执法记录仪", case=case, upload=video, actor=env.officer)
    titles = [r.title for r in records_of(case)]
    assert "现场照片" in titles and "现场录像" in titles, titles
    checkpoints.take()
    result = A.check_case_file(case)
    bad = [f for f in A.failed_items(result) if "现场" in f]
    assert not [f for f in bad if "摘要" in f or "格式" in f], bad
    out = tmp_path / "x.zip"
    code, o, err = run("archive", "export", "--purpose", "核对归档案卷", case.number, "--out", str(out))
    assert code == 0, err
    names = [n for n in members(out) if "/data/records/" in n]
    assert any(n.endswith(".png") for n in names) and any(n.endswith(".mp4") for n in names), names
    keys = tmp_path / "k"
    keys.write_text(verification_keys())
    r = verify_package(out, pinned_keys=keys.read_text())
    assert r.ok, r.findings
    assert {item.title, rec.title} <= {r.title for r in records_of(case)}


def test_a_state_secret_record_fails_the_security_check_by_name(env):
    """安全性 says 「不含国家秘密」: a 国家秘密 evidence item or recording in a case not itself so marked fails
    it, each named (s22 tester8 #2, decision 0081); the other records pass."""
    case, day = reach(env, GENERAL, "decided")

    def marks(result):
        return next(i for c in result["categories"] for i in c["items"] if i["code"] == "marks")

    assert marks(A.check_case_file(case))["ok"], marks(A.check_case_file(case))
    E.do_register_evidence(case, samples.completed_upload(samples.png(seed=71), "密件照片.png", actor=env.officer),
                           kind="documentary", title="密件照片", source="现场拍摄", collected_on="2026-03-02",
                           collected_by="王执法", content="照片 1 张", occurred_at="2026-03-02T09:30", place="某市场",
                           officers="王执法、李执法", recorder="王执法", purpose="证明现场情况",
                           confidentiality="state_secret", actor=env.officer)
    E.do_declare_recording(env.agency, title="密件录像", officers="王执法", recorder="王执法",
                           started_at="2026-03-02T09:00", ended_at="2026-03-02T10:00", place="某市场",
                           device="执法记录仪", case=case, upload=samples.completed_upload(
                               samples.mp4(seed=72), "密件录像.mp4", actor=env.officer),
                           confidentiality="state_secret", actor=env.officer)
    item = marks(A.check_case_file(case))
    assert not item["ok"]
    # named by kind and number, not by title: a 国家秘密 record's title may itself be secret (s23 tester8 #6)
    assert any(f.startswith("证据（第 ") and "国家秘密记录，题名不予显示）标为国家秘密" in f for f in item["failed"]), item
    assert any(f.startswith("音像记录（第 ") and "标为国家秘密" in f for f in item["failed"]), item
    assert not any("密件照片" in f or "密件录像" in f for f in item["failed"]), item
    assert len(item["failed"]) == 2, item


def test_an_mp4_header_with_no_movie_fails_usability_by_name(env):
    """「文件可以打开」: a recording whose MP4 holds only a header (stored before the rule of s22 tester8 #5)
    is named; a complete one passes."""
    from sanxiang.records.models import AudioVideoRecord

    case, day = reach(env, GENERAL, "decided")

    def opens(result):
        return next(i for c in result["categories"] for i in c["items"] if i["code"] == "opens")

    rec = E.do_declare_recording(env.agency, title="现场录像", officers="王执法", recorder="王执法",
                                 started_at="2026-03-02T09:00", ended_at="2026-03-02T10:00", place="某市场",
                                 device="执法记录仪", case=case, upload=samples.completed_upload(
                                     samples.mp4(seed=81), "现场录像.mp4", actor=env.officer), actor=env.officer)
    assert opens(A.check_case_file(case))["ok"], opens(A.check_case_file(case))
    fake = samples.completed_upload(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom" + b"C" * 100, "空录像.mp4",
                                    actor=env.officer)
    AudioVideoRecord.objects.filter(pk=rec.pk).update(upload=fake)
    item = opens(A.check_case_file(case))
    assert not item["ok"] and any("“现场录像”" in f and "无法播放" in f for f in item["failed"]), item
