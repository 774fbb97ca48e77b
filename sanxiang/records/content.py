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


def refusal(mime: str | None) -> str:
    shown = f"（识别为 {mime}）" if mime else "（无法识别文件类型）"
    return f"不允许上传此类文件{shown}：只接受{ALLOWED_TEXT}。"
