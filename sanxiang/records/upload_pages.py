"""The page 上传文件 (/records/uploads/): the upload widget and the list of the user's own uploads."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from sanxiang.access.policy import restrict

from . import limits
from .models import Upload

LISTED = 200


def metadata_json(**values) -> str:
    """What a page puts in the widget's `upload_metadata_json` (sent as tus Upload-Metadata)."""
    return json.dumps({key: str(value) for key, value in values.items()}, ensure_ascii=False)


def widget_context(**metadata) -> dict:
    """The context `records/_upload_widget.html` needs (for pages that include it, e.g. the case page)."""
    return {"upload_chunk_bytes": limits.browser_chunk_bytes(),
            "upload_metadata_json": metadata_json(**metadata) if metadata else ""}


def _state(upload: Upload, now) -> str:
    if upload.complete:
        return "已完成"
    if upload.refused_at is not None:
        return "已拒收"
    if upload.lease and upload.lease_until and upload.lease_until > now:
        return "上传中"
    return "待续传"


def my_uploads(user) -> list[dict]:
    """The user's own uploads, newest first: only theirs, even where the policy lets them see others'."""
    now = timezone.now()
    uploads = restrict(Upload.objects.filter(owner=user), user, "view").order_by("-created_at", "-pk")[:LISTED]
    return [{"name": u.filename or "（未命名文件）", "size": u.length, "received": u.offset,
             "percent": int(u.offset * 100 / u.length) if u.length else 0, "state": _state(u, now),
             "completed_at": u.completed_at, "sha256_short": u.sha256[:12] if u.sha256 else "",
             "sha256": u.sha256, "refused_reason": u.refused_reason} for u in uploads]


@login_required
def uploads(request):
    context = {"uploads": my_uploads(request.user), **widget_context()}
    if request.headers.get("HX-Request"):
        return render(request, "records/_my_uploads.html", context)
    return render(request, "records/uploads.html", context)
