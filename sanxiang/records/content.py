"""Which files may be uploaded, judged by their first bytes (not their name), with `filetype`
(pure Python, magic numbers; decision 0026)."""

import filetype

HEAD_BYTES = 8192  # what filetype reads: OOXML documents are told apart by names inside the zip

OFFICE = {
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/rtf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
ALLOWED_TEXT = "图片、音频、视频、PDF 和办公文档（Word、Excel、PowerPoint、WPS/OpenDocument）"


def media_type(head: bytes) -> str | None:
    """The MIME type the first bytes show, or None when they show none filetype knows."""
    kind = filetype.guess(bytes(head[:HEAD_BYTES]))
    return kind.mime if kind else None


def allowed(mime: str | None) -> bool:
    if not mime:
        return False
    return mime.split("/")[0] in ("image", "audio", "video") or mime == "application/pdf" or mime in OFFICE


# The name people see for a file's type (never the MIME type itself).
TYPE_NAMES = {
    "application/pdf": "PDF 文件",
    "application/msword": "Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
    "application/vnd.ms-excel": "Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
    "application/vnd.ms-powerpoint": "PowerPoint 演示文稿",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint 演示文稿",
    "application/rtf": "RTF 文档", "application/vnd.oasis.opendocument.text": "OpenDocument 文本",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument 表格",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument 演示文稿",
}
MAJOR_NAMES = {"image": "图片", "audio": "音频", "video": "视频", "text": "文本文件"}


def type_label(mime: str | None) -> str:
    """图片, 音频, 视频, PDF 文件, Word 文档… for a MIME type; 其他文件 when it names none of these."""
    if not mime:
        return "未知类型"
    mime = mime.split(";")[0].strip().lower()
    return TYPE_NAMES.get(mime) or MAJOR_NAMES.get(mime.split("/")[0], "其他文件")


def refusal(mime: str | None) -> str:
    shown = f"（识别为{type_label(mime)}）" if mime else "（无法识别文件类型）"
    return f"不允许上传此类文件{shown}：只接受{ALLOWED_TEXT}。"
