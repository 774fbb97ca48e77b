"""事前公开 demo: each seed agency's functions and contacts, 执法事项清单, 服务指南, 随机抽查事项,
行政处罚裁量基准 and 岗位信息公示牌, published through the actions by the demo actor (so the ledger is complete), and a
second version of one list with its reason, so the portal shows a history. Safe to re-run: a
section that already has a version is left alone. Illustrative content: the bases cite the laws
that govern each field; an agency replaces them with its own lists."""

from __future__ import annotations

FOOD = "《中华人民共和国食品安全法》"
AMR_MATTERS = [
    {"code": "CF-001", "name": "对经营不符合食品安全标准的食品的行政处罚", "category": "行政处罚",
     "basis": f"{FOOD}第一百二十四条"},
    {"code": "CF-002", "name": "对未取得食品经营许可从事食品经营活动的行政处罚", "category": "行政处罚",
     "basis": f"{FOOD}第一百二十二条"},
    {"code": "XK-001", "name": "食品经营许可", "category": "行政许可",
     "basis": f"{FOOD}第三十五条；《食品经营许可和备案管理办法》"},
    {"code": "QZ-001", "name": "查封、扣押不符合食品安全标准的食品", "category": "行政强制",
     "basis": f"{FOOD}第一百一十条第四项；《中华人民共和国行政强制法》第九条"},
    {"code": "JC-001", "name": "食品经营者监督检查", "category": "行政检查",
     "basis": f"{FOOD}第一百一十条；《食品生产经营监督检查管理办法》"},
]
AMR_GUIDE = {
    "code": "XK-001", "name": "食品经营许可", "basis": f"{FOOD}第三十五条；《食品经营许可和备案管理办法》",
    "approving_body": "", "conditions": "有与经营的食品品种、数量相适应的经营场所；有专职或者兼职的食品安全管理人员和"
    "保证食品安全的规章制度；有合理的设备布局和工艺流程。",
    "materials": [
        {"name": "食品经营许可申请书", "sample": "见窗口及网站所附填写示范", "common_errors": "经营项目勾选与实际不符；未签字"},
        {"name": "营业执照或者其他主体资格证明文件复印件", "sample": "加盖公章的复印件",
         "common_errors": "复印件不清晰；名称与申请书不一致"},
        {"name": "与食品经营相适应的主要设备设施布局、操作流程等文件", "sample": "平面布局图示范",
         "common_errors": "未标明清洗消毒、冷藏设施位置"},
        {"name": "食品安全自查、从业人员健康管理、进货查验记录等保证食品安全的规章制度", "sample": "制度目录示范",
         "common_errors": "照抄范本、未结合本单位实际"},
    ],
    "process": "申请 → 受理（材料齐全、符合法定形式的当场受理）→ 审查（必要时现场核查）→ 决定 → 发证",
    "time_limit": "自受理之日起 10 个工作日内作出决定（法定 20 个工作日）",
    "remedies": "对许可决定不服的，可以自知道之日起 60 日内申请行政复议，或者 6 个月内提起行政诉讼。",
    "supervision": "可通过 12315、12345 热线或本局投诉举报电话对办理情况进行监督。",
    "accountability": "工作人员违反规定办理许可的，依照《中华人民共和国行政许可法》第七十二条至第七十四条追究责任。",
}
RANDOM_AMR = [{"code": "SJ-001", "subject": "", "basis": f"{FOOD}第一百一十条；《市场监督管理行政执法监督检查规定》",
               "objects": "辖区内取得食品经营许可的经营者", "content": "食品经营者落实进货查验、贮存条件、标签标识等情况",
               "ratio": "不低于 5%", "method": "双随机抽取、现场检查", "frequency": "每年一次"}]

AGENCIES = {
    "urumqi-gxq-amr": {
        "functions": "负责辖区市场主体登记注册、市场监督管理综合执法、食品安全监督管理、特种设备安全监察、"
                     "计量与标准化、知识产权保护等工作。",
        "address": "乌鲁木齐市新市区北京南路 506 号", "phone": "0991-0000001",
        "complaint": "投诉举报：12315；行政执法监督：乌鲁木齐高新区（新市区）司法局",
        "matters": AMR_MATTERS, "guides": [AMR_GUIDE], "random": RANDOM_AMR,
        "matters_v2": {"code": "CF-003", "name": "对未按规定公示食品经营许可证的行政处罚", "category": "行政处罚",
                       "basis": "《食品经营许可和备案管理办法》第五十二条"},
    },
    "zhuzhou-amr": {
        "functions": "负责全市市场综合监督管理、市场主体统一登记注册、食品安全监督管理综合协调、质量和标准计量、"
                     "知识产权、价格监督检查和反不正当竞争统一执法等工作。",
        "address": "株洲市天元区天台路 1 号", "phone": "0731-0000002",
        "complaint": "投诉举报：12315、12345；政策法规科受理对行政执法行为的投诉",
        "matters": AMR_MATTERS, "guides": [AMR_GUIDE], "random": RANDOM_AMR,
    },
    "quanzhou-licheng-amr": {
        "functions": "负责鲤城区市场综合监督管理、市场主体登记、食品安全、特种设备安全、计量和知识产权执法等工作。",
        "address": "泉州市鲤城区新华北路 1 号", "phone": "0595-0000003",
        "complaint": "投诉举报：12315；微信公众号“鲤城市场监管”执法公示专栏",
        "matters": AMR_MATTERS, "guides": [AMR_GUIDE], "random": RANDOM_AMR,
    },
    "pingluo-commerce": {
        "functions": "负责全县商贸流通、对外贸易、招商引资和商务领域行政执法（单用途商业预付卡、报废机动车回收等）。",
        "address": "平罗县城关镇鼓楼东街 1 号", "phone": "0952-0000004",
        "complaint": "投诉举报：12345；商务领域投诉：本局综合管理室",
        "matters": [
            {"code": "CF-001", "name": "对发卡企业未按规定办理单用途商业预付卡备案的行政处罚", "category": "行政处罚",
             "basis": "《单用途商业预付卡管理办法（试行）》第七条、第三十六条"},
            {"code": "CF-002", "name": "对发卡企业超出规定限额发行单用途商业预付卡的行政处罚", "category": "行政处罚",
             "basis": "《单用途商业预付卡管理办法（试行）》第十五条、第三十七条"},
            {"code": "JC-001", "name": "单用途商业预付卡发卡企业监督检查", "category": "行政检查",
             "basis": "《单用途商业预付卡管理办法（试行）》第三十条"},
        ],
        "guides": [{
            "code": "BA-001", "name": "单用途商业预付卡发卡企业备案",
            "basis": "《单用途商业预付卡管理办法（试行）》第七条", "approving_body": "",
            "conditions": "开展单用途商业预付卡业务之日起 30 日内办理备案。",
            "materials": [{"name": "单用途卡业务备案表", "sample": "备案表填写示范", "common_errors": "发卡规模、资金存管银行漏填"},
                          {"name": "企业法人营业执照复印件", "sample": "加盖公章的复印件", "common_errors": "未加盖公章"}],
            "process": "提交材料 → 审核 → 备案并公示", "time_limit": "材料齐全的，5 个工作日内完成备案",
            "remedies": "对备案结果不服的，可以依法申请行政复议或者提起行政诉讼。",
            "supervision": "12345 热线；平罗县司法局", "accountability": "工作人员玩忽职守的，依法依规追究责任。",
        }],
        "random": [{"code": "SJ-001", "subject": "", "basis": "《单用途商业预付卡管理办法（试行）》第三十条",
                    "objects": "辖区内已备案的单用途商业预付卡发卡企业", "content": "发卡限额、预收资金存管、信息报送情况",
                    "ratio": "不低于 10%", "method": "双随机抽取、现场检查或书面检查", "frequency": "每年一次"}],
    },
    "urumqi-gxq-hrss": {
        "functions": "负责辖区人力资源和社会保障工作，依法实施劳动保障监察，查处违反劳动保障法律法规的行为。",
        "address": "乌鲁木齐市新市区长春中路 1 号", "phone": "0991-0000005",
        "complaint": "劳动保障监察举报投诉：12333；行政执法监督：乌鲁木齐高新区（新市区）司法局",
        "matters": [
            {"code": "CF-001", "name": "对用人单位克扣或者无故拖欠劳动者工资的行政处罚", "category": "行政处罚",
             "basis": "《劳动保障监察条例》第二十六条；《保障农民工工资支付条例》第五十四条"},
            {"code": "JC-001", "name": "用人单位遵守劳动保障法律法规情况的检查", "category": "行政检查",
             "basis": "《劳动保障监察条例》第十一条、第十五条"},
            {"code": "JC-002", "name": "劳动保障监察（举报投诉案件）", "category": "劳动保障监察",
             "basis": "《劳动保障监察条例》第九条、第十七条"},
        ],
        "guides": [{
            "code": "TS-001", "name": "劳动保障监察举报投诉受理", "basis": "《劳动保障监察条例》第九条；《关于实施〈劳动保障监察条例〉若干规定》",
            "approving_body": "", "conditions": "用人单位违反劳动保障法律、法规或者规章，劳动者认为其合法权益受到侵害的。",
            "materials": [{"name": "劳动保障监察投诉书", "sample": "投诉书填写示范", "common_errors": "用人单位名称、地址不准确；诉求不明确"},
                          {"name": "投诉人身份证明", "sample": "身份证复印件", "common_errors": "—"}],
            "process": "投诉 → 5 个工作日内决定是否受理 → 调查 → 处理决定 → 告知投诉人",
            "time_limit": "自立案之日起 60 个工作日内办结，情况复杂的经批准可延长 30 个工作日",
            "remedies": "对处理决定不服的，可以依法申请行政复议或者提起行政诉讼。",
            "supervision": "12333 热线；本局三项制度工作领导小组", "accountability": "劳动保障监察员滥用职权、玩忽职守的，依法给予处分。",
        }],
        "random": [{"code": "SJ-001", "subject": "", "basis": "《劳动保障监察条例》第十五条；《保障农民工工资支付条例》",
                    "objects": "辖区内用人单位（重点为工程建设领域）", "content": "工资支付、劳动合同签订、社会保险参保情况",
                    "ratio": "不低于 5%", "method": "双随机抽取、书面审查与现场检查", "frequency": "每半年一次"}],
    },
}
# 行政处罚裁量基准 (行政处罚法 第三十四条; legal-rules.md §7): illustrative rows, by field of enforcement.
_AMR_SOURCE = "国市监法规〔2022〕2号《关于规范市场监督管理行政处罚裁量权的指导意见》；本机关裁量基准（示例）"
BENCHMARKS = {
    "amr": [
        {"code": "JZ-001", "name": "经营超过保质期的食品", "violated": f"{FOOD}第三十四条第（十）项",
         "basis": f"{FOOD}第一百二十四条第一款第（五）项", "level": "不予处罚",
         "circumstances": "初次违法、危害后果轻微并及时改正，货值金额不足五百元的（行政处罚法第三十三条第一款）",
         "standard": "不予行政处罚，责令改正并予以教育", "source": _AMR_SOURCE},
        {"code": "JZ-002", "name": "经营超过保质期的食品", "violated": f"{FOOD}第三十四条第（十）项",
         "basis": f"{FOOD}第一百二十四条第一款第（五）项", "level": "从轻处罚",
         "circumstances": "货值金额不足一万元，主动消除或者减轻危害后果的",
         "standard": "没收违法所得和违法经营的食品，并处五万元以上八万元以下罚款", "source": _AMR_SOURCE},
        {"code": "JZ-003", "name": "经营超过保质期的食品", "violated": f"{FOOD}第三十四条第（十）项",
         "basis": f"{FOOD}第一百二十四条第一款第（五）项", "level": "一般处罚",
         "circumstances": "货值金额不足一万元，无从轻、从重情节的",
         "standard": "没收违法所得和违法经营的食品，并处八万元以上十二万元以下罚款", "source": _AMR_SOURCE},
        {"code": "JZ-004", "name": "经营超过保质期的食品", "violated": f"{FOOD}第三十四条第（十）项",
         "basis": f"{FOOD}第一百二十四条第一款第（五）项", "level": "从重处罚",
         "circumstances": "以婴幼儿等特定人群为主要消费对象，或者一年内因同一违法行为受过处罚的",
         "standard": "没收违法所得和违法经营的食品，并处十二万元以上十五万元以下罚款；情节严重的，吊销许可证",
         "source": _AMR_SOURCE},
    ],
    "commerce": [
        {"code": "JZ-001", "name": "发卡企业未按规定办理单用途商业预付卡备案", "violated": "《单用途商业预付卡管理办法（试行）》第七条",
         "basis": "《单用途商业预付卡管理办法（试行）》第三十六条", "level": "一般处罚",
         "circumstances": "经责令限期改正，逾期仍未改正的",
         "standard": "处一万元以上二万元以下罚款", "source": "本机关商务领域行政处罚裁量基准（示例）"},
    ],
    "hrss": [
        {"code": "JZ-001", "name": "用人单位克扣或者无故拖欠劳动者工资", "violated": "《劳动法》第五十条",
         "basis": "《劳动保障监察条例》第二十六条", "level": "一般处罚",
         "circumstances": "经责令限期支付，逾期不支付的",
         "standard": "责令按应付金额百分之五十以上一倍以下的标准计算，向劳动者加付赔偿金",
         "source": "人力资源社会保障行政处罚裁量权基准（示例）"},
    ],
}
BENCHMARK_FIELD = {"pingluo-commerce": "commerce", "urumqi-gxq-hrss": "hrss"}
HOURS = "周一至周五 9:30—13:30，15:30—19:30（法定节假日除外）"
UNIT_DUTIES = "承担本机构职责范围内的行政执法和服务工作"


def load(stdout):
    from django.urls import reverse

    from sanxiang.access.actors import DEMO
    from sanxiang.core.public import public_url
    from sanxiang.orgs.models import Agency

    made = 0
    for code, spec in AGENCIES.items():
        agency = Agency.objects.filter(code=code).first()
        if agency is not None:
            made += _agency(agency, spec, DEMO)
    lines = [f"事前公开：已为各机关发布 {made} 个栏目版本"] if made else []
    lines.append(f"公开门户（无需登录）：{public_url(reverse('portal:index'))}")
    return lines


# 示范文本 as a file (issue 10 §1): the first material of each demo guide gets a filled-in sample form as
# a Word document — fictitious example values, marked as a sample. Built with python-docx, its dates fixed.
SAMPLE_LINES = {
    "食品经营许可申请书": [
        ("申请人名称", "某某餐饮管理有限公司（示例）"), ("统一社会信用代码", "与营业执照一致，18 位"),
        ("法定代表人（负责人）", "张某"), ("经营场所", "与营业执照住所一致，写明门牌号"),
        ("主体业态", "餐饮服务经营者 — 一般餐馆"), ("经营项目", "热食类食品制售（按实际勾选，不多选）"),
        ("食品安全管理人员", "李某，已经培训考核合格"), ("申请人签字（盖章）", "法定代表人亲笔签字并加盖公章"),
    ],
    "单用途卡业务备案表": [
        ("企业名称", "某某商贸有限公司（示例）"), ("统一社会信用代码", "与营业执照一致，18 位"),
        ("发卡类型", "记名卡 / 不记名卡（按实际填写）"), ("预计发卡规模", "上一会计年度发卡金额及预计本年度规模"),
        ("资金存管银行", "写明开户银行全称及存管账户"), ("企业法定代表人签字", "亲笔签字并加盖公章"),
    ],
    "劳动保障监察投诉书": [
        ("投诉人", "王某（示例）"), ("联系电话", "本人可以接通的电话"),
        ("被投诉用人单位", "写明全称和实际经营地址，与营业执照一致"), ("投诉事项", "2026 年 3 月至 5 月工资未发放"),
        ("诉求", "要求支付拖欠工资 15,000 元（写明金额和期间）"), ("投诉人签名及日期", "亲笔签名，写明日期"),
    ],
}


def sample_docx(title: str, lines) -> bytes:
    """A small .docx 示范文本: the form's title, each field with how to fill it, and a footnote."""
    import datetime as dt
    import io

    from docx import Document

    doc = Document()
    doc.core_properties.created = doc.core_properties.modified = dt.datetime(2026, 1, 1)
    doc.core_properties.title = f"{title}（填写示范）"
    doc.core_properties.author = doc.core_properties.last_modified_by = "三项制度平台示例"
    doc.add_heading(f"{title}（填写示范）", level=1)
    table = doc.add_table(rows=0, cols=2)
    for label, value in lines:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_paragraph("本示范文本中的名称、人员均为示例，请按本单位实际情况填写。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _with_sample_file(agency, items, actor) -> list[dict]:
    from .actions import do_store_guide_file

    out = []
    for g in items:
        materials = [dict(m) for m in g["materials"]]
        first = materials[0] if materials else None
        if first is not None and first["name"] in SAMPLE_LINES:
            row = do_store_guide_file(agency, sample_docx(first["name"], SAMPLE_LINES[first["name"]]),
                                      f"{first['name']}填写示范.docx", actor=actor)
            first["sample"], first["sample_file"] = "填写示范见附件（Word 文档）", row.sha256
        out.append({**g, "materials": materials})
    return out


def _officer(agency):
    from sanxiang.orgs.models import Certificate, CertificateKind, CertificateStatus, PersonKind

    cert = (Certificate.objects.filter(person__agency=agency, person__kind=PersonKind.OFFICER,
                                       kind=CertificateKind.ENFORCEMENT, status=CertificateStatus.VALID)
            .select_related("person").order_by("number").first())
    return cert


def _agency(agency, spec, actor) -> int:
    import datetime as dt

    from django.utils import timezone

    from .actions import do_publish_disclosure, do_record_disclosure_trigger, do_save_disclosure_item
    from .models import ChangeCause, DisclosureVersion, Section

    def missing(section):
        return not DisclosureVersion.objects.filter(agency=agency, section=section).exists()

    first = "本机关事前公开信息首次发布"
    made = 0
    units = [u.name for u in agency.units.order_by("id")]
    review_unit = next((u for u in units if "法规" in u or "综合" in u or "领导小组" in u), units[0] if units else "")
    officer_unit = units[1] if len(units) > 1 else (units[0] if units else agency.name)
    if missing(Section.AGENCY):
        do_publish_disclosure(agency, Section.AGENCY, {
            "functions": spec["functions"], "structure": [{"name": u, "duties": UNIT_DUTIES} for u in units],
            "address": spec["address"], "office_hours": HOURS, "phone": spec["phone"], "complaint": spec["complaint"],
            "supervision": f"对行政执法行为有异议的，可向本机关{review_unit}或上级机关、司法行政部门反映。", "website": ""},
            reason=first, actor=actor)
        made += 1
    if missing(Section.MATTERS):
        items = [{**m, "unit": officer_unit} for m in spec["matters"] if m["category"] in (agency.categories or [])]
        do_publish_disclosure(agency, Section.MATTERS, {"items": items}, reason=first, actor=actor)
        made += 1
        extra = spec.get("matters_v2")
        if extra:
            trigger = do_record_disclosure_trigger(
                agency, cause=ChangeCause.LAW, description="《食品经营许可和备案管理办法》（国家市场监督管理总局令第92号）施行",
                occurred_on=timezone.localdate() - dt.timedelta(days=20), actor=actor)
            do_save_disclosure_item(agency, Section.MATTERS, {**extra, "unit": officer_unit}, actor=actor,
                                    trigger=trigger, reason="《食品经营许可和备案管理办法》施行，增加相应处罚事项")
            made += 1
            do_record_disclosure_trigger(agency, cause=ChangeCause.FUNCTIONS, description="承接区政务服务中心划转的食品经营许可窗口职责",
                                         occurred_on=timezone.localdate() - dt.timedelta(days=5), actor=actor)
    if missing(Section.GUIDES):
        items = [{**g, "accepting_body": f"{agency.name}政务服务窗口",
                  "approving_body": g["approving_body"] or agency.name, "office_hours": HOURS,
                  "address": spec["address"], "phone": spec["phone"]} for g in spec["guides"]]
        items = _with_sample_file(agency, items, actor)
        do_publish_disclosure(agency, Section.GUIDES, {"items": items}, reason=first, actor=actor)
        made += 1
    if missing(Section.RANDOM_ITEMS):
        items = [{**r, "subject": r["subject"] or agency.name} for r in spec["random"]]
        do_publish_disclosure(agency, Section.RANDOM_ITEMS, {"items": items}, reason=first, actor=actor)
        made += 1
    if missing(Section.BENCHMARKS) and "行政处罚" in (agency.categories or []):
        items = BENCHMARKS[BENCHMARK_FIELD.get(agency.code, "amr")]
        do_publish_disclosure(agency, Section.BENCHMARKS, {"items": items}, reason=first, actor=actor)
        made += 1
    cert = _officer(agency)
    if missing(Section.WINDOWS) and cert is not None:
        do_publish_disclosure(agency, Section.WINDOWS, {"items": [{
            "code": "CK-01", "window": "政务服务窗口（综合受理）", "person": cert.person.name, "certificate": cert.number,
            "duties": "受理申请、一次性告知所需材料、出具受理或不予受理凭证", "on_duty": "on",
            "progress": f"现场或电话 {spec['phone']} 查询办理进度", "consultation": f"窗口现场咨询；电话 {spec['phone']}",
            "complaint": spec["complaint"]}]}, reason=first, actor=actor)
        made += 1
    return made
