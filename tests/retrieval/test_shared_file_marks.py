"""An evidence copy or a correction never serves a confidential record's file less guarded than its
source (s21 tester8 #1, decision 0076): its mark is at least its source's, and a file is served by the
strictest mark of every record holding it — purpose, play-only, the keeper before 归档, the party's
copy page; the copy's 文字说明 prints nothing the source withholds."""

import datetime as dt
import json

import pytest
from retrieval_cast import asked_all, new_case, step

from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.records import evidence as E
from sanxiang.records import samples
from sanxiang.records.models import EvidenceItem
from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db
GENERAL = get_table("penalty_general")
MEDIA = {"content": "当事人身份证正面", "occurred_at": "2026-09-02T10:00", "place": "执法一队", "officers": "王执法、李执法",
         "recorder": "李执法", "purpose": "证明当事人身份"}
COPY = {"kind": "audiovisual", "title": "询问录像复制件", "source": "复制自音像记录", "collected_on": "2026-09-03",
        "collected_by": "王执法"}


@pytest.fixture(scope="module")
def world(env, django_db_blocker):
    from django.utils import timezone

    with django_db_blocker.unblock():
        keeper = T.member(env.agency, Role.RECORDS_KEEPER)
        case = step(env, GENERAL, new_case(env), "verify", dt.date(2026, 9, 1))
        start = timezone.make_aware(dt.datetime(2026, 9, 2, 9, 0))
        recording = E.do_declare_recording(
            env.agency, case=case, upload=samples.completed_upload(samples.mp4(seed=91), "询问录像.mp4",
                                                                   actor=env.officer),
            title="询问过程录像", officers="王执法、李执法", recorder="李执法", started_at=start,
            ended_at=start + dt.timedelta(minutes=20), place="秘密联络点甲", device="执法记录仪",
            confidentiality="business_secret", actor=env.officer)
        photo = E.do_register_evidence(
            case, samples.completed_upload(samples.png(seed=92), "身份证照片.png", actor=env.officer),
            kind="documentary", title="身份证照片", source="当事人提供", collected_on="2026-09-02",
            collected_by="王执法", confidentiality="personal_privacy", actor=env.officer, **MEDIA)
        return {"case": case, "recording": recording, "photo": photo, "keeper": keeper}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_copy_or_correction_may_not_carry_a_lower_mark_than_its_source(client, env, world):
    case, recording, photo = world["case"], world["recording"], world["photo"]
    client.force_login(env.officer)
    before = EvidenceItem.objects.count()
    lower = post(client, "/api/v1/records/evidence", {**COPY, "case_id": case.pk, "recording_id": recording.pk,
                                                      "confidentiality": "public"})
    assert lower.status_code == 400 and lower.json()["code"] == "confidentiality_below_source", lower.content
    assert "商业秘密" in lower.json()["message"] and "询问过程录像" in lower.json()["message"]
    corrected = post(client, f"/api/v1/records/evidence/{photo.pk}/correct",
                     {"kind": "documentary", "title": "身份证照片", "source": "当事人提供", "collected_on": "2026-09-02",
                      "collected_by": "王执法", "confidentiality": "internal", "correction_reason": "标题有误", **MEDIA})
    assert corrected.status_code == 400 and corrected.json()["code"] == "confidentiality_below_source"
    assert EvidenceItem.objects.count() == before
    # not chosen: the source's mark, and the 文字说明 leaves out the place the recording withholds
    copy = post(client, "/api/v1/records/evidence", {**COPY, "case_id": case.pk, "recording_id": recording.pk})
    assert copy.status_code == 201 and copy.json()["confidentiality"] == "business_secret", copy.content
    item = EvidenceItem.objects.get(pk=copy.json()["id"])
    assert "秘密联络点甲" not in item.copy_note and recording.upload.sha256 in item.copy_note
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "秘密联络点甲" not in page


def test_a_file_is_served_by_the_strictest_mark_of_the_records_holding_it(client, env, world):
    """A copy marked 公开 before this rule (or any lower-marked holder of the same bytes) is guarded as
    its business-secret recording: purpose asked, play-only, the keeper refused before 归档."""
    from sanxiang.retrieval import actions as R

    case, recording = world["case"], world["recording"]
    copy = E.do_register_evidence(case, recording=recording, actor=env.officer, **COPY)
    EvidenceItem.objects.filter(pk=copy.pk).update(confidentiality="public")  # as registered before 0076
    url = f"/api/v1/retrieval/files/evidence/{copy.pk}/file"
    client.force_login(env.officer)
    asked = client.get(url)
    assert asked.status_code == 400 and asked.json()["code"] == "purpose_required", asked.content
    assert "商业秘密" in asked.json()["message"]
    down = client.get(url + "?purpose=核对录像&mode=download")
    assert down.status_code == 403 and down.json()["code"] == "download_not_allowed"
    whole = client.get(url + "?purpose=核对录像")
    assert whole.status_code == 403 and whole.json()["code"] == "player_only"
    client.force_login(world["keeper"])
    keeper = client.get(url + "?purpose=档案整理&mode=download")
    assert keeper.status_code == 403 and keeper.json()["code"] == "case_not_archived"
    listed = {r["id"]: r for r in client.get(f"/api/v1/retrieval/cases/{case.pk}/records").json()
              if r["kind"] == "evidence"}
    assert listed[copy.pk]["purpose_required"] is True
    # play-only: no download address that would always answer 403 (s21 tester8 #13)
    assert [f["download_url"] for f in listed[copy.pk]["files"]] == [None]
    # the party's copy page offers no copy of the play-only file, and says why
    row = R.do_register_party_copy(case, party=env.person_party, records="全部证据", asked=asked_all(env.officer, case), reason="", actor=env.officer)
    if row.needs_approval:
        row = R.do_approve_party_copy(row, approve=True, reason="同意", actor=env.head)
    client.force_login(env.officer)
    html = client.get(f"/retrieval/party-copies/{row.pk}/").content.decode()
    offered, _, left_out = html.partition("不能在线提供复制件的记录")
    assert f"/evidence/{copy.pk}/file" not in offered and "询问录像复制件" in left_out
    assert "只能在线播放" in left_out


@pytest.fixture(scope="module")
def other(world, django_db_blocker):
    """Another agency holding the same recording's bytes (s22 tester8 #1)."""
    from retrieval_cast import make_env

    with django_db_blocker.unblock():
        env2 = make_env()
        case2 = step(env2, GENERAL, new_case(env2), "verify", dt.date(2026, 9, 1))
        return env2, case2


def test_another_agency_s_records_neither_set_nor_reveal_a_mark(client, env, world, other):
    """A mark is the agency's own record's: another agency uploading the same bytes is neither refused
    nor told whose evidence or which mark holds them, and its own records are guarded by its own marks
    (s22 tester8 #1, decision 0081)."""
    env2, case2 = other
    data = world["recording"].upload
    start = "2026-09-02T09:00"
    client.force_login(env2.officer)
    upload = samples.completed_upload(samples.mp4(seed=91), "同一录像.mp4", actor=env2.officer)
    assert upload.sha256 == data.sha256
    recorded = post(client, "/api/v1/records/recordings", {
        "case_id": case2.pk, "upload_id": upload.pk, "title": "公开录像", "officers": "王执法、李执法",
        "recorder": "李执法", "started_at": start, "ended_at": "2026-09-02T09:20", "place": "门店",
        "device": "执法记录仪", "confidentiality": "public"})
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["confidentiality"] == "public"
    copy = E.do_register_evidence(case2, recording=E.AudioVideoRecord.objects.get(pk=recorded.json()["id"]),
                                  confidentiality="public", actor=env2.officer, **COPY)
    assert copy.confidentiality == "public"
    photo = samples.completed_upload(samples.png(seed=92), "同一照片.png", actor=env2.officer)
    item = post(client, "/api/v1/records/evidence", {
        "case_id": case2.pk, "upload_id": photo.pk, "kind": "documentary", "title": "门店照片", "source": "现场拍摄",
        "collected_on": "2026-09-02", "collected_by": "王执法", "confidentiality": "public", **MEDIA})
    assert item.status_code == 201, item.content  # the other agency's 个人隐私 photo is not named
    # its own recording is served as its own mark: no purpose asked, its text shown
    served = client.get(f"/api/v1/retrieval/files/recording/{recorded.json()['id']}/file",
                        HTTP_RANGE="bytes=0-99")
    assert served.status_code == 206, served.content
    shown = client.get(f"/api/v1/records/recordings/{recorded.json()['id']}").json()
    assert shown["place"] == "门店", shown
    page = client.get(f"/cases/{case2.pk}/").content.decode()
    assert "内容已隐去" not in page and "门店" in page and "询问过程录像" not in page
    # and the first agency's records stay guarded by theirs
    client.force_login(env.officer)
    asked = client.get(f"/api/v1/retrieval/files/recording/{world['recording'].pk}/file")
    assert asked.status_code == 400 and asked.json()["code"] == "purpose_required"


def test_a_recording_of_bytes_the_agency_holds_carries_at_least_their_mark(client, env, world):
    """Recordings get the evidence's floor (s22 tester8 #1): the same bytes as the agency's 商业秘密
    recording cannot be stored as a 公开 one; not chosen, the stricter mark is taken."""
    from sanxiang.records.models import AudioVideoRecord

    case = world["case"]
    client.force_login(env.officer)
    body = {"case_id": case.pk, "title": "另存的录像", "officers": "王执法、李执法", "recorder": "李执法",
            "started_at": "2026-09-02T09:00", "ended_at": "2026-09-02T09:20", "place": "执法一队", "device": "执法记录仪"}
    before = AudioVideoRecord.objects.count()
    upload = samples.completed_upload(samples.mp4(seed=91), "再传一次.mp4", actor=env.officer)
    lower = post(client, "/api/v1/records/recordings", {**body, "upload_id": upload.pk, "confidentiality": "public"})
    assert lower.status_code == 400 and lower.json()["code"] == "confidentiality_below_source", lower.content
    assert "询问过程录像" in lower.json()["message"] and "商业秘密" in lower.json()["message"]
    assert AudioVideoRecord.objects.count() == before
    # declared 公开 first, then the file attached: refused the same way
    declared = post(client, "/api/v1/records/recordings", {**body, "confidentiality": "public"})
    assert declared.status_code == 201, declared.content
    attach = E.do_attach_recording_upload
    with pytest.raises(E.RuleViolation) as refused:
        attach(AudioVideoRecord.objects.get(pk=declared.json()["id"]), upload, actor=env.officer)
    assert refused.value.code == "confidentiality_below_source"
    taken = post(client, "/api/v1/records/recordings", {**body, "upload_id": upload.pk})
    assert taken.status_code == 201 and taken.json()["confidentiality"] == "business_secret", taken.content
