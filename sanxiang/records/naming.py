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


def download_name(title: str, upload) -> str:
    """The name a download is saved under: the record's title with the file's extension (from the
    uploaded name, else the detected type), e.g. 「进货单据.png」 for an upload named DSC_0001.PNG."""
    name = upload.filename or ""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not suffix or len(suffix) > 5:
        guessed = mimetypes.guess_extension((upload.media_type or "").split(";")[0].strip()) or ""
        suffix = guessed.lstrip(".")
    stem = _UNSAFE.sub("_", title).strip(" .") or "记录"
    return f"{stem[:80]}.{suffix}" if suffix else stem[:80]
