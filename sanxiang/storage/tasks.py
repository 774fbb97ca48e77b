"""抽检存储文件: the daily job that re-hashes a share of the stored files (docs/operations.md)."""

from __future__ import annotations

import logging
import math
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_tasks import task

from . import checks

logger = logging.getLogger("sanxiang.jobs")


def cycle_days() -> int:
    """Every stored file is re-hashed once in this many days (SANXIANG_FILE_CHECK_DAYS, 30)."""
    if hasattr(settings, "FILE_CHECK_DAYS"):
        return int(settings.FILE_CHECK_DAYS)
    text = os.environ.get("SANXIANG_FILE_CHECK_DAYS", "").strip() or "30"
    if not text.isdigit() or int(text) <= 0:
        raise ImproperlyConfigured(f"环境变量 SANXIANG_FILE_CHECK_DAYS 应为正整数，收到：{text!r}")
    return int(text)


@task()
def check_stored_files() -> dict:
    """抽检存储文件: every recorded file is looked up in the store (missing, size, untracked), and
    the longest-unchecked 1/`cycle_days()` of the bytes is re-hashed, so each file is read again
    once per cycle. A changed, missing or untracked file is a warning on the job runner's log."""
    from sanxiang.ledger import verify

    files = verify.recorded_files()
    total = sum(int(r.get("size") or 0) for r in files.values() if not r.get("deleted"))
    selection = checks.Selection("since-last", checked_before=timezone.now(),
                                 max_bytes=max(1, math.ceil(total / cycle_days())))
    report = verify.check_files(selection, files)
    problems = [f.message for f in report.findings]
    problems += [f"另有 {n} 项“{verify.CODES.get(code, code)}”" for code, n in report.suppressed.items()]
    checked = f"核对文件 {report.files} 个，重新计算摘要 {report.files_rehashed} 个"
    if problems:
        logger.warning("抽检存储文件：发现 %d 项问题：%s", len(problems), "；".join(problems[:20]))
        changed = sorted({f.detail["path"] for f in report.findings
                          if f.code in ("file_modified", "file_missing") and f.detail.get("path")})
        if changed:  # the archived files holding them are checked again, so their keepers see it
            from sanxiang.archive.tasks import recheck_archived_files_holding

            recheck_archived_files_holding.enqueue(changed)
        return {"done": report.files_rehashed, "summary": f"警告：{checked}，发现 {len(problems)} 项问题："
                + "；".join(problems[:5]), "problems": problems[:50], "ok": False}
    return {"done": report.files_rehashed, "summary": f"{checked}，均无问题" if report.files_rehashed else "",
            "ok": True}
