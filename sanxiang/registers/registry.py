"""执法台账 as a small registry: a register is a name, a query and its columns.

Each register's `query(user)` returns the rows the user may read (the access policy, in SQL); the
registry filters them by date range, unit and state and turns them into typed values, the same for
the page, the JSON and the xlsx. A later register (音像记录台账, when the recordings exist) is one
`register(Register(...))` call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

TEXT, DATE, AMOUNT, QUANTITY, COUNT = "text", "date", "amount", "quantity", "count"


@dataclass(frozen=True)
class Column:
    """台账的一列: its Chinese header, how a row gives its value, and the value's kind."""

    key: str
    label: str
    value: Callable
    kind: str = TEXT
    width: int = 14  # characters, for the xlsx


@dataclass(frozen=True)
class Register:
    """台账 — the rows the user may read, by `query(user)`, filtered by `date_field` (from/to),
    `unit_field` and `state_field` (with `states`, value → label), ordered by `order_by`."""

    name: str
    label: str
    query: Callable
    columns: tuple[Column, ...]
    date_field: str
    date_label: str
    unit_field: str | None = None
    state_field: str | None = None
    states: Callable = field(default=lambda: {})
    order_by: tuple[str, ...] = ()
    prepare: Callable | None = None  # fetches what the columns read for a page of rows, in bulk
    position: int = 100


REGISTERS: dict[str, Register] = {}


def register(reg: Register) -> Register:
    REGISTERS[reg.name] = reg
    return reg


def registers() -> list[Register]:
    return sorted(REGISTERS.values(), key=lambda r: (r.position, r.name))


def rows_of(reg: Register, user, *, start: dt.date | None = None, end: dt.date | None = None, unit=None,
            state: str = "") -> list:
    """The register's rows for `user`: objects, filtered and ordered."""
    found = reg.query(user)
    if start is not None:
        found = found.filter(**{f"{reg.date_field}__gte": start})
    if end is not None:
        found = found.filter(**{f"{reg.date_field}__lte": end})
    if unit is not None and reg.unit_field:
        found = found.filter(**{reg.unit_field: unit})
    if state and reg.state_field:
        found = found.filter(**{reg.state_field: state})
    objects = list(found.order_by(*reg.order_by) if reg.order_by else found)
    if reg.prepare is not None:
        reg.prepare(objects)
    return objects


def typed(value, kind):
    """A cell's value as its kind: dates as dates, amounts and quantities as Decimals, text as text."""
    if value is None or value == "":
        return None
    if kind == DATE:
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        return value
    if kind in (AMOUNT, QUANTITY):
        return Decimal(value)
    if kind == COUNT:
        return int(value)
    return str(value)


def table(reg: Register, objects) -> list[list]:
    return [[typed(c.value(o), c.kind) for c in reg.columns] for o in objects]


def json_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_json(reg: Register, rows: list[list]) -> dict:
    return {"name": reg.name, "label": reg.label,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in reg.columns],
            "rows": [{c.key: json_value(v) for c, v in zip(reg.columns, row, strict=True)} for row in rows]}


NUMBER_FORMATS = {DATE: "yyyy-mm-dd", AMOUNT: "#,##0.00", QUANTITY: "0.###", COUNT: "0"}


def as_xlsx(reg: Register, rows: list[list], *, subtitle: str = "") -> bytes:
    """The register as an .xlsx workbook: a title row, the Chinese headers, then the typed rows."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from sanxiang.core.sheets import append_text_row

    book = Workbook()
    sheet = book.active
    sheet.title = reg.label[:31]
    sheet.append([f"{reg.label}{'（' + subtitle + '）' if subtitle else ''}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([c.label for c in reg.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:  # people's text as text, never a formula (s22 tester8 #4)
        append_text_row(sheet, [float(v) if isinstance(v, Decimal) else v for v in row])
    for index, column in enumerate(reg.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        fmt = NUMBER_FORMATS.get(column.kind)
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = fmt
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
