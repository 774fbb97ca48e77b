"""How pages and downloads name the stored file of an evidence item (证据) or an audio-video record
(音像记录): by the record, never by the name it was uploaded under.

A camera's DSC_0001.JPG or a body camera's 20261120_093015.MP4 tells a reader nothing, and a name
typed on a phone may say more than the record should; people see names, not file names. The name
given at upload stays on the `Upload` row for the upload picker, the API (`filename`) and the archive
package's metadata.
"""

from __future__ import annotations

import mimetypes
import re

from django.utils import timezone

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_caption(item) -> str:
    """The 文件 column of an evidence item: its type in Chinese and when it was made (形成或拍摄时间),
    else when it was stored — e.g. 「图片，2026-11-20 09:30 拍摄」."""
    upload = item.upload
    label = upload.type_label if upload is not None else "未存储文件"
    if getattr(item, "occurred_at", None):
        return f"{label}，{timezone.localtime(item.occurred_at):%Y-%m-%d %H:%M} 形成"
    if upload is not None and upload.completed_at:
        return f"{label}，{timezone.localtime(upload.completed_at):%Y-%m-%d %H:%M} 上传"
    return label


# Types whose extension the bytes do not tell (电子数据 as text or zip: .csv, .eml, .html, .txt…): the
# uploaded name's is kept.
_NAMED_BY_UPLOAD = {"text/plain", "application/zip", "application/octet-stream", ""}


def download_name(title: str, upload) -> str:
    """The name a download is saved under: the record's title with the extension of the type its bytes
    show (s23 tester8 #7: a PNG uploaded as 「….exe」 was served as 「文件名测试1.exe」), e.g. 「进货单据.png」
    for an upload named DSC_0001.PNG; the uploaded name's extension only where it names the same type
    (.jpeg for a JPEG) or the bytes tell none (text, zip: .csv, .eml)."""
    name = upload.filename or ""
    mime = (upload.media_type or "").split(";")[0].strip().lower()
    claimed = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not re.fullmatch(r"[a-z0-9]{1,5}", claimed):
        claimed = ""
    guessed = (mimetypes.guess_extension(mime) or "").lstrip(".") if mime not in _NAMED_BY_UPLOAD else ""
    if claimed and (mime in _NAMED_BY_UPLOAD or mimetypes.guess_type(f"x.{claimed}")[0] == mime):
        suffix = claimed
    else:
        suffix = guessed
    stem = _UNSAFE.sub("_", title).strip(" .") or "记录"
    return f"{stem[:80]}.{suffix}" if suffix else stem[:80]
