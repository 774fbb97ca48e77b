"""电子数据 in its native form (行政处罚法 第四十六条): a chat export, a csv, a web page, an e-mail and a zip
of an extraction are stored; they are registered only as 电子数据 (never as a photo, a 书证 or a
recording) and only ever served as a download — `attachment` and `nosniff` even when viewed — while
executables and scripts stay refused (s18 tester 14; decision 0050)."""

import io
import zipfile

import pytest
from records_cast import EVIDENCE, counts

from sanxiang.core.errors import RuleViolation
from sanxiang.records import content, samples
from sanxiang.records import evidence as E

pytestmark = pytest.mark.django_db

EML = ("From: seller@example.com\r\nTo: buyer@example.com\r\nSubject: =?UTF-8?B?6K6i5Y2V?=\r\n"
       "Date: Mon, 2 Mar 2026 10:00:00 +0800\r\n\r\n订单已发货，共 12 箱。\r\n").encode()


def zipped() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("chat/2026-03-02.txt", "买家：还有货吗？\n卖家：有，过期的便宜卖。\n")
    return out.getvalue()


NATIVE = {
    "聊天记录.txt": "2026-03-02 10:01 卖家：这批牛奶打折处理\n".encode() * 20,
    "销售记录.csv": "日期,商品,数量\n2026-03-01,牛奶,12\n".encode("gb18030"),
    "网店页面.html": b"<!doctype html><html><body><script>alert(1)</script>\xe5\x95\x86\xe5\x93\x81</body></html>",
    "邮件.eml": EML,
    "提取包.zip": zipped(),
}
EXTRACTION = {"method": "使用取证软件导出", "medium": "当事人办公电脑", "officers": "王执法、李执法",
              "extracted_at": "2026-09-02T10:30"}



@pytest.mark.parametrize("data", [
    b"\x7fELF\x02\x01\x01" + b"\x00" * 200,     # a Linux program
    b"MZ\x90\x00\x03" + b"\x00" * 200 + b"PE\x00\x00",  # a Windows program
    b"#!/bin/sh\nrm -rf /\n" * 10,               # a script
    bytes(range(256)) * 4,                       # nothing recognisable
], ids=["elf", "exe", "script", "binary"])
def test_programs_and_unknown_bytes_stay_refused(data):
    assert not content.allowed(content.media_type(data))


def test_native_electronic_data_is_stored_registered_only_as_electronic_data_and_served_only_as_a_download(
        env, case, client):
    client.force_login(env.officer)
    for name, data in NATIVE.items():
        upload = samples.completed_upload(data, name, actor=env.officer)
        assert upload.media_type in (content.TEXT, content.ZIP) and upload.length == len(data), name
        before = counts()
        with pytest.raises(RuleViolation, match="只能作为电子数据登记") as caught:
            E.do_register_evidence(case, upload, actor=env.officer, **{**EVIDENCE, "title": name})
        assert caught.value.code == "electronic_data_only" and counts() == before
        item = E.do_register_evidence(case, upload, actor=env.officer, extraction={**EXTRACTION, "digest": upload.sm3},
                                      **{**EVIDENCE, "kind": "electronic", "title": name})
        for mode in ("view", "download"):
            served = client.get(f"/api/v1/retrieval/files/evidence/{item.pk}/file?mode={mode}&purpose=核对")
            assert served.status_code == 200, served.content
            assert served["Content-Disposition"].startswith("attachment;"), (name, mode)
            assert served["X-Content-Type-Options"] == "nosniff"
            assert b"".join(served.streaming_content) == data


def test_electronic_data_is_not_a_recording(env):
    import datetime as dt

    from django.utils import timezone

    start = timezone.make_aware(dt.datetime(2026, 9, 2, 9, 0))
    text = samples.completed_upload(NATIVE["聊天记录.txt"], "录像.mp4", actor=env.officer)
    before = counts()
    with pytest.raises(RuleViolation, match="不是音像记录"):
        E.do_declare_recording(env.agency, upload=text, act="onsite", title="现场录像", content="现场检查",
                               party="张三", officers="王执法、李执法", recorder="王执法", started_at=start,
                               ended_at=start + dt.timedelta(minutes=30), place="仓库", device="执法记录仪",
                               purpose="证明现场检查", party_informed=True,
                               opening_statement="现在开始现场检查。", late_reason="补录", actor=env.officer)
    assert counts() == before


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("member", [
    b"\x7fELF\x02\x01\x01" + b"\x00" * 200, b"MZ\x90\x00\x03" + b"\x00" * 200 + b"PE\x00\x00", b"#!/bin/sh\nrm -rf /\n",
], ids=["elf", "exe", "script"])
def test_a_zip_holding_a_program_is_refused_at_upload(env, member):
    """s18 re-test 5: the rule the 安全性 check of archiving applies (archive/actions.py), at the upload."""
    data = zip_of({"chat/记录.txt": "卖家：有货\n".encode(), "tools/run": member})
    assert content.programs_in_zip(io.BytesIO(data)) == ["tools/run"]
    with pytest.raises(Exception, match="ZIP 压缩包中含可执行程序"):
        samples.completed_upload(data, "提取包.zip", actor=env.officer)
    assert content.programs_in_zip(io.BytesIO(zipped())) == []


def test_native_electronic_data_passes_the_four_checks_as_an_archival_format(env, case):
    """s18 re-test 5: txt, csv, html, eml and zip of 电子数据 are kept in their original format (DA/T 70, with
    the extraction record); the format, usability and security checks find nothing against them."""
    from sanxiang.archive.actions import check_case_file, failed_items

    titles = []
    for name, data in NATIVE.items():
        upload = samples.completed_upload(data, f"四性{name}", actor=env.officer)
        E.do_register_evidence(case, upload, actor=env.officer, extraction={**EXTRACTION, "digest": upload.sm3},
                               **{**EVIDENCE, "kind": "electronic", "title": f"四性{name}"})
        titles.append(f"四性{name}")
    failed = failed_items(check_case_file(case))
    assert not [f for f in failed if "四性" in f], failed


def test_confidential_electronic_data_is_served_natively_to_the_entitled_with_a_ledgered_notice(env, case, client):
    """s18 issue 8 item 7: confidential 电子数据 (no watermark possible) was served to nobody, and
    supervisors could open no 电子数据 at all. Now: the native bytes, as a download, with a purpose, each
    look in the 查阅留痕 and a notice naming it (docs/retrieval.md, serving.guarded_copy)."""
    from sanxiang.access.actors import OPERATOR
    from sanxiang.ledger.models import LedgerEntry
    from sanxiang.orgs import actions as A
    from sanxiang.orgs import testing as T
    from sanxiang.orgs.models import AgencyKind, Role
    from sanxiang.retrieval.models import RecordAccess

    data = NATIVE["聊天记录.txt"]
    upload = samples.completed_upload(data, "机密聊天.txt", actor=env.officer)
    item = E.do_register_evidence(case, upload, actor=env.officer, confidentiality="business_secret",
                                  extraction={**EXTRACTION, "digest": upload.sm3},
                                  **{**EVIDENCE, "kind": "electronic", "title": "机密聊天记录"})
    url = f"/api/v1/retrieval/files/evidence/{item.pk}/file"
    body = T.agency(kind=AgencyKind.SUPERVISORY)
    A.do_update_agency(env.agency, supervised_by=[body.code], actor=OPERATOR)
    supervisor = T.member(body, Role.SUPERVISOR)
    for who in (env.officer, supervisor):
        client.force_login(who)
        before = RecordAccess.objects.count(), LedgerEntry.objects.count()
        assert client.get(url + "?mode=download").json()["code"] == "purpose_required"
        assert (RecordAccess.objects.count(), LedgerEntry.objects.count()) == before
        for mode in ("view", "download"):
            served = client.get(f"{url}?mode={mode}&purpose=案卷评查")
            assert served.status_code == 200, served.content
            assert b"".join(served.streaming_content) == data  # native, never altered
            assert served["Content-Disposition"].startswith("attachment;")
            access = RecordAccess.objects.latest("pk")
            assert access.user_id == who.pk and access.purpose == "案卷评查" and not access.watermarked
            from urllib.parse import unquote

            notice = unquote(served["X-Sanxiang-Notice"])
            assert "电子数据原件" in notice and f"查阅留痕第 {access.pk} 号" in notice and "不得外传" in notice
    client.force_login(env.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "原件（电子数据原件，不加水印，留痕下载）" in page


def test_a_program_in_a_zip_inside_a_zip_is_refused_and_nesting_is_bounded(env):
    """s20 (tester8 #22): a zip inside a zip is looked into (the same rule at upload and in the archive's
    安全性 check); too deep a nesting is named as not checkable, so it is refused too."""
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    nested = zip_of({"说明.txt": "提取包\n".encode(), "inner.zip": zip_of({"bin/true": elf})})
    assert content.programs_in_zip(io.BytesIO(nested)) == ["inner.zip/bin/true"]
    with pytest.raises(Exception, match="ZIP 压缩包中含可执行程序"):
        samples.completed_upload(nested, "提取包（嵌套）.zip", actor=env.officer)
    deep = zip_of({"a.txt": b"x"})
    for level in range(content.NESTED_ZIP_DEPTH):
        deep = zip_of({f"level{level}.zip": deep})
    assert any("嵌套超过" in name for name in content.programs_in_zip(io.BytesIO(deep)))
    harmless = zip_of({"inner.zip": zip_of({"聊天记录.txt": "卖家：有货\n".encode()})})
    assert content.programs_in_zip(io.BytesIO(harmless)) == []


def test_text_is_served_with_its_charset():
    """s20 (tester8 #21): the Content-Type of stored 电子数据 text names its charset (UTF-8 or GB18030)."""
    assert content.served_type("text/plain", "姓名,金额\n张三,100\n".encode()) == "text/plain; charset=utf-8"
    assert content.served_type("text/plain", "姓名,金额\n张三,100\n".encode("gb18030")) == "text/plain; charset=gb18030"
    cut = ("订单" * 5000).encode()[:content.HEAD_BYTES - 1]  # a character cut by the head
    assert content.served_type("text/plain", cut) == "text/plain; charset=utf-8"
    assert content.served_type("image/png", b"\x89PNG") == "image/png"
