"""上传 API beside the tus protocol (sanxiang/records/tus.py): the progress and digests of an upload."""

from ninja import Router, Schema

from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotAuthenticated, NotFound

from . import queries

router = Router(tags=["uploads"])


class UploadInfoOut(Schema):
    size: int
    offset: int
    complete: bool
    sha256: str | None  # once complete
    sm3: str | None


@router.get("/{upload_id}/info", response={200: UploadInfoOut, **error_responses(401, 404)})
def upload_info(request, upload_id: str):
    """上传进度：大小、已接收字节数、是否完成；完成后给出 SHA-256 与 SM3。"""
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    upload = queries.upload_for(request.user, upload_id)
    if upload is None:
        raise NotFound("未找到该上传，或您无权查看。", code="upload_not_found")
    return queries.info(upload)
