"""服务指南附件的文件检查: a 示范文本 or 常见错误示例 is a PDF, a Word document (.docx) or an image (PNG,
JPEG), judged by its bytes, never by its name; at most `GUIDE_FILE_MAX_BYTES` (settings, 5 MB by
default — a filled-in sample form, not a scan of a whole file). The portal serves it to anyone, so
nothing that runs is accepted: no macro-enabled Office file, no program inside the .docx, no HTML or
SVG "image"."""

from __future__ import annotations

import io
import re
import zipfile

from django.conf import settings

from sanxiang.core.errors import RuleViolation

PDF, DOCX, PNG, JPEG = ("application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "image/png", "image/jpeg")
ALLOWED = {PDF: "PDF 文件", DOCX: "Word 文档", PNG: "PNG 图片", JPEG: "JPEG 图片"}
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", PNG: ".png", JPEG: ".jpg"}
ALLOWED_TEXT = "PDF、Word 文档（.docx）或图片（PNG、JPEG）"
DEFAULT_MAX = 5 << 20
NAME_MAX = 100
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def max_bytes() -> int:
    return int(getattr(settings, "GUIDE_FILE_MAX_BYTES", DEFAULT_MAX))


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1 << 20:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1 << 20):.1f} MB"


def clean_name(name, media_type: str) -> str:
    """The name the file is shown and downloaded under: the path and control characters dropped, the
    extension the type's (a `.docx` named `x.exe` is offered as `x.docx`)."""
    name = name if isinstance(name, str) else ""
    name = _BAD_NAME.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip().strip(".")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:NAME_MAX - 6].strip() or "示范文本"
    return stem + EXTENSIONS[media_type]


def _docx_problem(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return "不是有效的 Word 文档（.docx）"
            types = z.read("[Content_Types].xml")
            if b"macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
                return "含有宏的 Word 文档不能公开"
            if any(n.lower().endswith((".exe", ".dll", ".bat", ".cmd", ".js", ".vbs", ".bin", ".ole")) for n in names):
                return "文档中嵌有程序或对象，不能公开"
            if z.testzip() is not None:
                return "文档已损坏"
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, NotImplementedError):
        return "不是有效的 Word 文档（.docx）"
    return None


def _image_problem(data: bytes, media_type: str) -> str | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format != {PNG: "PNG", JPEG: "JPEG"}[media_type]:
                return "图片格式与内容不符"
            im.verify()
    except Exception:  # Pillow raises many kinds for a broken image
        return "图片已损坏或无法读取"
    return None


def _pdf_problem(data: bytes) -> str | None:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        return "不是完整的 PDF 文件"
    if re.search(rb"/(JavaScript|JS|Launch|EmbeddedFile)\b", data):
        return "含有脚本、启动动作或嵌入文件的 PDF 不能公开"
    return _pdf_structure_problem(data)


def _pdf_structure_problem(data: bytes) -> str | None:
    """What the raw bytes cannot show (compressed object streams): the catalog's actions, name trees and
    every page's additional actions, read with pypdf."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        if "/OpenAction" in root or "/AA" in root or "/JavaScript" in names or "/EmbeddedFiles" in names:
            return "含有脚本、启动动作或嵌入文件的 PDF 不能公开"
        for page in reader.pages:
            if "/AA" in page:
                return "含有脚本、启动动作或嵌入文件的 PDF 不能公开"
    except Exception:  # pypdf raises many kinds for a broken file
        return "不是完整的 PDF 文件"
    return None


def media_type_of(data: bytes) -> str:
    """The checked type of `data`, or RuleViolation saying why it is refused."""
    import filetype

    if not data:
        raise RuleViolation("请选择要上传的文件。", field="file")
    if len(data) > max_bytes():
        raise RuleViolation(f"文件过大：示范文本和常见错误示例最大 {size_label(max_bytes())}。", field="file",
                            code="file_too_large")
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime not in ALLOWED:
        raise RuleViolation(f"只能上传{ALLOWED_TEXT}（按文件内容识别，不看文件名）。", field="file",
                            code="file_type_refused")
    problem = (_pdf_problem(data) if mime == PDF else _docx_problem(data) if mime == DOCX
               else _image_problem(data, mime))
    if problem:
        raise RuleViolation(f"文件未通过检查：{problem}。", field="file", code="file_refused")
    return mime
