"""清理未完成的上传: the job that removes uploads abandoned half-way (docs/records.md)."""

from __future__ import annotations

import datetime as dt
import time

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sanxiang.access.actors import JOBS
from sanxiang.jobs.tasks import _done

from . import limits


@task()
def remove_abandoned_uploads() -> dict:
    """清理未完成的上传: incomplete uploads that received nothing for `limits.abandon_hours()` hours are
    removed with their partial file (a ledger entry each), and partial files no upload names."""
    from .actions import do_remove_abandoned_upload
    from .models import Upload

    cutoff = timezone.now() - dt.timedelta(hours=limits.abandon_hours())
    stale = Upload.objects.filter(completed_at__isnull=True, touched_at__lt=cutoff)
    removed = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            upload = stale.select_for_update().filter(pk=pk).first()  # re-read: it may have resumed
            if upload is None or (upload.lease_until and upload.lease_until > timezone.now()):
                continue
            do_remove_abandoned_upload(upload, actor=JOBS)
            removed += 1
    strays = _remove_stray_partials(cutoff.timestamp()) + _abort_stray_parts(cutoff)
    return _done(removed + strays, f"清理了 {removed} 个未完成的上传，{strays} 个无主的临时文件")


def _remove_stray_partials(before: float) -> int:
    """Partial files left by a removal killed between its commit and the unlink."""
    from .models import Upload

    folder = limits.partial_dir()
    if not folder.is_dir():
        return 0
    files = [p for p in folder.iterdir() if p.stat().st_mtime < min(before, time.time())]
    known = {str(pk) for pk in Upload.objects.filter(completed_at__isnull=True).values_list("pk", flat=True)}
    removed = 0
    for path in files:
        if path.name.split(".")[0] not in known:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _abort_stray_parts(before) -> int:
    """On the S3 store: multipart uploads no incomplete upload names (a removal whose abort S3
    refused, a process killed between beginning one and recording it) are discarded."""
    from sanxiang.storage import parts

    from .models import Upload

    if not parts.streams_parts():
        return 0
    known = {(state or {}).get("key") for state in
             Upload.objects.filter(completed_at__isnull=True).values_list("multipart", flat=True)}
    removed = 0
    for state in parts.staged(before):
        if state["key"] not in known:
            parts.abort(state)
            removed += 1
    return removed
