"""服务指南's 示范文本 and 常见错误示例 as files (issue 10 §1; s23 tester10 #13): the agency's editors attach a
PDF, Word document or image to a 申请材料, checked by its bytes and size; each attach or removal is a new
version of the guide with its reason, ledgered; the portal offers the file as a download (name, type,
size) to anyone, without a session, and only a file a published version names."""

import io
import zipfile

import pytest
from django.test import Client, override_settings
from PIL import Image

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.disclosure.actions import (
    do_attach_guide_file,
    do_detach_guide_file,
    do_publish_disclosure,
    do_store_guide_file,
)
from sanxiang.disclosure.demo import sample_docx
from sanxiang.disclosure.models import DisclosureVersion, GuideFile, Section
from sanxiang.disclosure.testing import GUIDE, publish_all
from sanxiang.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

DOCX = sample_docx("申请书", [("申请人名称", "某某公司（示例）")])


def pdf(page_action=False) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    w = PdfWriter()
    page = w.add_blank_page(100, 100)
    if page_action:  # an action run when the page opens: nothing in the raw bytes' vocabulary shows it
        page[NameObject("/AA")] = DictionaryObject()
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


PDF = pdf()


def image(fmt) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, fmt)
    return out.getvalue()


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def state():
    return (DisclosureVersion.objects.count(), GuideFile.objects.count(), LedgerEntry.objects.count())


def upload(c, agency, data, name, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = {"material": "1", "role": "sample_file", "cause": "routine", "reason": "上传申请书填写示范",
            "file": SimpleUploadedFile(name, data), **extra}
    return c.post(f"/disclosure/{agency.code}/guides/XK-001/files/", form)


def test_the_editor_attaches_a_sample_and_anyone_downloads_it_from_the_portal(cast):
    publish_all(cast.a, actor=OPERATOR)
    c = client_for(cast.editor)
    before = state()
    r = upload(c, cast.a, DOCX, "申请书填写示范.docx")
    assert r.status_code == 302, r.content.decode()[:2000]
    row = DisclosureVersion.objects.filter(agency=cast.a, section=Section.GUIDES).order_by("-version").first()
    assert row.version == 2 and row.reason == "上传申请书填写示范"
    f = row.content["items"][0]["materials"][0]["sample_file"]
    assert f["name"] == "申请书填写示范.docx" and f["size"] == len(DOCX) and f["media_type"].endswith("document")
    assert state()[:2] == (before[0] + 1, before[1] + 1)
    stored = LedgerEntry.objects.filter(action="store_guide_file").order_by("-index").first()
    assert '"files":[{' in stored.entry and f["sha256"] in stored.entry
    assert LedgerEntry.objects.filter(action="publish_disclosure", entry__contains=f["sha256"]).exists()

    anon = Client()
    page = anon.get(f"/gk/{cast.a.code}/zhinan/XK-001/").content.decode()
    link = f"/gk/{cast.a.code}/wenjian/{f['sha256']}/"
    assert link in page and "下载 申请书填写示范.docx" in page and "Word 文档" in page and "KB" in page
    assert link in anon.get(f"/gk/{cast.a.code}/zhinan/").content.decode()
    got = anon.get(link)
    assert got.status_code == 200 and b"".join(got.streaming_content) == DOCX
    assert got["Content-Type"] == f["media_type"] and got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Disposition"].startswith("attachment;") and "filename*=UTF-8''" in got["Content-Disposition"]
    assert "public" in got["Cache-Control"] and "Set-Cookie" not in got and not got.cookies
    # another agency's portal does not serve it
    assert anon.get(f"/gk/{cast.b.code}/wenjian/{f['sha256']}/").status_code == 404


def test_editing_the_words_keeps_the_files_and_removing_one_is_a_new_version(cast):
    publish_all(cast.a, actor=OPERATOR)
    c = client_for(cast.reviewer)
    assert upload(c, cast.a, PDF, "示范.pdf").status_code == 302
    assert upload(c, cast.a, image("PNG"), "错误.png", role="errors_file", reason="上传常见错误示例").status_code == 302
    form = {k: v for k, v in GUIDE.items() if k != "materials"}
    form.update(materials="申请书｜填写示范见附件｜未签字（改）", cause="routine", reason="改写常见错误")
    r = c.post(f"/disclosure/{cast.a.code}/guides/XK-001/edit/", form)
    assert r.status_code == 302
    m = DisclosureVersion.objects.filter(agency=cast.a, section=Section.GUIDES).order_by("-version")[0].content[
        "items"][0]["materials"][0]
    assert m["common_errors"] == "未签字（改）" and m["sample_file"]["media_type"] == "application/pdf"
    assert m["errors_file"]["media_type"] == "image/png"
    page = c.get(f"/disclosure/{cast.a.code}/guides/XK-001/edit/").content.decode()
    assert "示范.pdf" in page and "错误.png" in page and "PNG 图片" in page
    r = c.post(f"/disclosure/{cast.a.code}/guides/XK-001/files/remove/", {"material": "1", "role": "errors_file",
                                                                         "cause": "routine", "reason": ""})
    assert "errors_file" in DisclosureVersion.objects.filter(agency=cast.a, section=Section.GUIDES).order_by(
        "-version")[0].content["items"][0]["materials"][0]  # no reason: nothing removed
    r = c.post(f"/disclosure/{cast.a.code}/guides/XK-001/files/remove/", {"material": "1", "role": "errors_file",
                                                                         "cause": "routine", "reason": "示例有误"})
    assert r.status_code == 302
    last = DisclosureVersion.objects.filter(agency=cast.a, section=Section.GUIDES).order_by("-version")[0]
    assert last.reason == "示例有误" and "errors_file" not in last.content["items"][0]["materials"][0]
    # the earlier version, shown in the portal's history, still offers it
    anon = Client()
    old = anon.get(f"/gk/{cast.a.code}/zhinan/lishi/{last.version - 1}/").content.decode()
    assert m["errors_file"]["sha256"] in old
    assert anon.get(f"/gk/{cast.a.code}/wenjian/{m['errors_file']['sha256']}/").status_code == 200


def _docx_with(extra: dict) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(DOCX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in src.namelist():
            z.writestr(n, src.read(n))
        for n, data in extra.items():
            z.writestr(n, data)
    return out.getvalue()


@pytest.mark.parametrize("data,name,message", [
    (b"<html><script>alert(1)</script></html>", "示范.pdf", "只能上传"),
    (b"MZ\x90\x00" + b"\x00" * 200, "示范.docx", "只能上传"),
    (image("GIF"), "示范.png", "只能上传"),
    (_docx_with({"word/vbaProject.bin": b"x"}), "示范.docx", "宏"),
    (PDF.replace(b"/Type /Catalog", b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "示范.pdf", "脚本"),
    (pdf(page_action=True), "示范.pdf", "脚本"),
    (PDF[:-7], "示范.pdf", "不是完整的 PDF"),
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", "示范.pdf", "不是完整的 PDF"),
    (image("PNG")[:40], "示范.png", "图片已损坏"),
    (b"PK\x03\x04" + b"\x00" * 60, "示范.docx", "只能上传"),
])
def test_a_file_that_is_not_a_clean_pdf_docx_or_image_is_refused_and_nothing_is_written(cast, data, name, message):
    publish_all(cast.a, actor=OPERATOR)
    c = client_for(cast.editor)
    before = state()
    r = upload(c, cast.a, data, name)
    assert r.status_code == 400 and message in r.content.decode()
    assert state() == before


@override_settings(GUIDE_FILE_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused(cast):
    publish_all(cast.a, actor=OPERATOR)
    before = state()
    r = upload(client_for(cast.editor), cast.a, PDF + b"%" + b"x" * 2000 + b"\n%%EOF\n", "大.pdf")
    assert r.status_code == 400 and "文件过大" in r.content.decode() and state() == before
    with pytest.raises(RuleViolation, match="文件过大"):
        do_store_guide_file(cast.a, b"%PDF-" + b"x" * 2000, "x.pdf", actor=cast.editor)


def test_only_the_agencys_editors_attach_and_a_file_nobody_published_is_not_public(cast):
    publish_all(cast.a, actor=OPERATOR)
    before = state()
    assert upload(client_for(cast.officer), cast.a, PDF, "a.pdf").status_code == 404
    assert upload(client_for(cast.other), cast.a, PDF, "a.pdf").status_code == 404
    with pytest.raises(NotPermitted):
        do_attach_guide_file(cast.a, "XK-001", 1, "sample_file", PDF, "a.pdf", reason="x", actor=cast.officer)
    assert state() == before
    row = do_store_guide_file(cast.a, PDF, "未发布.pdf", actor=cast.editor)
    assert Client().get(f"/gk/{cast.a.code}/wenjian/{row.sha256}/").status_code == 404
    # agency B cannot name agency A's file in its own guide
    with pytest.raises(RuleViolation) as exc:
        do_publish_disclosure(cast.b, Section.GUIDES, {"items": [{**GUIDE, "materials": [
            {"name": "申请书", "sample_file": row.sha256}]}]}, reason="首次发布", actor=cast.other)
    assert exc.value.code == "guide_file_unknown"
    # a name with a path and a wrong extension is shown under a safe name of the checked type
    named = do_store_guide_file(cast.a, image("PNG"), '../../x"y.exe', actor=cast.editor)
    assert named.filename == "xy.png"
    v = do_attach_guide_file(cast.a, "XK-001", 1, "sample_file", image("JPEG"), "照片.jpeg", reason="示例照片",
                             actor=cast.leader)
    assert v.content["items"][0]["materials"][0]["sample_file"]["name"] == "照片.jpg"
    with pytest.raises(RuleViolation):
        do_detach_guide_file(cast.a, "XK-001", 1, "errors_file", reason="x", actor=cast.leader)
    with pytest.raises(RuleViolation):
        do_attach_guide_file(cast.a, "XK-001", 9, "sample_file", PDF, "a.pdf", reason="x", actor=cast.leader)
