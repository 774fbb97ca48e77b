"""Reads of uploads: only the uploader sees an upload (its access policy)."""

from sanxiang.access.policy import restrict
from sanxiang.core.ids import row_by_id

from .models import Upload


def upload_for(user, upload_id) -> Upload | None:
    """The upload `upload_id` if `user` may see it, else None (another's upload is simply not found)."""
    return row_by_id(restrict(Upload.objects.all(), user, "view"), upload_id)


def info(upload: Upload) -> dict:
    """What `GET /api/v1/uploads/<id>/info` answers: the digests only once the upload is complete."""
    return {"size": upload.length, "offset": upload.offset, "complete": upload.complete,
            "sha256": upload.sha256 or None, "sm3": upload.sm3 or None}
