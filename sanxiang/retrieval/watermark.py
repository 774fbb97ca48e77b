"""Visible watermarks (水印) on downloaded copies of confidential records: the user's name and the time.

PDFs get a stamp page merged over every page (the stamp drawn by fpdf2 with an embedded CJK font,
merged by pypdf, so the text is real text a reader sees and `pdftotext` finds); images get the text
drawn in (Pillow). The stored original is never touched: the copy is made per download.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import lru_cache

from sanxiang.core.errors import SanxiangError

FONT_CANDIDATES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                   "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
SC_IN_COLLECTION = 2  # Noto CJK collections: JP, KR, SC, TC, HK
# PDFs and the images Pillow reads; JPEG and PNG stay JPEG and PNG, the others (WebP, GIF — its first
# frame —, TIFF, BMP) become a watermarked PNG copy (s19 tester8 #7). HEIC needs a plugin not installed:
# like an image over the pixel limit it goes to the entitled as the original, marked 未加水印 (serving).
WATERMARKED_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp", "image/gif", "image/tiff",
                     "image/bmp", "image/heic", "image/heif")
CONVERTED_TYPES = {"image/webp", "image/gif", "image/tiff", "image/bmp"}


class WatermarkError(SanxiangError):
    status = 500
    code = "watermark_failed"
    default_message = "无法为该文件加水印，未提供下载。"


class Unstampable(SanxiangError):
    """The file cannot carry the reader's mark (not damaged: an image too large or in a format Pillow
    cannot read, an encrypted PDF). `reason` says why, for the notice of an unmarked original."""

    status = 403
    code = "watermark_impossible"
    default_message = "该文件无法加注查阅人水印。"

    def __init__(self, message=None, *, reason="", **kwargs):
        super().__init__(message, **kwargs)
        self.reason = reason or "无法加注水印"


class ImageTooLarge(Unstampable):
    code = "image_too_large"
    default_message = "图片过大，无法加注查阅人水印，未提供。"


def output_type(content_type: str) -> str:
    """The content type of the watermarked copy (a WebP, GIF or TIFF becomes a PNG)."""
    return "image/png" if content_type in CONVERTED_TYPES else content_type


def output_name(filename: str, content_type: str) -> str:
    if content_type not in CONVERTED_TYPES:
        return filename
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return f"{stem}（加水印副本）.png"


DEFAULT_MAX_PIXELS = 25_000_000


def max_pixels() -> int:
    """The largest image stamped (settings.RETRIEVAL_WATERMARK_MAX_PIXELS; its reason is there)."""
    from django.conf import settings

    return int(getattr(settings, "RETRIEVAL_WATERMARK_MAX_PIXELS", DEFAULT_MAX_PIXELS))


@lru_cache(maxsize=1)
def font_path() -> str:
    import os

    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True,
                               timeout=10).stdout.strip()
        if found:
            return found
    raise WatermarkError("服务器缺少中文字体，无法加水印，未提供下载。")


def applies_to(content_type: str) -> bool:
    return content_type in WATERMARKED_TYPES


def apply(data: bytes, content_type: str, text: str) -> bytes:
    try:
        if content_type == "application/pdf":
            return _pdf(data, text)
        return _image(data, content_type, text)
    except (WatermarkError, Unstampable):
        raise
    except Exception as exc:  # a damaged file: nothing served, nothing ledgered
        raise WatermarkError("无法为该文件加水印（文件可能已损坏），未提供下载，请联系管理员。") from exc


def _stamp(width: float, height: float, text: str, notice: str = ""):
    from fpdf import FPDF
    from pypdf import PdfReader

    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("cjk", fname=font_path(), collection_font_number=SC_IN_COLLECTION)
    size = max(9.0, min(18.0, width / 30))
    pdf.set_font("cjk", size=size)
    pdf.set_text_color(200, 30, 30)
    with pdf.local_context(fill_opacity=0.35, stroke_opacity=0.35):
        for fraction in (0.08, 0.5, 0.92):
            pdf.text(size, height * fraction, text)
        if notice:  # a sealed original's copy says where its seal is checked
            small = max(6.0, min(9.0, (width - 2 * size) / max(1, len(notice))))
            pdf.set_font("cjk", size=small)
            pdf.text(size, height * 0.96, notice)
    return PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0]


def is_sealed(data: bytes) -> bool:
    """The PDF carries a signature (the agency's 电子印章): its signed bytes must stay as they are."""
    return b"/ByteRange" in data


def seal_notice(data: bytes) -> str:
    import hashlib

    return (f"复制件：电子印章以原件为准。原件即本文件前 {len(data)} 字节"
            f"（SHA-256 {hashlib.sha256(data).hexdigest()[:16]}…），其印章可据此核验。")


def _pdf(data: bytes, text: str) -> bytes:
    """The stamp merged over every page as an **incremental update**: the original bytes stay the
    file's first bytes, so a sealed PDF's signature still verifies (intact, valid) over its revision and
    the original is cut back out by length; a reader shows the seal as followed by a later revision (the
    copy's stamp), and the stamp says so (`seal_notice`). A PDF pypdf cannot update incrementally is
    rewritten whole — unless it is sealed: then nothing is served rather than a copy with a broken seal."""
    from pypdf import PdfReader, PdfWriter

    if _encrypted(data):
        raise Unstampable("该 PDF 已加密（设有密码），无法加注查阅人水印。", reason="该 PDF 已加密、无法加注水印")
    sealed = is_sealed(data)
    notice = seal_notice(data) if sealed else ""
    try:
        writer = PdfWriter(io.BytesIO(data), incremental=True)
        out = _stamped(writer, text, notice)
        if out.startswith(data):
            return out
    except Exception:
        if sealed:
            raise
    if sealed:
        raise WatermarkError("无法在保留电子印章的前提下加水印，未提供；请联系管理员。")
    return _stamped(PdfWriter(clone_from=PdfReader(io.BytesIO(data))), text, "")


def _encrypted(data: bytes) -> bool:
    from pypdf import PdfReader

    try:
        return PdfReader(io.BytesIO(data)).is_encrypted
    except Exception:  # damaged: the stamping says so
        return False


def _stamped(writer, text: str, notice: str) -> bytes:
    stamps = {}
    for page in writer.pages:
        box = page.mediabox
        key = (float(box.width), float(box.height))
        if key not in stamps:
            stamps[key] = _stamp(*key, text, notice)
        page.merge_page(stamps[key])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image(data: bytes, content_type: str, text: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    limit = f"超过 {max_pixels() // 10000} 万像素"
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only: the size is known before decoding
    except Image.DecompressionBombError:  # beyond Pillow's own bound (~179 million pixels)
        raise ImageTooLarge(f"图片过大（{limit}），无法在线加注查阅人水印。", reason=f"图片{limit}、无法加注水印") from None
    except Image.UnidentifiedImageError:  # HEIC without its plugin, or a format Pillow does not read
        raise Unstampable("该图片的格式无法加注查阅人水印。", reason="图片格式无法加注水印") from None
    width, height = image.size
    if width * height > max_pixels():
        raise ImageTooLarge(f"图片过大（{width}×{height} 像素，{limit}），无法在线加注查阅人水印。",
                            reason=f"图片 {width}×{height} 像素，{limit}、无法加注水印")
    if getattr(image, "n_frames", 1) > 1:  # an animated GIF, a multi-page TIFF: a copy of one frame would hide the rest
        raise Unstampable("该图片有多帧（动画或多页），无法加注查阅人水印。", reason="图片有多帧（动画或多页）、无法加注水印")
    image.load()
    mode = "RGBA"
    base = image.convert(mode)
    layer = Image.new(mode, base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    size = max(12, base.width // 30)
    font = ImageFont.truetype(font_path(), size=size, index=SC_IN_COLLECTION)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    if right - left + 2 * size > base.width or base.height < 4 * size:
        merged = _with_band(base, text, font, size, (right - left, bottom - top))
    else:
        for fraction in (0.08, 0.5, 0.9):
            draw.text((size, int(base.height * fraction)), text, font=font, fill=(200, 30, 30, 140))
        merged = Image.alpha_composite(base, layer)
    out = io.BytesIO()
    if output_type(content_type) == "image/png":
        merged.save(out, "PNG")
    else:
        merged.convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def _with_band(base, text: str, font, size: int, text_size: tuple[int, int]):
    """A small image (a cropped screenshot, an ID-photo thumbnail, a thin strip) cannot hold the reader's
    name and time legibly: the copy is the image with a white band below it, wide enough for the whole
    mark, drawn opaque (s22 tester8 #12: a 16×16 PNG served 「已加水印」 had 15 changed pixels)."""
    from PIL import Image, ImageDraw

    text_width, text_height = text_size
    width = max(base.width, text_width + 2 * size)
    band = text_height + 2 * size
    canvas = Image.new("RGBA", (width, base.height + band), (255, 255, 255, 255))
    canvas.alpha_composite(base, (0, 0))
    ImageDraw.Draw(canvas).text((size, base.height + size - size // 4), text, font=font, fill=(200, 30, 30, 255))
    return canvas
