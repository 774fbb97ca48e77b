"""s26 defects10e #4 (decision 0102): a 示范文本 / 常见错误示例 file is published under the agency's name as a download,
so the text that can be read of it — a Word document's body, headers, footers and properties, a PDF's text layer —
and its shown name pass the guard of the agency's own content (decision 0101): a 公民身份号码, a 银行卡号 or a
公示查询码 in any written form is refused naming the file, on the staff page as through the action; the agency's
own phone stays. Each failed before the fix (the file was published as uploaded)."""

import io
import re

import pytest
import test_agency_published_content as base
from django.test import Client

from sanxiang.disclosure.demo import sample_docx
from sanxiang.disclosure.models import DisclosureVersion, GuideFile

pytestmark = pytest.mark.django_db

env = base.env  # the fixture: a case whose 决定书 printed base.CODE (G2ZP-2B7V)
CODE, ID_NUMBER, CARD, refused = base.CODE, base.ID_NUMBER, base.CARD, base.refused
VALID_ID = "110101199003071233"  # GB 11643 check digit right: found without a label


def docx_split(runs) -> bytes:
    """A .docx whose one paragraph is `runs`, each a run of its own (a number typed over two runs), and a footer."""
    from docx import Document

    doc = Document()
    p = doc.add_paragraph()
    for text in runs:
        p.add_run(text)
    doc.sections[0].footer.paragraphs[0].text = "填写说明"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def text_pdf(line: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=line)
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    del w._root_object[NameObject("/OpenAction")]  # fpdf2 opens at a zoom: an action the upload refuses
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@pytest.fixture
def guides(env):
    from sanxiang.disclosure.testing import publish_all

    publish_all(env.agency, actor=env.reviewer)
    return env


def attach(env, data, name):
    from sanxiang.disclosure.actions import do_attach_guide_file

    return do_attach_guide_file(env.agency, "XK-001", 1, "sample_file", data, name, reason="上传示范文本",
                                actor=env.reviewer)


def test_a_word_file_holding_an_id_number_a_card_or_a_code_is_refused_naming_the_file(guides):
    env = guides
    before = (DisclosureVersion.objects.count(), GuideFile.objects.count())
    for lines, kind in ((f"申请人：王秀英 身份证{ID_NUMBER}", "公民身份号码"), (f"退款银行卡{CARD}", "银行卡号"),
                        ("查询码前四位G2ZP，后四位2B7V", "公示查询码"), (f"码 {CODE.lower()}", "公示查询码")):
        refused(lambda lines=lines: attach(env, sample_docx("申请书", [("申请人", lines)]), "错误示例.docx"),
                code="personal_number_public" if kind != "公示查询码" else "party_code_public", field="file",
                words=["文件“错误示例.docx”的内容", kind])
    # a number typed over two runs is read whole
    refused(lambda: attach(env, docx_split(["身份证", ID_NUMBER[:9], ID_NUMBER[9:]]), "示范.docx"),
            code="personal_number_public", field="file", words=["公民身份号码"])
    assert (DisclosureVersion.objects.count(), GuideFile.objects.count()) == before
    # the agency's own phone and address stay
    row = attach(env, sample_docx("申请书", [("咨询", base.OWN)]), "申请书填写示范.docx")
    assert row.content["items"][0]["materials"][0]["sample_file"]["name"] == "申请书填写示范.docx"


def test_a_pdf_whose_text_holds_an_id_number_is_refused(guides):
    refused(lambda: attach(guides, text_pdf(f"ID {VALID_ID}"), "示范.pdf"), code="personal_number_public",
            field="file", words=["文件“示范.pdf”的内容", "公民身份号码"])
    attach(guides, text_pdf("Sample form, tel 0991-3688123"), "示范.pdf")


def test_the_files_shown_name_is_guarded_on_the_staff_page(guides):
    from django.core.files.uploadedfile import SimpleUploadedFile

    env = guides
    client = Client()
    client.force_login(env.reviewer)
    clean = sample_docx("申请书", [("申请人名称", "某某公司（示例）")])
    before = GuideFile.objects.count()
    for name, words in ((f"错误示例_王秀英_{VALID_ID}.docx", "公民身份号码"), ("示范_G 2 Z P 2 B 7 V.docx", "查询码")):
        form = {"material": "1", "role": "sample_file", "cause": "routine", "reason": "上传",
                "file": SimpleUploadedFile(name, clean)}
        r = client.post(f"/disclosure/{env.agency.code}/guides/XK-001/files/", form)
        errors = re.findall(r"class=\"errorlist[^>]*>(.*?)</ul>", r.content.decode(), re.S)
        assert r.status_code == 400 and words in r.content.decode() and "文件名" in r.content.decode(), errors
    assert GuideFile.objects.count() == before
    page = client.get(f"/disclosure/{env.agency.code}/guides/XK-001/edit/").content.decode()
    assert "扫描件中的文字无法自动检查" in page
    assert VALID_ID not in Client().get(f"/gk/{env.agency.code}/zhinan/XK-001/").content.decode()
