"""The 法制审核目录清单 as an Excel workbook: export a version, read one back as rules (decision 0045).

One row per rule under a title row and a header row of Chinese column names; list cells hold the
values in words joined by ； (labels themselves contain 、; the keys are accepted too); amounts are whole yuan. Reading checks
every row and column and refuses the whole workbook, naming row and column, when anything is
wrong — nothing is half-imported. An exported version reads back to the same rules.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sanxiang.core.errors import RuleViolation

from .conditions import PART_VOCABULARY, VALUE_LABELS, ShapeError, parse_rules, rule_data

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 2 * 1024 * 1024
MAX_RULES = 500
MAX_REASONS = 20
JOINER = "；"
SEPARATORS = re.compile(r"[；;\n]+")


@dataclass(frozen=True)
class Column:
    header: str
    part: str  # key, label, citation, a list part of the condition, or amount:<part>:<person|org>
    width: int = 16


COLUMNS = [
    Column("规则编号", "key", 24),
    Column("情形", "label", 36),
    Column("依据", "citation", 48),
    Column("决定种类", "kinds"),
    Column("程序", "procedures", 12),
    Column("当事人类别", "party_kinds"),
    Column("处罚种类", "penalties_any", 24),
    Column("罚款数额（自然人）", "amount:fine_at_least:person", 12),
    Column("罚款数额（组织）", "amount:fine_at_least:org", 12),
    Column("没收金额（自然人）", "amount:confiscation_at_least:person", 12),
    Column("没收金额（组织）", "amount:confiscation_at_least:org", 12),
    Column("听证", "hearing_in", 16),
    Column("情形标记", "flags_any", 36),
    Column("执法层级", "levels", 12),
    Column("执法领域", "fields", 16),
    Column("决定事项", "decisions", 16),
]
HEADERS = [c.header for c in COLUMNS]
# Columns added after workbooks were first exported: a workbook without them still imports (empty).
OPTIONAL_HEADERS = {"决定事项"}


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _cell(rule: dict, column: Column):
    condition = rule["condition"]
    if column.part in ("key", "label", "citation"):
        return rule[column.part]
    if column.part.startswith("amount:"):
        _, part, who = column.part.split(":")
        return condition[part][who] if part in condition else None
    values = condition.get(column.part) or []
    if column.part == "fields":
        return JOINER.join(values) or None
    labels = VALUE_LABELS[PART_VOCABULARY[column.part]]
    return JOINER.join(labels[v] for v in values) or None


def export_rules(rules: list[dict], *, title: str) -> bytes:
    """The rules as a workbook: the title, the Chinese headers, one row per rule."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "法制审核目录清单"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for rule in rules:
        sheet.append([_cell(rule, c) for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[_letter(index)].width = column.width
        for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_version(version) -> bytes:
    date = f"，自{version.effective_from:%Y年%m月%d日}起施行" if version.effective_from else ""
    return export_rules(version.rules, title=f"{version.agency.name}重大执法决定法制审核目录清单（第{version.version}版{date}）")


class _RowError(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _values(raw: str, part: str) -> list[str]:
    items = [v.strip() for v in SEPARATORS.split(raw) if v.strip()]
    if part == "fields":
        return items
    labels = VALUE_LABELS[PART_VOCABULARY[part]]
    by_label = {label: key for key, label in labels.items()}
    known = by_label | {key: key for key in labels}
    out = []
    for item in items:
        # "行政处罚、行政许可" typed by hand: 、 separates when every piece is a value
        pieces = [item] if item in known else [p.strip() for p in item.split("、")]
        if not all(p in known for p in pieces):
            raise _RowError(f"“{item}”不是可用的取值（多个取值用“；”分隔；可用：{JOINER.join(labels.values())}）")
        out.extend(known[p] for p in pieces if known[p] not in out)
    return out


def _amount(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _RowError(f"{value!r} 不是金额")
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise _RowError(f"“{value}”不是金额（应为整数元）") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise _RowError(f"“{value}”不是整数元")
    if number < 0:
        raise _RowError(f"“{value}”不能为负数")
    return int(number)


def _rule_of_row(cells: dict[str, object], where) -> dict:
    rule: dict = {"condition": {}}
    amounts: dict[str, dict[str, int]] = {}
    for column in COLUMNS:
        value = cells.get(column.header)
        try:
            if column.part in ("key", "label", "citation"):
                text = _text(value)
                if text:
                    rule[column.part] = text
            elif column.part.startswith("amount:"):
                _, part, who = column.part.split(":")
                number = _amount(value)
                if number is not None:
                    amounts.setdefault(part, {})[who] = number
            else:
                values = _values(_text(value), column.part)
                if values:
                    rule["condition"][column.part] = values
        except _RowError as exc:
            raise _RowError(f"{where(column)}：{exc}") from None
    for part, given in amounts.items():
        if len(given) != 2:
            missing = next(c for c in COLUMNS if c.part.startswith(f"amount:{part}:") and
                           c.part.rsplit(":", 1)[1] not in given)
            raise _RowError(f"{where(missing)}：自然人与组织的数额须同时填写（不设下限的一方填 0）")
        rule["condition"][part] = given
    return rule


TITLE_MARK = "重大执法决定法制审核目录清单"


def _title_problem(rows, header_at: int, agency_name: str | None) -> str | None:
    """An exported workbook's title row names its agency ("…重大执法决定法制审核目录清单（第N版…）"): a
    workbook of another agency is not this agency's catalogue (decision 0082). A title naming no agency
    (a hand-made sheet) says nothing either way."""
    if not agency_name:
        return None
    for n, row in enumerate(rows[:header_at], start=1):
        title = _text((row or (None,))[0])
        if TITLE_MARK in title:
            named = title.split(TITLE_MARK, 1)[0].strip()
            if named and named != agency_name:
                return (f"第 {n} 行（标题）：这是“{named}”的审核目录清单，不是“{agency_name}”的；请导入本机关的目录"
                        f"（可先导出本机关现行的目录，修改后导入）")
    return None


def read_rules(data: bytes, *, agency_name: str | None = None) -> list[dict]:
    """The rules of a workbook, each validated; RuleViolation naming every bad row and column. With
    `agency_name`, a workbook whose title names another agency is refused."""
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise RuleViolation(f"文件过大（最多 {MAX_BYTES // 1024 // 1024} MB）。", field="file")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True)  # formulas as written: refused below, never guessed
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds for a file that is not a workbook
        raise RuleViolation("文件不是有效的 Excel 工作簿（.xlsx）。", field="file") from None
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    header_at = next((n for n, row in enumerate(rows[:5]) if row and _text(row[0]) == HEADERS[0]), None)
    if header_at is None:
        raise RuleViolation(f"找不到表头：前 5 行中应有一行以“{HEADERS[0]}”开头（请使用导出的模板）。", field="file")
    header = [_text(v) for v in rows[header_at]]
    problems = []
    foreign = _title_problem(rows, header_at, agency_name)
    if foreign:
        raise RuleViolation(f"工作簿未导入：{foreign}。", field="file", reasons=[foreign], code="catalogue_of_another_agency")
    for index, name in enumerate(header, start=1):
        if name and name not in HEADERS:
            problems.append(f"第 {header_at + 1} 行第 {_letter(index)} 列：未知的列“{name}”")
        elif name and header.index(name) != index - 1:
            problems.append(f"第 {header_at + 1} 行第 {_letter(index)} 列：列“{name}”重复")
    missing = [h for h in HEADERS if h not in header and h not in OPTIONAL_HEADERS]
    if missing:
        problems.append(f"第 {header_at + 1} 行：缺少列 {'、'.join(missing)}")
    if problems:
        _refuse(problems)
    position = {name: header.index(name) for name in HEADERS if name in header}
    rules, row_of_key = [], {}
    for n, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        row = tuple(row or ())
        if not any(_text(v) for v in row):
            continue
        cells = {name: row[position[name]] if position.get(name, len(row)) < len(row) else None for name in HEADERS}
        # a value under no header, or a formula, would be dropped or misread: said, not ignored (tester9 #6)
        stray = [i for i, v in enumerate(row) if _text(v) and (i >= len(header) or not header[i])]
        problems.extend(f"第 {n} 行第 {_letter(i + 1)} 列：该列没有表头，内容“{_text(row[i])[:20]}”无法导入"
                        f"（请删除或移入相应的列）" for i in stray)
        formulas = [i for i, v in enumerate(row) if isinstance(v, str) and v.startswith("=") and i not in stray]
        problems.extend(f"第 {n} 行第 {_letter(i + 1)} 列"
                        f"{'（' + header[i] + '）' if i < len(header) and header[i] else ''}：单元格是公式"
                        f"“{row[i][:20]}”，请填写文字或数字（导入不计算公式）" for i in formulas)
        if stray or formulas:
            continue

        def where(column, n=n):
            return f"第 {n} 行第 {_letter(position[column.header] + 1)} 列（{column.header}）"
        # A key repeated is said whatever else is wrong with either row: every problem at once.
        key = _text(cells["规则编号"])
        repeated = key in row_of_key
        if repeated:
            problems.append(f"第 {n} 行第 A 列（规则编号）：“{key}”与第 {row_of_key[key]} 行重复")
        elif key:
            row_of_key[key] = n
        try:
            raw = _rule_of_row(cells, where)
            rule = parse_rules([raw])[0]
        except _RowError as exc:
            problems.append(str(exc))
            continue
        except ShapeError as exc:
            problems.append(f"第 {n} 行：{_row_message(exc.message)}")
            continue
        if not repeated:
            rules.append(rule_data(rule))
    if problems:
        _refuse(problems)
    if not rules:
        raise RuleViolation("工作簿中没有规则：表头之下每行一条规则。", field="file")
    if len(rules) > MAX_RULES:
        raise RuleViolation(f"规则过多（最多 {MAX_RULES} 条）。", field="file")
    return rules


def _row_message(message: str) -> str:
    """The rule validator's words for a row ("第 1 条规则：" is the row's own number here)."""
    message = message.removeprefix("第 1 条规则：")
    for column in COLUMNS:
        key = column.part.split(":")[1] if column.part.startswith("amount:") else column.part
        message = message.replace(f"（{key}）", f"（{column.header}列）")
    return message


def _refuse(problems: list[str]):
    shown = problems[:MAX_REASONS]
    more = f"；另有 {len(problems) - MAX_REASONS} 处问题" if len(problems) > MAX_REASONS else ""
    shown = [p.rstrip("。") for p in shown]
    raise RuleViolation(f"工作簿未导入（共 {len(problems)} 处问题）：{shown[0]}{more}。", field="file",
                        reasons=shown, code="invalid_catalogue_workbook")
