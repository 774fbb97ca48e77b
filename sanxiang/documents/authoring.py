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
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

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


# 公示查询码 (issue 10 §5, decision 0078): printed on a decision that opens a publication obligation.
QUERY_CODE = ("{% if query_code %}本决定将依法向社会公示。当事人可以凭案号和公示查询码 {{ query_code }} 在 {{ query_url }} "
              "查询公示情况、申请更正。{% endif %}")


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
        QUERY_CODE,
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


HANDLERS = ("{% for h in handlers %}{{ h.name }}（{{ h.certificate }}）{% if not loop.last %}、"
            "{% endif %}{% endfor %}")
PARTIES = ("{% for p in parties %}{{ p.name }}（{{ p.code_label }}：{{ p.code }}"
           "{% if p.legal_representative %}，法定代表人（负责人）：{{ p.legal_representative }}{% endif %}"
           "{% if p.address %}，住所：{{ p.address }}{% endif %}）{% if not loop.last %}；{% endif %}{% endfor %}")
# The rows every 笔录 and 送达回证 ends with: what the party was told, the signatures (images placed
# by docxtpl when signed on a tablet, documents/signatures.py).
TOLD = [("出示执法证件（证号）", "{{ certificates_shown }}"), ("告知事项", "{{ told }}")]
def signed_rows(party="当事人"):
    """The signature rows; `party` is who signs beside the officers (documents/signers.py)."""
    return [("执法人员签名", "{{ officer_signature }}"), (f"{party}签名", "{{ party_signature }}"),
            ("签名日期", "{{ signed_on }}")]


def read_back(party="当事人"):
    return f"以上记录已交{party}核对（或已向其宣读），确认无误。"


SIGNED = signed_rows()
ITEMS = ("序号", "名称", "规格型号", "数量", "单位", "存放地点", "保管方式")
ITEM_ROW = ("{{ it.seq }}", "{{ it.name }}", "{{ it.spec }}", "{{ it.quantity }}", "{{ it.unit }}",
            "{{ it.place }}", "{{ it.custody }}")
ENTRIES = ("序号", "文号", "责任者", "文件题名", "日期", "页号", "备注")
ENTRY_ROW = ("{{ e.seq }}", "{{ e.number }}", "{{ e.responsible }}", "{{ e.title }}", "{{ e.date }}",
             "{{ e.pages }}", "{{ e.note }}")
APPEAL = ("当事人如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起"
          "行政诉讼。")


def _head(d, title):
    _centre(d, "{{ agency_name }}", 16)
    _centre(d, title, 22)
    _centre(d, "{{ number }}", 12)


def _loop_table(document, header, row, loop):
    """A table with one row per item: docxtpl's {%tr %} rows around the row of tags."""
    table = document.add_table(rows=0, cols=len(header))
    table.style = "Table Grid"
    for cells in (header, (f"{{%tr for {loop} %}}",) + ("",) * (len(header) - 1), row,
                  ("{%tr endfor %}",) + ("",) * (len(header) - 1)):
        for cell, text in zip(table.add_row().cells, cells, strict=True):
            cell.text = text
    return table


def _sealed(d, date="{{ date }}"):
    for text in ("{{ agency_name }}（印章）", date):
        d.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def form(title, rows, *, after=(), signed=False, items=False, party="当事人"):
    """An approval form or a record (笔录): a two-column table, then paragraphs; `party` signs it
    beside the officers (当事人, or the 被询问人 of an 询问笔录, the 受送达人 of a 送达回证)."""
    def build():
        d = _new()
        _head(d, title)
        if items:
            _table(d, list(rows))
            _loop_table(d, ITEMS, ITEM_ROW, "it in items")
            rows_after = []
        else:
            rows_after = list(rows)
        _table(d, rows_after + (TOLD + [("核对", read_back(party))] + signed_rows(party) if signed else []))
        for text in after:
            d.add_paragraph(text)
        return d
    return build


def letter(title, paragraphs, *, to_party=True, items=False, signed=False, sealed=True, date="{{ date }}"):
    """A decision or notice addressed to the party: paragraphs, the items table, the seal line."""
    def build():
        d = _new()
        _head(d, title)
        if to_party:
            d.add_paragraph("{{ party_names }}：")
        for text in paragraphs:
            d.add_paragraph(text)
        if items:
            _loop_table(d, ITEMS, ITEM_ROW, "it in items")
        if signed:
            _table(d, TOLD + SIGNED)
        if sealed:
            _sealed(d, date)
        return d
    return build


# The archive forms on A4 (DA/T 22 卷内文件目录): 180 mm between 15 mm margins. The catalogue's columns are
# fitted to what they hold at 9 pt (小五): 序号 narrow; 文号 holds 「泉鲤市监立审〔2026〕123号」 on one line;
# 日期 holds 「2026年11月24日」 unbroken; 题名 and 责任者 wrap. Equal columns broke both (s17 #22c).
A4_WIDTH, A4_HEIGHT, A4_MARGIN = 210, 297, 15
ENTRY_WIDTHS = (12, 48, 26, 34, 32, 17, 11)
COVER_WIDTHS = (36, 144)
TABLE_FONT = 9


def _a4(document):
    section = document.sections[0]
    section.page_width, section.page_height = Mm(A4_WIDTH), Mm(A4_HEIGHT)
    section.left_margin = section.right_margin = Mm(A4_MARGIN)


def _fit(table, widths_mm, size=None):
    """Fixed column widths (LibreOffice and Word both read the grid and each cell's width) and,
    with `size`, the table's text size."""
    table.autofit = False
    layout = table._tbl.tblPr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        table._tbl.tblPr.append(layout)
    layout.set(qn("w:type"), "fixed")
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
            for paragraph in cell.paragraphs if size else ():
                for run in paragraph.runs:
                    _font(run, size)


def archive_form(title, rows=(), *, table=True, after=()):
    def build():
        d = _new()
        _a4(d)
        _centre(d, title, 22)
        _centre(d, "{{ agency_name }}　{{ volume }}", 12)
        if rows:
            _fit(_table(d, list(rows)), COVER_WIDTHS)
        if table:
            _fit(_loop_table(d, ENTRIES, ENTRY_ROW, "e in entries"), ENTRY_WIDTHS, TABLE_FONT)
        for text in after:
            d.add_paragraph(text)
        return d
    return build


MEASURE_ROWS = [("当事人", PARTIES), ("案由", "{{ cause }}"), ("措施种类", "{{ measure_kind }}"),
                ("理由和依据", "{{ measure_reason }}"), ("实施地点", "{{ measure_place }}"),
                ("实施日期", "{{ measure_on }}")]

def _cell_lines(cell, lines):
    """Several paragraphs in one table cell (a Word cell keeps line breaks only as paragraphs)."""
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


REVIEW_RULES = "{% for r in rules %}{{ r.label }}（{{ r.citation }}）{% if not loop.last %}；{% endif %}{% endfor %}"
REVIEW_MATERIALS = ("{% for m in materials %}{% if m.code %}{{ m.code }}. {% endif %}{{ m.label }}：{{ m.provided }}"
                    "{% if m.note %}（{{ m.note }}）{% endif %}{% if not loop.last %}；{% endif %}{% endfor %}")
REVIEW_OPINION = "{{ opinion_kind }}{% if opinion_text %}：{{ opinion_text }}{% endif %}"
REVIEWER = "审核人：{{ reviewer_name }}　　{{ opinion_on }}"
CHECK_HEADER = ("审核事项", "审核结论", "说明")
CHECK_ROW = ("{{ c.point }}", "{{ c.finding }}", "{{ c.note }}")
SIGNOFFS = ("{% for s in signoffs %}{{ s.step }}：{{ s.opinion }}（{{ s.name }}，{{ s.date }}）"
            "{% if not loop.last %}；{% endif %}{% endfor %}")


def review_form(title):
    """SAMR 范本 36 案件审核/法制审核表 (市场监督管理行政处罚程序规定 第四十九条至第五十五条): the case, the
    proposal and its basis, what was submitted, the seven points with their findings, the opinion, the
    reviewer and every sign-off of the round."""
    def build():
        d = _new()
        _head(d, title)
        _table(d, [
            ("案件名称", "{{ cause }}"), ("案号", "{{ case_number }}"), ("当事人", PARTIES),
            ("承办机构", "{{ unit_name }}"), ("承办人", HANDLERS), ("审核种类", "{{ track }}"),
            ("审核机构", "{{ reviewing_body }}"), ("送审日期", "{{ submitted_on }}（第 {{ round_number }} 轮）"),
            ("须经审核的情形", REVIEW_RULES), ("违法事实", "{{ facts }}"), ("拟处理意见", "{{ proposal }}"),
            ("法律依据", "{{ basis }}"), ("自由裁量的理由", "{{ discretion }}"), ("送审材料", REVIEW_MATERIALS),
            ("补充材料", "{{ supplements }}"),
            ("审核期限", "材料齐全之日 {{ complete_on }}，{% if due_on %}应于 {{ due_on }} 前审核完毕{% else %}本机关未规定审核时限{% endif %}"
                     "{% if extension %}；{{ extension }}{% endif %}"),
        ])
        d.add_paragraph("审核要点")
        _loop_table(d, CHECK_HEADER, CHECK_ROW, "c in checklist")
        _table(d, [("审核意见", REVIEW_OPINION), ("审核人", "{{ reviewer_name }}"), ("审核日期", "{{ opinion_on }}"),
                   ("审批意见", SIGNOFFS), ("集体讨论或局领导研究决定", "{{ resolution }}")])
        return d
    return build


def major_review_form():
    """株洲市市场监督管理局 重大行政执法决定法制审核表 (its 三项制度 plan's 附件, seed 001): the form's own rows
    in its order; each sign-off goes into the row of its step (the codes of 株洲's `review.signoff_chain`).
    The 法制审核 row holds the reviewer's opinion and checklist, and the step's sign-off when there is one."""
    d = _new()
    _centre(d, "{{ agency_name }}", 16)
    _centre(d, "重大行政执法决定法制审核表", 22)
    d.add_paragraph("编号：{{ number }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table = _table(d, [("事  由", "{{ cause }}"), ("申请部门", "{{ unit_name }}"), ("申请时间", "{{ submitted_on }}"),
                       ("基本情况、证据材料、拟处建议及法律依据", "")])
    _cell_lines(table.rows[-1].cells[1], [
        "当事人：" + PARTIES, "基本情况：{{ facts }}", "证据材料：" + REVIEW_MATERIALS, "拟处建议：{{ proposal }}",
        "法律依据：{{ basis }}", "须经法制审核的情形：" + REVIEW_RULES])
    cells = table.add_row().cells
    cells[0].text = "承办部门负责人意见"
    cells[1].text = '{{ signed.get("handling_head", "") }}'
    cells = table.add_row().cells
    cells[0].text = "承办部门分管领导意见"
    cells[1].text = '{{ signed.get("handling_leader", "") }}'
    cells = table.add_row().cells
    cells[0].text = "法制审核意见"
    _cell_lines(cells[1], [
        REVIEW_OPINION,
        "审核要点：{% for c in checklist %}{{ c.point }}：{{ c.finding }}{% if c.note %}（{{ c.note }}）{% endif %}"
        "{% if not loop.last %}；{% endif %}{% endfor %}",
        "材料齐全之日 {{ complete_on }}，{% if due_on %}审核期限至 {{ due_on }}{% else %}本机关未规定审核时限{% endif %}"
        "{% if extension %}；{{ extension }}{% endif %}",
        REVIEWER, '{{ signed.get("legal_review", "") }}'])
    for label, step in (("法制部门负责人意见", "legal_head"), ("分管法制的局领导意见", "legal_leader"),
                        ("局长审批", "director")):
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = f'{{{{ signed.get("{step}", "") }}}}'
    cells = table.add_row().cells
    cells[0].text = "局领导集体讨论决定"
    cells[1].text = "{{ resolution }}"
    d.add_paragraph("注：该表适用行政处罚以外的重大行政执法决定法制审核。")
    return d


def internal_approval_form():
    """行政处罚案件有关事项审批表 (SAMR 文书格式范本; 乌鲁木齐高新区市场监管's plan 二（三）13.: a general-
    procedure penalty's review "可在内部审批表中体现"): the matter for approval is the round's review; the
    grounds are the facts, the proposal, its basis and the rules; then the handlers, the handling unit's
    head (`handling_head`), the 法制审核 opinion with its points, and every sign-off of the round."""
    d = _new()
    _centre(d, "{{ agency_name }}", 16)
    _centre(d, "行政处罚案件有关事项审批表", 22)
    d.add_paragraph("编号：{{ number }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table = _table(d, [("案件名称", "{{ cause }}"), ("案号", "{{ case_number }}"), ("当事人", PARTIES),
                       ("审批事项", "{{ track }}（第 {{ round_number }} 轮，{{ submitted_on }} 提请）"),
                       ("提请审批的理由及依据", "")])
    _cell_lines(table.rows[-1].cells[1], [
        "违法事实：{{ facts }}", "拟处理意见：{{ proposal }}", "法律依据：{{ basis }}",
        "自由裁量的理由：{{ discretion }}", "须经法制审核的情形：" + REVIEW_RULES, "送审材料：" + REVIEW_MATERIALS])
    cells = table.add_row().cells
    cells[0].text = "承办人"
    cells[1].text = HANDLERS
    cells = table.add_row().cells
    cells[0].text = "承办机构负责人意见"
    cells[1].text = '{{ signed.get("handling_head", "") }}'
    cells = table.add_row().cells
    cells[0].text = "法制审核意见"
    _cell_lines(cells[1], [
        REVIEW_OPINION,
        "审核要点：{% for c in checklist %}{{ c.point }}：{{ c.finding }}{% if c.note %}（{{ c.note }}）{% endif %}"
        "{% if not loop.last %}；{% endif %}{% endfor %}",
        "材料齐全之日 {{ complete_on }}，{% if due_on %}审核期限至 {{ due_on }}{% else %}本机关未规定审核时限{% endif %}"
        "{% if extension %}；{{ extension }}{% endif %}",
        REVIEWER])
    cells = table.add_row().cells
    cells[0].text = "审批意见"
    cells[1].text = SIGNOFFS + "{% if decided %}{% if signoffs %}；{% endif %}{{ decided }}{% endif %}"
    return d


TEMPLATES = {
    "filing_approval": filing_approval,
    "not_filing_approval": form("不予立案审批表", [
        ("案件名称", "{{ cause }}"), ("案件来源", "{{ source }}"), ("发现线索日期", "{{ clue_on }}"),
        ("当事人", "{{ party_names }}"), ("简要情况", "{{ facts }}"), ("不予立案的理由", "{{ reason }}"),
        ("承办人及执法证号", HANDLERS), ("承办人意见", "建议不予立案。"), ("承办机构负责人意见", ""),
        ("机关负责人意见", "")]),
    "onsite_record": form("现场笔录", [
        ("案由", "{{ cause }}"), ("当事人", PARTIES), ("检查时间", "{{ onsite_on }}"), ("检查地点", "{{ place }}"),
        ("执法人员", HANDLERS), ("现场情况", "{{ content }}")], signed=True),
    "inquiry_record": form("询问笔录", [
        ("案由", "{{ cause }}"), ("案号", "{{ case_number }}"), ("被询问人", "{{ interviewee }}"),
        ("询问地点", "{{ place }}"), ("询问时间", "{{ inquiry_time }}"), ("询问人", HANDLERS),
        ("询问内容", "{{ content }}")], signed=True, party="当事人（被询问人）"),
    "edata_record": form("电子数据证据提取笔录", [
        ("案由", "{{ cause }}"), ("当事人", PARTIES), ("提取日期", "{{ date }}"), ("电子数据来源", "{{ source }}"),
        ("提取方法及过程", "{{ method }}"), ("提取的电子数据", "{{ content }}"), ("完整性校验值", "{{ digest }}"),
        ("执法人员", HANDLERS)], signed=True),
    "preservation_notice": letter("先行登记保存证据通知书", [
        "因你（单位）{{ cause }}一案，在证据可能灭失或者以后难以取得的情况下，依据《中华人民共和国行政处罚法》"
        "第五十六条的规定，本机关决定对下列物品先行登记保存：{{ measure_reason }}",
        "保存地点：{{ measure_place }}。保存期间，当事人或者有关人员不得销毁或者转移证据。本机关将在{{ measure_period }}内"
        "作出处理决定。"], items=True),
    "measure_decision": letter("实施行政强制措施决定书", [
        "经查，你（单位）{{ cause }}。",
        "理由和依据：{{ measure_reason }}",
        "本机关决定自{{ measure_on }}起对下列场所、设施或者财物实施{{ measure_kind }}，期限为{{ measure_period }}"
        "（场所/设施/财物清单附后）。",
        "你（单位）有陈述、申辩的权利。" + APPEAL, QUERY_CODE], items=True),
    "measure_list": form("场所/设施/财物清单", MEASURE_ROWS + [("执法人员", HANDLERS)], signed=True, items=True),
    "measure_extension": letter("延长行政强制措施期限决定书", [
        "本机关于{{ measure_on }}对你（单位）的下列场所、设施或者财物实施了{{ measure_kind }}。",
        "因{{ extension_reason }}，依据《中华人民共和国行政强制法》第二十五条的规定，经本机关负责人批准，决定将"
        "{{ measure_kind }}期限延长{{ extension_days }}日。", APPEAL], items=True),
    "measure_release": letter("解除行政强制措施决定书", [
        "本机关于{{ measure_on }}对你（单位）的下列场所、设施或者财物实施了{{ measure_kind }}。",
        "因{{ release_reason }}，依据《中华人民共和国行政强制法》第二十八条的规定，本机关决定自{{ released_on }}起"
        "解除{{ measure_kind }}。"], items=True),
    "sampling_record": form("抽样记录", [
        ("案由", "{{ cause }}"), ("被抽样单位", PARTIES), ("抽样日期", "{{ date }}"), ("样品名称及规格", "{{ sample }}"),
        ("抽样数量及基数", "{{ quantity }}"), ("抽样方法", "{{ method }}"), ("抽样人员", HANDLERS)], signed=True),
    "investigation_report": form("案件调查终结报告", [
        ("案件名称", "{{ cause }}"), ("案号", "{{ case_number }}"), ("当事人", PARTIES), ("立案日期", "{{ filed_on }}"),
        ("违法事实", "{{ facts }}"), ("相关证据", "{{ evidence }}"), ("处理意见及理由", "{{ opinion }}"),
        ("拟处罚内容", "{{ proposed }}"), ("承办人", HANDLERS), ("承办机构负责人意见", "")]),
    "penalty_notice": letter("行政处罚告知书", [
        "本机关对你（单位）{{ cause }}一案（案号：{{ case_number }}）已调查终结。经查：{{ facts }}",
        "依据{{ basis }}，本机关拟对你（单位）作出如下行政处罚：{{ proposed }}。",
        "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）享有陈述、申辩的权利；"
        "{% if hearing_right == '有' %}根据第六十三条、第六十四条的规定，你（单位）有权在收到本告知书之日起五个工作日内"
        "要求听证。{% endif %}逾期未提出的，视为放弃上述权利。"]),
    "statement_record": form("陈述申辩笔录", [
        ("案由", "{{ cause }}"), ("案号", "{{ case_number }}"), ("陈述申辩人", PARTIES), ("日期", "{{ date }}"),
        ("记录人", HANDLERS), ("陈述申辩内容", "{{ content }}")], signed=True),
    "hearing_notice": letter("听证通知书", [
        "根据你（单位）于{{ requested_on }}提出的听证要求，本机关决定于{{ hearing_on }}在{{ hearing_place }}"
        "对{{ cause }}一案举行听证。",
        "请你（单位）凭本通知书准时参加，可以委托一至二人代理。如申请主持人回避，请于听证前提出并说明理由。"
        "无正当理由拒不出席或者未经许可中途退出的，视为放弃听证权利。"]),
    "hearing_record": form("听证笔录", [
        ("案由", "{{ cause }}"), ("案号", "{{ case_number }}"), ("听证时间", "{{ hearing_on }}"),
        ("听证地点", "{{ hearing_place }}"), ("听证主持人", "{{ host }}"), ("当事人", PARTIES),
        ("案件调查人员", HANDLERS), ("听证记录", "{{ content }}")], signed=True),
    "hearing_report": form("听证报告", [
        ("案由", "{{ cause }}"), ("案号", "{{ case_number }}"), ("听证时间", "{{ hearing_on }}"),
        ("听证地点", "{{ hearing_place }}"), ("听证主持人", "{{ host }}"), ("当事人", PARTIES),
        ("案件调查人员", HANDLERS), ("案件事实", "{{ facts }}"), ("听证主持人意见", "{{ opinion }}")]),
    "penalty_decision": penalty_decision,
    "onsite_decision": letter("当场行政处罚决定书", [
        "当事人：" + PARTIES,
        "违法事实：{{ facts }}",
        "依据：{{ basis }}",
        "执法人员当场作出如下行政处罚：{{ penalties }}。处罚地点：{{ place }}。",
        "当事人应当自收到本决定书之日起十五日内缴纳罚款。" + APPEAL, QUERY_CODE,
        "执法人员：" + HANDLERS], to_party=False, signed=True, date="{{ decided_on }}"),
    "no_penalty_decision": letter("不予行政处罚决定书", [
        "当事人：" + PARTIES,
        "{{ agency_name }}对当事人{{ cause }}一案（案号：{{ case_number }}）依法立案调查，现已调查终结。",
        "一、查明的事实：{{ facts }}",
        "二、证据及采信理由：{{ evidence }}",
        "三、陈述申辩的采纳情况：{{ statement_adoption }}",
        "四、不予行政处罚的理由和依据：{{ reason }}",
        "综上，本机关决定对当事人不予行政处罚。" + APPEAL, QUERY_CODE], to_party=False),
    "service_address": form("送达地址确认书", [
        ("案由", "{{ cause }}"), ("受送达人", PARTIES), ("电子送达地址", "{{ electronic_address }}"),
        ("同意电子送达日期", "{{ address_consent_on }}"),
        ("告知", "受送达人应当如实提供送达地址；送达地址变更的，应当及时告知本机关，未及时告知的，按原地址送达视为送达。")],
        signed=True),
    "service_receipt": form("送达回证", [
        ("案号", "{{ case_number }}"), ("送达文书名称及文号", "{{ served_document }}"), ("受送达人", "{{ party_names }}"),
        ("送达地点", "{% for p in parties %}{{ p.address }}{% if not loop.last %}；{% endif %}{% endfor %}"),
        ("送达方式", "{{ service_method }}"), ("送达日期", "{{ served_on }}"), ("送达人（执法证号）", HANDLERS),
        ("备注", "")], signed=True, party="受送达人"),
    "demand_notice": letter("催告书", [
        "本机关于{{ served_on }}向你（单位）送达了行政处罚决定书（{{ decision_number }}），决定：{{ penalties }}。",
        "你（单位）至今尚有人民币 {{ owed }} 元未缴纳。依据《中华人民共和国行政强制法》第三十五条、第五十四条的规定，"
        "催告你（单位）自收到本催告书之日起十日内履行。你（单位）有权进行陈述和申辩。逾期仍未履行的，本机关将依法"
        "申请人民法院强制执行。"]),
    "closing_approval": form("结案审批表", [
        ("案件名称", "{{ cause }}"), ("案号", "{{ case_number }}"), ("当事人", PARTIES),
        ("立案日期", "{{ filed_on }}"), ("决定日期", "{{ decided_on }}"), ("处理结果", "{{ outcome }}"),
        ("执行情况", "{{ execution }}"), ("承办人", HANDLERS), ("承办人意见", "建议结案。"),
        ("承办机构负责人意见", ""), ("机关负责人意见", "")]),
    "inspection_notice": letter("检查通知书", [
        "依据{{ basis }}，本机关定于{{ planned_on }}起对你（单位）进行检查（检查码：{{ inspection_code }}）。",
        "检查事项：{% for i in items %}{{ loop.index }}. {{ i }}{% if not loop.last %}；{% endif %}{% endfor %}",
        "检查人员：" + HANDLERS + "。请予配合，如实提供有关资料。"]),
    "inspection_record": form("检查记录", [
        ("被检查单位", PARTIES), ("检查依据", "{{ basis }}"), ("检查日期", "{{ started_on }}"), ("检查人员", HANDLERS),
        ("检查事项", "{% for i in items %}{{ loop.index }}. {{ i }}{% if not loop.last %}；{% endif %}{% endfor %}"),
        ("检查结果", "{{ result }}"), ("发现的问题", "{{ problems }}"), ("检查结论", "{{ conclusion }}"),
        ("责令整改", "{{ rectification }}")], signed=True),
    "acceptance_notice": letter("受理通知书", [
        "你（单位）提出的{{ cause }}申请，本机关经审查，申请材料齐全、符合法定形式，决定于{{ accepted_on }}予以受理，"
        "并将在{{ time_limit }}内作出决定。"]),
    "not_accepted_decision": letter("不予受理决定书", [
        "你（单位）提出的{{ cause }}申请，本机关经审查，决定不予受理。理由：{{ reason }}", APPEAL]),
    "licence_grant": letter("准予行政许可决定书", [
        "你（单位）提出的{{ cause }}申请，本机关经审查，符合法定条件、标准，根据《中华人民共和国行政许可法》第三十八条"
        "第一款的规定，决定准予行政许可：{{ content }}",
        "许可证件编号：{{ licence_number }}；有效期自{{ valid_from }}至{{ valid_until }}。", QUERY_CODE],
        date="{{ decided_on }}"),
    "licence_refusal": letter("不予行政许可决定书", [
        "你（单位）提出的{{ cause }}申请，本机关经审查，决定不予行政许可。理由：{{ reason }}",
        "根据《中华人民共和国行政许可法》第三十八条第二款的规定，" + APPEAL, QUERY_CODE], date="{{ decided_on }}"),
    "case_decision": letter("{{ decision_kind }}决定书", [
        "申请人：" + PARTIES,
        "你（单位）提出的{{ cause }}申请，本机关已依法受理并审查。",
        "一、认定的事实和证据：{{ evidence }}",
        "二、依据及理由：{{ basis }}",
        "三、决定：{{ content }}", APPEAL, QUERY_CODE], to_party=False, date="{{ decided_on }}"),
    # 劳动保障监察条例第十八条第一款第二项 (责令改正), 第三十条 (逾期不改正的处理).
    "rectification_order": letter("劳动保障监察限期整改指令书", [
        "经查，你（单位）存在下列违反劳动保障法律、法规或者规章的行为：{{ facts }}",
        "依据《劳动保障监察条例》第十八条第一款第（二）项的规定，本机关于{{ ordered_on }}责令你（单位）于{{ rectify_by }}前"
        "改正：{{ order_content }}",
        "请将改正情况书面报告本机关。逾期不改正的，本机关将依法处理。" + APPEAL], date="{{ ordered_on }}"),
    "rectification_recheck": form("整改复查记录", [
        ("案号", "{{ case_number }}"), ("被复查单位", PARTIES), ("限期整改指令书", "{{ order_number }}：{{ order_content }}"),
        ("改正期限", "{{ rectify_by }}"), ("复查日期", "{{ rechecked_on }}"), ("复查人员", HANDLERS),
        ("复查情况", "{{ content }}")], signed=True),
    "file_cover": archive_form("卷宗封面", [
        ("案件名称", "{{ cause }}"), ("案号", "{{ case_number }}"), ("当事人", "{{ party_names }}"),
        ("处理结果", "{{ outcome }}"), ("立案日期", "{{ filed_on }}"), ("结案日期", "{{ closed_on }}"),
        ("本卷件数", "{{ entries|length }}"), ("本卷页数", "{{ total_pages }}"), ("保管期限", "{{ retention }}"),
        ("承办人", "{{ handler_names }}")], table=False),
    "file_catalogue": archive_form("卷内文件目录", [("案号", "{{ case_number }}")]),
    "file_notes": archive_form("卷内备考表", [("案号", "{{ case_number }}")], table=False, after=(
        "本卷共有文件 {{ entries|length }} 件，共 {{ total_pages }} 页。",
        "说明：{{ notes }}", "立卷人：{{ compiled_by }}　检查人：{{ checked_by }}　立卷日期：{{ compiled_on }}")),
    "case_review_form": review_form("案件审核表"),
    "legal_review_form": review_form("法制审核表"),
    "major_review_form": major_review_form,
    "internal_approval_form": internal_approval_form,
    # 执法决定信息公示告知书 (总局令第45号第8条; decision 0072): served with the decision
    "publicity_notice": letter("执法决定信息公示告知书", [
        "本机关对你（单位）{{ notice_subject }}（{{ decision_number }}）。依据{{ basis }}，"
        "该决定的相关信息将依法向社会公示，现告知如下：",
        "一、公示内容：{{ published_items }}。涉及国家秘密、商业秘密、个人隐私的信息依法作必要的处理后公示。",
        "二、公示载体：{{ channel }}；本机关公开门户：{{ portal_url }}。",
        "三、公示时间：{{ publish_by }}，公示期限：{{ period }}。",
        "四、你（单位）认为公示信息不准确的，有权凭本告知书所载案号和公示查询码，在本机关公开门户"
        "（{{ correction_url }}）或以书面形式申请更正；本机关将在{{ correction_answer }}内核实并答复。",
        "五、{{ early_stop }}",
        "案号：{{ case_number }}　　公示查询码：{{ query_code }}",
        "公示查询码用于核验你（单位）的身份，请妥善保管，不要告诉他人。"]),
}


def main(only=()):
    """Write every template, or only the kinds named (`python -m sanxiang.documents.authoring KIND…`):
    each run writes new bytes (zip timestamps), which registers a new national version of each."""
    OUT.mkdir(parents=True, exist_ok=True)
    for kind, build in TEMPLATES.items():
        if only and kind not in only:
            continue
        document = build()
        document.core_properties.author = "三项 Sanxiang"
        path = OUT / f"{kind}.docx"
        document.save(path)
        print(path)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
