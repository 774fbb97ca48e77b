"""The shape of each 事前公开 section's content, with the labels the portal and the editing pages show.

List sections (执法事项清单, 服务指南, 随机抽查事项清单, 岗位信息公示牌, 行政处罚裁量基准) hold `{"items": [...]}`, each item
with a public `code` (事项编码/牌号: letters, digits and "-", unique in the section) — the portal's
addresses use it, never a database id. The 服务指南 fields are the union of the five seeds' (issue 10
§1: 事项名称, 依据, 受理机构, 审批机构, 受理条件, 申请材料 with 示范文本 and 常见错误示例, 办理流程,
办理时限, 救济渠道, 监督方式, 责任追究, 办公时间, 地址, 电话). The agency section is one record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sanxiang.core import inputs
from sanxiang.core.errors import RuleViolation

from .models import Section

LINE, TEXT, MATERIALS, UNITS, DUTY = "line", "text", "materials", "units", "duty"
MAX = {LINE: 200, TEXT: 4000}
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")
DUTY_STATES = {"on": "在岗", "off": "不在岗"}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = LINE
    required: bool = True
    help: str = ""


AGENCY_FIELDS = (
    Field("functions", "主要职能", TEXT),
    Field("structure", "内设机构及职责", UNITS, help="每行一个机构：机构名称｜主要职责"),
    Field("address", "办公地址"),
    Field("office_hours", "办公时间"),
    Field("phone", "咨询电话"),
    Field("complaint", "投诉举报渠道", TEXT),
    Field("supervision", "监督方式", TEXT, required=False),
    Field("website", "网站", required=False),
)

ITEM_FIELDS = {
    Section.MATTERS: (
        Field("code", "事项编码"), Field("name", "事项名称"), Field("category", "执法类别"),
        Field("basis", "执法依据", TEXT), Field("unit", "承办机构"),
    ),
    Section.GUIDES: (
        Field("code", "事项编码"), Field("name", "事项名称"), Field("basis", "设定依据", TEXT),
        Field("accepting_body", "受理机构"), Field("approving_body", "审批机构"),
        Field("conditions", "受理条件", TEXT),
        Field("materials", "申请材料", MATERIALS, help="每行一项：材料名称｜示范文本｜常见错误示例（示范文本、常见错误示例的文件在本页下方上传）"),
        Field("process", "办理流程", TEXT), Field("time_limit", "办理时限"), Field("remedies", "救济渠道", TEXT),
        Field("supervision", "监督方式", TEXT), Field("accountability", "责任追究", TEXT),
        Field("office_hours", "办公时间"), Field("address", "办公地址"), Field("phone", "办公电话"),
    ),
    Section.RANDOM_ITEMS: (
        Field("code", "事项编码"), Field("subject", "抽查主体"), Field("basis", "抽查依据", TEXT),
        Field("objects", "抽查对象", TEXT), Field("content", "抽查内容", TEXT), Field("ratio", "抽查比例"),
        Field("method", "抽查方式"), Field("frequency", "抽查频次"),
    ),
    # legal-rules.md §7: violation → legal basis (违法条款 + 处罚条款) → level/情节 → penalty and amount
    Section.BENCHMARKS: (
        Field("code", "基准编号"), Field("name", "违法行为"), Field("violated", "违法依据", TEXT),
        Field("basis", "处罚依据", TEXT), Field("level", "裁量阶次", help="不予处罚、减轻处罚、从轻处罚、一般处罚、从重处罚"),
        Field("circumstances", "适用情形", TEXT), Field("standard", "处罚标准", TEXT),
        Field("source", "制定依据", required=False, help="例如 国市监法规〔2022〕2号；本机关裁量基准文件名称"),
    ),
    Section.WINDOWS: (
        Field("code", "牌号"), Field("window", "窗口（岗位）"), Field("person", "工作人员"),
        Field("certificate", "执法证号", required=False, help="持执法证的，填写证号，公示牌上可扫码核验"),
        Field("duties", "岗位职责", TEXT), Field("on_duty", "在岗情况", DUTY),
        Field("progress", "办理进度查询"), Field("consultation", "咨询服务"), Field("complaint", "投诉举报"),
    ),
}


def fields_of(section: str) -> tuple[Field, ...]:
    return AGENCY_FIELDS if section == Section.AGENCY else ITEM_FIELDS[Section(section)]


def is_list(section: str) -> bool:
    return section != Section.AGENCY


def _text(value, f: Field, where: str) -> str:
    where = where.replace("{", "{{").replace("}", "}}")  # the messages below are templates
    return inputs.text(value, label=f.label, field=f.name, max_length=MAX[f.kind if f.kind in MAX else LINE],
                       required=f.required, empty=where + "请填写“{label}”。", not_text=where + "“{label}”应为文字。",
                       too_long=where + "“{label}”过长（最多 {max_length} 字）。")


def _rows(value, f: Field, where: str, keys: tuple[str, ...]) -> list[dict]:
    """A list of small records, given as such or as lines "a｜b｜c" (the editing form's textarea)."""
    if isinstance(value, str):
        value = [dict(zip(keys, (p.strip() for p in re.split(r"[｜|]", line)), strict=False))
                 for line in value.splitlines() if line.strip()]
    if not isinstance(value, list):
        raise RuleViolation(f"{where}“{f.label}”应为列表。", field=f.name)
    rows = []
    for i, row in enumerate(value, 1):
        if not isinstance(row, dict) or set(row) - set(keys):
            raise RuleViolation(f"{where}“{f.label}”第 {i} 项格式不对。", field=f.name)
        clean = {}
        for k in keys:
            v = row.get(k) or ""
            if not isinstance(v, str):
                raise RuleViolation(f"{where}“{f.label}”第 {i} 项应为文字。", field=f.name)
            clean[k] = v.strip()
        if not clean[keys[0]]:
            raise RuleViolation(f"{where}“{f.label}”第 {i} 项缺少名称。", field=f.name)
        if any(len(v) > MAX[TEXT] for v in clean.values()):
            raise RuleViolation(f"{where}“{f.label}”第 {i} 项过长。", field=f.name)
        rows.append(clean)
    if f.required and not rows:
        raise RuleViolation(f"{where}请填写“{f.label}”。", field=f.name)
    return rows


# 申请材料's files (示范文本、常见错误示例 as PDF, Word or an image): the keys of a material row naming a
# stored 服务指南附件 by its SHA-256; the version holds {sha256, name, media_type, size}.
FILE_ROLES = {"sample_file": "示范文本", "errors_file": "常见错误示例"}
MATERIAL_KEYS = ("name", "sample", "common_errors")


def _materials(value, f: Field, where: str, files) -> list[dict]:
    refs = []
    if isinstance(value, list):
        plain = []
        for row in value:
            if isinstance(row, dict):
                refs.append({k: row[k] for k in FILE_ROLES if row.get(k)})
                row = {k: v for k, v in row.items() if k not in FILE_ROLES}
            else:
                refs.append({})
            plain.append(row)
        value = plain
    rows = _rows(value, f, where, MATERIAL_KEYS)
    for i, (row, given) in enumerate(zip(rows, refs, strict=False), 1):
        for key, label in FILE_ROLES.items():
            if key not in given:
                continue
            if files is None:
                raise RuleViolation(f"{where}“{f.label}”第 {i} 项的{label}文件须先上传。", field=f.name)
            row[key] = files(given[key], f"{where}“{f.label}”第 {i} 项的{label}")
    return rows


def carry_files(new, old) -> list | str:
    """The materials of an edit made as lines of text (the editing form) with the files each material of
    the same name had: editing the words keeps the attached 示范文本 and 常见错误示例."""
    if not isinstance(new, str):
        return new
    by_name = {m.get("name"): m for m in old or [] if isinstance(m, dict)}
    rows = []
    for line in new.splitlines():
        if not line.strip():
            continue
        row = dict(zip(MATERIAL_KEYS, (p.strip() for p in re.split(r"[｜|]", line)), strict=False))
        before = by_name.get(row.get("name"), {})
        rows.append({**row, **{k: before[k] for k in FILE_ROLES if before.get(k)}})
    return rows


def clean_record(data, fields: tuple[Field, ...], where: str = "", files=None) -> dict:
    if not isinstance(data, dict):
        raise RuleViolation(f"{where}内容格式不对。", field="content")
    unknown = set(data) - {f.name for f in fields}
    if unknown:
        raise RuleViolation(f"{where}有未知的栏目：{'、'.join(sorted(unknown))}。", field=sorted(unknown)[0])
    out = {}
    for f in fields:
        value = data.get(f.name)
        if f.kind == MATERIALS:
            out[f.name] = _materials(value, f, where, files)
        elif f.kind == UNITS:
            out[f.name] = _rows(value, f, where, ("name", "duties"))
        elif f.kind == DUTY:
            if value not in DUTY_STATES:
                raise RuleViolation(f"{where}“{f.label}”应为在岗或不在岗。", field=f.name)
            out[f.name] = value
        else:
            out[f.name] = _text(value, f, where)
    if "code" in out and not CODE.match(out["code"]):
        raise RuleViolation(f"{where}“编码”只能由字母、数字和“-”组成（最多 32 位），例如 CF-001。", field="code")
    return out


def clean_content(section: str, content, files=None) -> dict:
    """The section's content validated and normalised; RuleViolation names the first fault. `files`
    resolves a 申请材料's file reference (its SHA-256) to the stored file's description, or refuses."""
    section = Section(section)
    if not is_list(section):
        return clean_record(content, AGENCY_FIELDS)
    if not isinstance(content, dict) or set(content) != {"items"} or not isinstance(content["items"], list):
        raise RuleViolation("内容应为 {\"items\": [...]}。", field="content")
    items, seen = [], set()
    for i, item in enumerate(content["items"], 1):
        row = clean_record(item, ITEM_FIELDS[section], where=f"第 {i} 项：", files=files)
        if row["code"] in seen:
            raise RuleViolation(f"编码“{row['code']}”重复：同一清单中的编码不能相同。", field="code")
        seen.add(row["code"])
        items.append(row)
    return {"items": items}


def shown(section: str, record: dict) -> list[dict]:
    """(label, value, kind) rows of one record for the pages, in the fields' order."""
    rows = []
    for f in fields_of(section):
        value = record.get(f.name)
        if f.kind == DUTY:
            value = DUTY_STATES.get(value, "")
        if value in ("", None, []):
            continue
        if f.kind == MATERIALS:
            value = [_with_labels(m) for m in value]
        rows.append({"name": f.name, "label": f.label, "value": value, "kind": f.kind})
    return rows


def _with_labels(material: dict) -> dict:
    """A material row for the pages: each file with its type and size as people read them."""
    from .files import ALLOWED, size_label

    out = dict(material)
    for key in FILE_ROLES:
        desc = material.get(key)
        if isinstance(desc, dict):
            out[key] = {**desc, "type_label": ALLOWED.get(desc.get("media_type"), "文件"),
                        "size_label": size_label(int(desc.get("size") or 0))}
    return out
