"""/api/v1/records/ and the case page's 证据与音像记录 section, 我的音像记录: the same actions, errors in
the one JSON shape, another agency gets 404."""

import pytest
from records_cast import EVIDENCE, client_of, counts, photo, video

from sanxiang.records import evidence as E
from sanxiang.records.models import AudioVideoRecord, EvidenceItem

pytestmark = pytest.mark.django_db
API = "/api/v1/records/"
RECORDING = {"title": "现场检查录像", "officers": "王执法、李执法", "recorder": "李执法", "started_at": "2026-09-02T09:00",
             "ended_at": "2026-09-02T09:30", "place": "当事人经营场所", "device": "执法记录仪 DSJ-01", "act": "onsite"}




def test_the_api_registers_lists_and_corrects_evidence(env, case):
    upload = photo(env.officer, "现场照片（API）.png")
    officer = client_of(env.officer)
    assert [f["filename"] for f in officer.get(f"{API}uploads?case_id={case.pk}").json()] == ["现场照片（API）.png"]
    created = officer.post(f"{API}evidence", {**EVIDENCE, "case_id": case.pk, "upload_id": upload.pk},
                           content_type="application/json")
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["kind_label"] == "书证" and item["file"]["sha256"] == upload.sha256
    fixed = officer.post(f"{API}evidence/{item['id']}/correct", {**EVIDENCE, "title": "进货单据（更正）", "correction_reason": "名称写错"},
                         content_type="application/json")
    assert fixed.status_code == 201 and fixed.json()["replaces_id"] == item["id"]
    listed = officer.get(f"{API}evidence?case_id={case.pk}").json()
    assert [(i["title"], i["corrected_by_id"]) for i in listed] == [("进货单据", fixed.json()["id"]),
                                                                    ("进货单据（更正）", None)]


def test_another_agency_gets_404_and_writes_nothing(env, case):
    upload = photo(env.officer)
    item = E.do_register_evidence(case, upload, actor=env.officer, **{**EVIDENCE, "title": "营业执照复印件"})
    outsider = client_of(env.outsider)
    before = counts()
    for response in (outsider.get(f"{API}evidence/{item.pk}"), outsider.get(f"{API}evidence?case_id={case.pk}"),
                     outsider.post(f"{API}evidence/{item.pk}/correct", EVIDENCE, content_type="application/json"),
                     outsider.get(f"{API}cases/{case.pk}/missing")):
        assert response.status_code == 404
        assert set(response.json()) >= {"code", "message"} and response.json()["code"].endswith("not_found")
    bad = client_of(env.officer).post(f"{API}evidence", {**EVIDENCE, "case_id": case.pk, "upload_id": upload.pk,
                                                         "kind": "rumour"}, content_type="application/json")
    assert bad.status_code == 400 and "八种" in bad.json()["message"]
    assert counts() == before


def test_an_unattached_recording_is_mine_until_linked(env, case):
    officer = client_of(env.officer)
    declared = officer.post(f"{API}recordings", {**RECORDING, "upload_id": video(env.officer).pk},
                            content_type="application/json")
    assert declared.status_code == 201, declared.content
    rec = declared.json()
    assert rec["case_id"] is None and rec["file"]["media_type"] == "video/mp4"
    assert [r["id"] for r in officer.get(f"{API}recordings").json()] == [rec["id"]]
    page = officer.get("/records/recordings/").content.decode()
    assert "现场检查录像" in page and "待关联案件的音像记录" in page
    assert client_of(env.officer2).get(f"{API}recordings/{rec['id']}").status_code == 404  # the declarer's own
    assert client_of(env.outsider).post(f"{API}recordings/{rec['id']}/link", {"case_id": case.pk},
                                        content_type="application/json").status_code == 404
    linked = officer.post(f"{API}recordings/{rec['id']}/link", {"case_id": case.pk}, content_type="application/json")
    assert linked.status_code == 200 and linked.json()["case_id"] == case.pk
    handing = {"received_by": "李执法", "handed_at": "2026-09-03T10:00", "medium": "执法记录仪存储卡", "place": "执法一队"}
    for change, code in (({"handed_by": "孙伟"}, "handover_not_caller"),  # s22 tester8 #11: the caller hands over
                         ({"received_by": "王档案"}, "handover_receiver_unknown")):  # to a user of the agency
        refused = officer.post(f"{API}recordings/{rec['id']}/handovers", {**handing, **change},
                               content_type="application/json")
        assert refused.status_code == 400 and refused.json()["code"] == code, refused.content
    handed = officer.post(f"{API}recordings/{rec['id']}/handovers", handing, content_type="application/json")
    assert handed.status_code == 201, handed.content
    assert {k: handed.json()["handovers"][0][k] for k in ("handed_by", "received_by", "received_by_user")} == {
        "handed_by": "王执法", "received_by": "李执法", "received_by_user": env.officer2.username}
    assert officer.get(f"{API}recordings").json() == []


def test_the_case_page_shows_the_section_and_registers_through_it(env, case):
    officer = client_of(env.officer)
    upload = photo(env.officer, "询问现场.png")
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="case-evidence"' in page and "证据与音像记录" in page and "询问现场.png" in page
    form = {f"evidence-{k}": v for k, v in {**EVIDENCE, "title": "询问现场照片", "upload": upload.pk,
                                            "confidentiality": "internal"}.items()}
    response = officer.post(f"/records/cases/{case.pk}/evidence/", form, follow=True).content.decode()
    assert "已登记书证“询问现场照片”" in response
    # defect #14a: the file's type in Chinese, never its MIME type
    section = response[response.index('id="case-evidence"'):]
    assert "图片" in section and "image/png" not in section
    refused = officer.post(f"/records/cases/{case.pk}/evidence/", form, follow=True).content.decode()
    assert "未能登记证据" in refused
    assert EvidenceItem.objects.filter(title="询问现场照片").count() == 1
    declared = officer.post(f"/records/cases/{case.pk}/recordings/",
                            {f"recording-{k}": v for k, v in {**RECORDING, "title": "页面登记的录像",
                                                              "confidentiality": "internal"}.items()},
                            follow=True).content.decode()
    assert "已登记音像记录“页面登记的录像”" in declared
    assert AudioVideoRecord.objects.get(title="页面登记的录像").case == case
    assert client_of(env.outsider).get(f"/cases/{case.pk}/").status_code == 404


def test_an_evidence_correction_states_its_reason_on_the_api_and_the_page(env, case):
    """s20 (tester8 #9): an evidence correction needs its 更正原因, as a document's does (the same rule):
    refused without one (API 400 `correction_reason_missing`, page), writing nothing; kept on the new item,
    in the ledger, the API and the case page."""
    import json

    from sanxiang.ledger.models import LedgerEntry

    upload = photo(env.officer, "现场照片（更正原因）.png")
    item = E.do_register_evidence(case, upload, actor=env.officer, **EVIDENCE)
    officer = client_of(env.officer)
    before = counts()
    for reason in ("", "  ", "\u3000"):
        refused = officer.post(f"{API}evidence/{item.pk}/correct", {**EVIDENCE, "correction_reason": reason},
                               content_type="application/json")
        assert refused.status_code == 400 and refused.json()["code"] == "correction_reason_missing", refused.content
    for reason in ("x", ".", "改"):  # a reason says something: the purposes' rule (s22 tester8 #8)
        refused = officer.post(f"{API}evidence/{item.pk}/correct", {**EVIDENCE, "correction_reason": reason},
                               content_type="application/json")
        assert refused.status_code == 400 and refused.json()["code"] == "reason_too_short", refused.content
        assert refused.json()["field"] == "correction_reason" and "过于简单" in refused.json()["message"]
    page = officer.post(f"/records/evidence/{item.pk}/correct/", {f"correct-{item.pk}-{k}": v for k, v in
                                                                  {**EVIDENCE, "upload": ""}.items()})
    assert page.status_code == 302 and counts() == before
    fixed = officer.post(f"{API}evidence/{item.pk}/correct", {**EVIDENCE, "correction_reason": "收集日期写错"},
                         content_type="application/json")
    assert fixed.status_code == 201 and fixed.json()["correction_reason"] == "收集日期写错"
    entry = LedgerEntry.objects.get(action="correct_evidence", object_id=str(fixed.json()["id"]))
    assert json.loads(entry.entry)["payload"]["correction_reason"] == "收集日期写错"
    assert "更正原因：收集日期写错" in officer.get(f"/cases/{case.pk}/").content.decode()


def test_the_page_hands_an_original_over_as_the_caller_to_a_user_of_the_agency(env):
    """s22 tester8 #11 on the page (我的音像记录: one not yet linked): the form has no 移交人 (the one who
    records it hands it over); a receiver who is nobody in the system is refused with the reason, and so
    is an officer who may not hold it (not linked: only its declarer works on it); the archive receives it."""
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import Role

    keeper = T.member(env.agency, Role.RECORDS_KEEPER)
    T.person(env.agency, user_obj=keeper, name="吴档案")
    rec = E.do_declare_recording(env.agency, actor=env.officer, **RECORDING)
    officer = client_of(env.officer)
    page = officer.get("/records/recordings/").content.decode()
    assert f'name="handover-{rec.pk}-received_by"' in page and f'name="handover-{rec.pk}-handed_by"' not in page
    form = {f"handover-{rec.pk}-{k}": v for k, v in {"handed_at": "2026-09-03T10:00", "medium": "执法记录仪存储卡",
                                                     "place": "档案室"}.items()}
    before = counts()
    for receiver, words in (("王档案", "接收人“王档案”不是本机关的用户"), ("李执法", "李执法无权接收")):
        answer = officer.post(f"/records/recordings/{rec.pk}/handover/",
                              {**form, f"handover-{rec.pk}-received_by": receiver}, follow=True).content.decode()
        assert words in answer and counts() == before and not rec.handovers.exists()
    officer.post(f"/records/recordings/{rec.pk}/handover/", {**form, f"handover-{rec.pk}-received_by": "吴档案"})
    assert [(h.handed_by, h.received_by_user) for h in rec.handovers.all()] == [("王执法", keeper)]
