"""The acts of the 音像记录事项清单 that cases now record (封存, 强制拆除, 送检样品 as on-site acts; 抽样 and
调查取证 from their 笔录), and the closing check on every kind of case: each table's closing move refuses
while a mandatory act lacks its recording, until a head approves a reasoned exception. Real 2026 dates."""

import datetime as dt
import sys
from pathlib import Path

import pytest
from django.db import transaction
from records_cast import counts

from sanxiang.access.policy import can
from sanxiang.cases import actions as C
from sanxiang.cases.models import OnSiteAct
from sanxiang.core.errors import RuleViolation
from sanxiang.records import catalogue as CAT
from sanxiang.records import evidence as E
from sanxiang.workflow import get_table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))

pytestmark = pytest.mark.django_db
M, R = CAT.MANDATORY, CAT.RECOMMENDED
D0 = dt.date(2026, 9, 1)


class Agency:
    def __init__(self, key):
        self.profile_key = key


@pytest.mark.parametrize("kind,tier", [
    ("penalty", M), ("labour_inspection", M),  # 株洲: 行政处罚现场检查 应全程音像记录
    ("inspection", R), ("licence", R),  # …but a 行政检查's on-site check is only 现场执法 (宜音像记录)
    (None, M),  # the list as shown names every phrase
])
def test_a_phrase_naming_a_kind_of_case_binds_only_that_kind(kind, tier):
    assert CAT.catalogue(Agency("zhuzhou-amr"), dt.date(2026, 3, 2), kind).tier("onsite") == tier


@pytest.fixture(scope="module")
def kenv(django_db_setup, django_db_blocker):
    """乌鲁木齐高新区人社: 封存 应全程音像记录, 现场执法 宜音像记录."""
    from kinds_cast import make_kinds_env

    with django_db_blocker.unblock(), transaction.atomic():
        yield make_kinds_env("urumqi-gxq-hrss")
        transaction.set_rollback(True)


def numbers(case):
    return [h.certificate.number for h in case.handlers.select_related("certificate")]


def on_site(env, case, on, act="onsite"):
    return C.do_record_onsite_act(case, act=act, place="用人单位办公场所", certificate_numbers=numbers(case),
                                  told_reason_basis_rights=True, video_recorded=False, date=on, actor=env.officer)


def inspection(env):
    from sanxiang.cases.kinds import inspection as I

    case = I.do_create_inspection(env.agency, unit=env.unit, source="random", cause="双随机抽查：劳动用工",
                                  party=env.party, handlers=[env.p1, env.p2], planned_on=D0, actor=env.officer)
    I.do_start_inspection(case, on=D0, actor=env.officer)
    act = on_site(env, case, D0)
    E.do_explain_missing_recording(case, f"onsite:{act.pk}", reason="现场禁止录像，已制作现场笔录", actor=env.officer)
    I.do_record_inspection_result(case, result="normal", items="劳动合同\n工资支付台账", conclusion="未发现问题。",
                                  on=D0, actor=env.officer)
    return case


def reach(env, table_name, state):
    """A case of the table's kind walked, one real day per move, to `state` (the moves' shortest path)."""
    from kinds_cast import KIND_OF, new_kind_case, prepare, step

    table = get_table(table_name)
    case = new_kind_case(env, KIND_OF[table_name], on=D0)
    day = D0
    for action in table.paths()[state]:
        day += dt.timedelta(days=1)
        prepare(env, table, case, action, day)
        case.refresh_from_db()
        step(env, table, case, action, day)
        case.refresh_from_db()
    return case


# (table, the state before closing, the closing move, its inputs)
CLOSINGS = [
    ("inspection_general", "inspected", "finish_inspection", {}),
    ("licence_general", "served", "close", {}),
    ("confirmation_general", "served", "close", {}),
    ("adjudication_general", "served", "close", {}),
    ("labour_inspection_general", "rectifying", "confirm_rectified", {}),
]


@pytest.mark.parametrize("table_name,state,action,extra", CLOSINGS, ids=[c[0] for c in CLOSINGS])
def test_every_kind_of_case_closes_only_with_its_mandatory_acts_recorded_or_excepted(kenv, table_name, state,
                                                                                      action, extra):
    env = kenv
    case = inspection(env) if table_name == "inspection_general" else reach(env, table_name, state)
    assert case.status == state
    sealed = on_site(env, case, D0 + dt.timedelta(days=1), act="sealing_up")  # 封存 of the wage records
    missing = CAT.missing_recordings(case)
    assert [(m.occurrence.act, m.tier, m.blocks_closing) for m in missing
            if m.occurrence.ref == f"onsite:{sealed.pk}"] == [("sealing_up", M, True)]
    assert "封存" in missing[-1].occurrence.description
    closing_day = dt.date(2026, 9, 20)
    actor = env.officer if action == "finish_inspection" else env.head
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        C.move_case(case, action, actor=actor, on=closing_day, **extra)
    assert "应全程音像记录" in refused.value.message and "封存" in refused.value.message
    case.refresh_from_db()
    assert case.status == state and counts() == before
    E.do_approve_recording_exception(case, f"onsite:{sealed.pk}", reason="封存时执法记录仪电量耗尽，由见证人在场签字",
                                     actor=env.head)
    case = C.move_case(case, action, actor=actor, on=closing_day, **extra)
    assert case.status == "closed"


def test_a_licence_ends_with_its_decision_and_certificate_only_with_its_mandatory_acts_recorded(kenv):
    """Defect s17 #8: a licence's procedure ends with 准予许可 and 颁发许可证件 (no 结案 follows), so the
    closing check runs on those moves; a licence issued (已发证) is ended for archiving."""
    from kinds_cast import step

    from sanxiang.archive.actions import ended_states

    env = kenv
    table = get_table("licence_general")
    case = reach(env, "licence_general", "reviewing")
    sealed = on_site(env, case, D0 + dt.timedelta(days=5), act="sealing_up")
    before = counts()
    with pytest.raises(RuleViolation, match="应全程音像记录"):
        step(env, table, case, "grant", dt.date(2026, 9, 20))
    case.refresh_from_db()
    assert case.status == "reviewing" and counts() == before
    assert "granted" in {t.target for t in table.transitions if t.action == "grant"}
    E.do_approve_recording_exception(case, f"onsite:{sealed.pk}", reason="封存时执法记录仪故障，由见证人在场签字",
                                     actor=env.head)
    case = step(env, table, case, "grant", dt.date(2026, 9, 20))
    assert case.status == "granted" and case.status not in ended_states(case)
    case = step(env, table, case, "issue_certificate", dt.date(2026, 9, 21))
    assert case.status == "licensed" and "licensed" in ended_states(case)


def test_a_recommended_act_asks_the_handler_for_a_reason_before_closing(kenv):
    """s17 #15: a recommended act left unrecorded asks, at closing, for the handler's reason."""
    env = kenv
    case = reach(env, "licence_general", "served")
    act = on_site(env, case, D0 + dt.timedelta(days=2))  # 现场执法: 宜音像记录
    (missing,) = CAT.missing_recordings(case)
    assert missing.tier == R and missing.needs_reason and not missing.blocks_closing
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        C.move_case(case, "close", actor=env.head, on=dt.date(2026, 9, 21))
    assert "宜音像记录" in refused.value.message and "说明未音像记录的理由" in refused.value.message
    assert counts() == before
    E.do_explain_missing_recording(case, f"onsite:{act.pk}", reason="用人单位办公场所禁止录像，已制作现场笔录",
                                   actor=env.officer)
    assert C.move_case(case, "close", actor=env.head, on=dt.date(2026, 9, 21)).status == "closed"


def test_the_act_form_offers_only_the_agency_s_listed_acts(client, kenv):
    """s17 #16: 人社 has no 强制拆除 or 送检样品; the tick is a declaration, the page says if a recording is there."""
    env = kenv
    case = reach(env, "licence_general", "reviewing")
    assert [k for k, _ in C.onsite_act_choices(case)] == ["onsite", "sealing_up"]
    before = (OnSiteAct.objects.count(), counts())
    for act in ("demolition", "lab_intake"):
        with pytest.raises(RuleViolation) as refused:
            on_site(env, case, D0 + dt.timedelta(days=2), act=act)
        assert refused.value.field == "act"
    assert "行政强制法第四十四条" in str(refused.value.message) or "清单" in str(refused.value.message)
    assert (OnSiteAct.objects.count(), counts()) == before
    client.force_login(env.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    form = onsite_form(page, case)
    assert 'value="demolition"' not in form and 'value="lab_intake"' not in form and 'value="sealing_up"' in form
    assert "执法人员声明：已全程音像记录" in form
    C.do_record_onsite_act(case, act="sealing_up", place="财务室", certificate_numbers=numbers(case),
                           told_reason_basis_rights=True, video_recorded=True, date=D0 + dt.timedelta(days=2),
                           actor=env.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "执法人员声明已全程音像记录" in page and "尚未关联已存储的音像记录" in page
    (listed,) = [a for a in client.get(f"/api/v1/cases/{case.pk}/on-site-acts").json() if a["act"] == "sealing_up"]
    assert listed["video_recorded"] and not listed["recording_attached"]


def onsite_form(page, case):
    start = page.index(f'action="/cases/{case.pk}/on-site-acts/"')
    return page[start:page.index("</form>", start)]


def test_an_act_dated_before_the_assignment_says_so(kenv):
    """s17 #20: not 「只有本案的承办人…」 for the handler himself."""
    from sanxiang.core.errors import NotPermitted

    env = kenv
    case = reach(env, "licence_general", "reviewing")
    with pytest.raises(NotPermitted) as refused:
        on_site(env, case, dt.date(2020, 1, 1))
    assert "早于您被指定为本案承办人的日期" in refused.value.message


def test_an_unknown_kind_of_on_site_act_is_refused_with_nothing_written(kenv):
    env = kenv
    case = reach(env, "licence_general", "reviewing")
    before = (OnSiteAct.objects.count(), counts())
    with pytest.raises(RuleViolation) as refused:
        on_site(env, case, D0 + dt.timedelta(days=2), act="bulldozing")
    assert "现场执法活动的种类" in refused.value.message
    assert (OnSiteAct.objects.count(), counts()) == before


@pytest.fixture(scope="module")
def zhuzhou(django_db_setup, django_db_blocker):
    from cases_cast import make_env

    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env(profile_key="zhuzhou-amr")
        transaction.set_rollback(True)


def test_sampling_and_inquiry_records_are_the_acts_the_list_names(zhuzhou):
    from coercion_cast import investigating

    from sanxiang.documents import actions as D

    env = zhuzhou
    case = investigating(env)
    D.do_generate_document(case, "sampling_record", inputs={"sample": "纯牛奶 250ml", "quantity": "6 盒（基数 200 盒）",
                                                             "method": "随机抽取，现场封样"}, actor=env.officer)
    D.do_generate_document(case, "inquiry_record", inputs={
        "interviewee": "张某（当事人员工）", "place": "本局询问室", "started_at": "2026-09-03 09:30",
        "ended_at": "2026-09-03 10:45", "content": "问：……答：……"}, actor=env.officer)
    # Drafts record no act: an unissued 抽样记录 does not block closing (s19, issue 8 item 18)…
    from sanxiang.documents.models import Document

    assert CAT.document_occurrences(case) == [] and not CAT.closing_problem(case)
    # …the issued ones do.
    Document.objects.filter(case=case).update(status="issued")
    found = {m.occurrence.act: m for m in CAT.missing_recordings(case)}
    assert found["sampling"].tier == M and found["sampling"].blocks_closing  # 株洲: 抽样检验 应全程音像记录
    assert found["investigation"].tier == R and found["investigation"].occurrence.on == dt.date(2026, 9, 3)
    assert "询问笔录" in found["investigation"].occurrence.description
    assert CAT.closing_problem(case) and "抽样" in CAT.closing_problem(case)
    # Two corrections of one 笔录 (as rows: how they came about is the documents' business) name its act once (s18 U4).
    first = Document.objects.get(case=case, kind="inquiry_record")
    for seq in (2, 3):
        Document.objects.create(**{f.attname: getattr(first, f.attname) for f in Document._meta.concrete_fields
                                   if f.attname != "id"} | {"number_seq": seq, "number": f"{first.number}-{seq}",
                                                            "replaces_id": first.pk})
    acts = [o for o in CAT.document_occurrences(case) if o.act == "investigation"]
    assert [o.ref for o in acts] == [f"document:{first.pk}"]


def test_the_records_keeper_hands_originals_over_but_changes_nothing_else(kenv):
    from records_cast import video

    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    env = kenv
    rec = E.do_declare_recording(env.agency, title="封存现场录像", officers="王审批、李审批", recorder="李审批",
                                 started_at="2026-09-02T09:00", ended_at="2026-09-02T10:00", place="用人单位办公场所",
                                 device="执法记录仪", act="sealing_up", upload=video(env.officer),
                                 late_reason="存储卡送修后导出", purpose="证明封存过程", party="某某食品有限公司",
                                 opening_statement="现在是2026年9月2日9时，王审批、李审批在用人单位办公场所实施封存",
                                 actor=env.officer)
    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    assert can(keeper, "view", rec) and can(keeper, "hand_over", rec) and not can(keeper, "change", rec)
    assert can(env.officer, "hand_over", rec) and not can(env.outsider, "hand_over", rec)
    T.person(env.agency, user_obj=keeper, name="吴某")
    handover = E.do_hand_over_recording(rec, received_by="档案室吴某", receiver=keeper, handed_at="2026-09-03T15:00",
                                        medium="SD 卡 1 张", place="档案室", actor=env.officer)  # the holder records it
    assert handover.recording == rec and handover.received_by_user == keeper


def test_the_case_page_and_the_api_record_the_kind_of_on_site_act(client, kenv):
    env = kenv
    case = reach(env, "licence_general", "reviewing")
    client.force_login(env.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "现场执法活动" in page and "强制拆除" not in onsite_form(page, case)  # not on 人社's list (s17 #16)
    answer = client.post(f"/cases/{case.pk}/on-site-acts/", {
        "act": "sealing_up", "place": "用人单位财务室", "certificate_numbers": numbers(case),
        "told_reason_basis_rights": "on", "date": "2026-09-04"})
    assert answer.status_code == 302
    act = OnSiteAct.objects.filter(case=case).latest("id")
    assert (act.act, act.date) == ("sealing_up", dt.date(2026, 9, 4))
    assert "2026-09-04 封存 用人单位财务室" in client.get(f"/cases/{case.pk}/").content.decode()
    api = client.post(f"/api/v1/cases/{case.pk}/on-site-acts", {
        "act": "demolition", "place": "违章搭建处", "certificate_numbers": numbers(case),
        "told_reason_basis_rights": True, "date": "2026-09-05"}, content_type="application/json")
    assert api.status_code == 400 and api.json()["field"] == "act"
    before = (OnSiteAct.objects.count(), counts())
    bad = client.post(f"/api/v1/cases/{case.pk}/on-site-acts", {
        "act": "bulldozing", "place": "违章搭建处", "certificate_numbers": numbers(case),
        "told_reason_basis_rights": True, "date": "2026-09-05"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "act" and "现场执法活动的种类" in bad.json()["message"]
    assert (OnSiteAct.objects.count(), counts()) == before
    assert [m.occurrence.act for m in CAT.missing_recordings(case)] == ["sealing_up"]


def test_only_a_sound_or_video_recording_covers_a_mandatory_act(kenv):
    """s21 tester8 #5: a PDF or a photo was accepted as the 音像记录 of a 封存 and cleared the closing check."""
    import json

    from django.test import Client
    from django.utils import timezone
    from records_cast import photo, video

    from sanxiang.records import samples
    from sanxiang.records.models import AudioVideoRecord

    env = kenv
    case = inspection(env)
    day = D0 + dt.timedelta(days=1)
    sealed = on_site(env, case, day, act="sealing_up")
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    body = {"case_id": case.pk, "act": "sealing_up", "title": "封存现场录像", "officers": "王执法、李执法",
            "recorder": "李执法", "started_at": f"{day} 09:00", "ended_at": f"{day} 10:00", "place": "用人单位办公场所",
            "device": "执法记录仪", "content": "封存工资台账", "party": "某用人单位", "purpose": "证明封存过程",
            "opening_statement": "现在开始封存，执法人员王执法、李执法", "party_informed": True}
    extra = {k: body[k] for k in ("content", "party", "purpose", "opening_statement", "party_informed")}
    client = Client()
    client.force_login(env.officer)
    pdf = samples.completed_upload(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "封存录像.pdf",
                                   actor=env.officer)
    picture = photo(env.officer, "封存照片.png")
    before = counts()
    for upload in (pdf, picture):
        refused = client.post("/api/v1/records/recordings", json.dumps({**body, "upload_id": upload.pk}),
                              content_type="application/json")
        assert refused.status_code == 400 and refused.json()["code"] == "not_audio_video", refused.json()
        assert "不是录音或录像" in refused.json()["message"]
    # nor an MP4 header with nothing after it, nor a recording that lasts no time (s22 tester8 #5)
    fake = samples.completed_upload(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom" + b"C" * 100, "封存录像.mp4",
                                    actor=env.officer)
    hollow = samples.completed_upload(samples.mp4(seed=5)[:2100], "封存录像2.mp4", actor=env.officer)
    # nor an empty `moof`, a `moov` with no `mdat`, a WAV with no samples, an ID3 tag with no frames, a WebM
    # header with no Segment (s23 tester8 #1: each covered the 查封 and passed DA/T 70 usability)
    import struct

    def box(kind, body=b""):
        return struct.pack(">I", len(body) + 8) + kind + body

    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    mvhd = box(b"mvhd", b"\0\0\0\0" + struct.pack(">IIII", 0, 0, 1000, 3_600_000) + bytes(80))
    wav = (b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
           + b"data" + struct.pack("<I", 0))
    hollows = [samples.completed_upload(data, name, actor=env.officer) for data, name in (
        (ftyp + box(b"moof"), "moof.mp4"), (ftyp + box(b"moov", mvhd), "notrak.mp4"), (wav, "fake.wav"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"C" * 100, "fake.mp3"),
        (bytes.fromhex("1A45DFA3") + b"\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"C" * 100, "fake.webm"))]
    whole = video(env.officer)
    before = counts()  # the uploads are made; a refusal writes nothing more
    for upload in (fake, hollow, *hollows):
        refused = client.post("/api/v1/records/recordings", json.dumps({**body, "upload_id": upload.pk}),
                              content_type="application/json")
        assert refused.status_code == 400 and refused.json()["code"] == "media_unplayable", refused.json()
        assert "不是可播放的录音或录像" in refused.json()["message"]
    instant = client.post("/api/v1/records/recordings", json.dumps({
        **body, "ended_at": body["started_at"], "upload_id": whole.pk}), content_type="application/json")
    assert instant.status_code == 400 and instant.json()["field"] == "ended_at", instant.json()
    assert "应有时长" in instant.json()["message"]
    assert counts() == before
    def blocking():
        return [m.occurrence.ref for m in CAT.missing_recordings(case) if m.blocks_closing]

    assert blocking() == [f"onsite:{sealed.pk}"]
    # one stored before this rule (its type as found at upload) still covers nothing
    rec = E.do_declare_recording(env.agency, case=case, act="sealing_up", upload=video(env.officer),
                                 title="封存现场录像", officers="王执法、李执法", recorder="李执法", started_at=start,
                                 ended_at=start + dt.timedelta(hours=1), place="用人单位办公场所", device="执法记录仪",
                                 late_reason="执法记录仪送修，取回后上传", actor=env.officer, **extra)
    assert blocking() == []
    type(rec.upload).objects.filter(pk=rec.upload_id).update(media_type="application/pdf")
    assert blocking() == [f"onsite:{sealed.pk}"]
    assert AudioVideoRecord.objects.filter(case=case).count() == 1
