"""Writes the national templates (templates/docx/*.docx) from the text below, with python-docx.

    .venv/bin/python -m sanxiang.documents.authoring

The .docx files are checked in beside this script; review a change to a template here, then run
it. Every template names a CJK font for all scripts (Noto Serif CJK SC, which fonts-noto-cjk
installs), so LibreOffice renders the Chinese text instead of boxes. The tags are docxtpl's
(Jinja): the names each kind provides are in kinds.py and docs/documents.md.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

FONT = "Noto Serif CJK SC"
OUT = Path(__file__).parent / "templates" / "docx"


def _font(style_or_run, size=None):
    style_or_run.font.name = FONT
    if size:
        style_or_run.font.size = Pt(size)
    fonts = style_or_run.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _new():
    document = Document()
    _font(document.styles["Normal"], 12)
    return document


def _centre(document, text, size):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = size > 14
    _font(run, size)
    return paragraph


def _table(document, rows):
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    return table


def filing_approval():
    d = _new()
    _centre(d, "{{ agency_name }}", 16)
    _centre(d, "立案审批表", 22)
    _centre(d, "{{ number }}", 12)
    _table(d, [
        ("案件名称", "{{ cause }}"), ("案号", "{{ case_number }}"), ("案件来源", "{{ source }}"),
        ("发现线索日期", "{{ clue_on }}"), ("当事人", "{{ party_names }}"),
        ("当事人情况", "{% for p in parties %}{{ p.name }}（{{ p.kind }}，{{ p.code_label }}：{{ p.code }}）"
                       "{% if p.address %}，住所：{{ p.address }}{% endif %}；{% endfor %}"),
        ("简要案情及立案依据", "{{ facts }}"), ("承办机构", "{{ unit_name }}"),
        ("承办人及执法证号", "{% for h in handlers %}{{ h.name }}（{{ h.certificate }}）{% if not loop.last %}、"
                            "{% endif %}{% endfor %}"),
        ("立案日期", "{{ filed_on }}"), ("承办人意见", "建议立案调查。"), ("承办机构负责人意见", ""),
        ("机关负责人意见", ""),
    ])
    return d


def penalty_decision():
    d = _new()
    _centre(d, "{{ agency_name }}", 16)
    _centre(d, "行政处罚决定书", 22)
    _centre(d, "{{ number }}", 12)
    for text in (
        "当事人：{% for p in parties %}{{ p.name }}，{{ p.code_label }}：{{ p.code }}"
        "{% if p.legal_representative %}，法定代表人（负责人）：{{ p.legal_representative }}{% endif %}"
        "{% if p.address %}，住所：{{ p.address }}{% endif %}。{% endfor %}",
        "{{ agency_name }}对当事人{{ cause }}一案（案号：{{ case_number }}）依法立案调查，现已调查终结。",
        "一、违法事实：{{ facts }}",
        "二、证据及采信理由：{{ evidence }}",
        "三、依据的选择：{{ basis }}",
        "四、陈述申辩的采纳情况：{{ statement_adoption }}",
        "五、自由裁量的理由：{{ discretion }}",
        "综上，本机关决定对当事人作出如下行政处罚：{{ penalties }}。",
        "当事人应当自收到本决定书之日起十五日内缴纳罚款。到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。",
        "当事人如不服本处罚决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院"
        "提起行政诉讼。",
    ):
        d.add_paragraph(text)
    right = d.add_paragraph("{{ agency_name }}（印章）")
    right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    right = d.add_paragraph("{{ decided_on }}")
    right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return d


def service_receipt():
    d = _new()
    _centre(d, "{{ agency_name }}", 16)
    _centre(d, "送达回证", 22)
    _centre(d, "{{ number }}", 12)
    _table(d, [
        ("案号", "{{ case_number }}"), ("送达文书名称及文号", "{{ served_document }}"),
        ("受送达人", "{{ party_names }}"),
        ("送达地点", "{% for p in parties %}{{ p.address }}{% if not loop.last %}；{% endif %}{% endfor %}"),
        ("送达方式", "{{ service_method }}"), ("送达日期", "{{ served_on }}"),
        ("送达人（执法证号）", "{% for h in handlers %}{{ h.name }}（{{ h.certificate }}）{% if not loop.last %}、"
                              "{% endif %}{% endfor %}"),
        ("受送达人签名或盖章", ""), ("备注", ""),
    ])
    return d


TEMPLATES = {"filing_approval": filing_approval, "penalty_decision": penalty_decision,
             "service_receipt": service_receipt}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for kind, build in TEMPLATES.items():
        document = build()
        document.core_properties.author = "三项 Sanxiang"
        path = OUT / f"{kind}.docx"
        document.save(path)
        print(path)


if __name__ == "__main__":
    main()
