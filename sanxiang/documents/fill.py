"""Filling a .docx template (docxtpl: Jinja tags in the document's text) and checking an uploaded one."""

from __future__ import annotations

import io
import zipfile

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from sanxiang.core.errors import RuleViolation

MAX_TEMPLATE_BYTES = 5 << 20


SIGNATURE_WIDTH_MM = 40


def fill(template_bytes: bytes, context: dict, images: dict[str, bytes] | None = None) -> bytes:
    """The filled document. Unknown names in the template are errors (StrictUndefined), so a
    template that asks for what the kind does not provide fails here, not silently blank.
    `images` (name → PNG) are placed where the template names them (the signatures)."""
    document = DocxTemplate(io.BytesIO(template_bytes))
    if images:
        context = {**context, **{name: InlineImage(document, io.BytesIO(png), width=Mm(SIGNATURE_WIDTH_MM))
                                 for name, png in images.items()}}
    document.render(context, jinja_env=jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True))
    if context.get("corrects"):
        _state_correction(document.docx, str(context["corrects"]), str(context.get("number") or ""))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _state_correction(document, text: str, number: str) -> None:
    """A correction says what it corrects (更正 …), under its own 文号 — whatever the template (an
    agency's own versions too), so it is added here, not asked of every template (s18 tester D2)."""
    paragraphs = document.paragraphs
    anchor = next((p for p in paragraphs if number and number in p.text), paragraphs[0] if paragraphs else None)
    if anchor is None:
        document.add_paragraph(text)
        return
    added = document.add_paragraph(text)  # appended at the end, then moved under the anchor
    added.alignment = anchor.alignment
    anchor._p.addnext(added._p)


def check_template(data: bytes, sample: dict) -> bytes:
    """`data` if it is a .docx template that renders against `sample`, else RuleViolation naming why."""
    if not data:
        raise RuleViolation("模板文件为空。", field="file")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise RuleViolation(f"模板文件过大（最多 {MAX_TEMPLATE_BYTES >> 20} MB）。", field="file")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RuleViolation("模板文件不是 Word 文档（.docx）。", field="file")
    try:
        fill(data, sample)
    except jinja2.TemplateSyntaxError as exc:
        raise RuleViolation(f"模板中的填充标记有语法错误（第 {exc.lineno} 行）：{exc.message}", field="file") from None
    except jinja2.UndefinedError as exc:
        raise RuleViolation(f"模板使用了本类文书没有的填充项：{exc.message}", field="file") from None
    except (KeyError, zipfile.BadZipFile, ValueError) as exc:
        raise RuleViolation(f"模板文件不是有效的 Word 文档（.docx）：{exc}", field="file") from None
    except Exception as exc:  # docxtpl/python-docx raise many kinds for a broken document
        raise RuleViolation(f"模板无法填充：{type(exc).__name__}：{exc}", field="file") from None
    return data
