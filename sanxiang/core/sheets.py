"""Rows of people's text written into .xlsx workbooks (s22 tester8 #4).

openpyxl stores any string that starts with "=" as a formula: a title such as
`=HYPERLINK("http://…","点击查看")` typed into a record would become a live link or a computed cell
when the archivist opens the register in Excel or WPS (spreadsheet formula injection). Every text cell
of a row is written as text; numbers, dates and amounts keep their types. The sheets this platform
writes hold no formulas of their own.
"""

from __future__ import annotations


def append_text_row(sheet, values) -> None:
    """`sheet.append(values)`, each string written as text, never as a formula."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":  # openpyxl's guess for a string starting with "="
            cell.data_type = "s"
