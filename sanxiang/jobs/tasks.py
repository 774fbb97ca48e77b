"""The platform's scheduled jobs, as django-tasks `Task`s (port to `django.tasks` unchanged).

Every job is a sweep that can be re-run at any time: it looks for what is still to do, does each
piece in its own short transaction through the domain's actions (so each change carries its
ledger entry, by "system:jobs"), and returns what it did. A run killed half-way leaves every piece
either done or not done; the next slot's run does the rest.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sanxiang.access.actors import JOBS

BATCH = 500


def _done(count: int, summary: str, **extra) -> dict:
    """A job's return value (kept in the task's row): how much it did, in words for the log."""
    return {"done": count, "summary": summary if count else "", **extra}


@task()
def sign_checkpoint() -> dict:
    """签发账本检查点: sign one when entries were appended since the latest valid checkpoint.

    Idle runs cost two indexed reads (the tree size, the newest rows within it; their validity is
    cached in the worker). A forged row, even one claiming a huge size, is not a valid checkpoint
    and does not hold signing back."""
    from sanxiang.ledger import checkpoints, tree

    size = tree.tree_size()
    if not checkpoints.is_stale(checkpoints.latest_valid(size), size):
        return _done(0, "")
    size = checkpoints.take().tree_size
    return _done(1, f"已签发检查点（树大小 {size}）", tree_size=size)


@task()
def mark_overdue_obligations() -> dict:
    """标记超期时限: open obligations past their due date become overdue (a party's period: 已届满)."""
    from sanxiang.deadlines.actions import do_mark_overdue_obligations

    marked = do_mark_overdue_obligations(actor=JOBS)
    expired = sum(1 for ob in marked if ob.status == ob.EXPIRED)
    return _done(len(marked), f"{len(marked) - expired} 项时限已标记为超期，{expired} 项当事人期间已届满")


@task()
def expire_certificates() -> dict:
    """执法证到期失效: valid certificates whose validity ended before today become expired."""
    from sanxiang.orgs.actions import do_expire_certificate
    from sanxiang.orgs.models import Certificate, CertificateStatus

    today = timezone.localdate()
    lapsed = Certificate.objects.filter(status=CertificateStatus.VALID, valid_to__lt=today)
    expired = 0
    for pk in list(lapsed.values_list("pk", flat=True)):
        with transaction.atomic():
            # Re-read under lock: another worker or an administrator may have acted meanwhile.
            cert = lapsed.select_for_update().filter(pk=pk).first()
            if cert is None:
                continue
            do_expire_certificate(cert, reason=f"有效期至 {cert.valid_to} 届满", actor=JOBS)
            expired += 1
    return _done(expired, f"{expired} 张执法证已到期失效")


@task()
def prune_job_history() -> dict:
    """清理任务记录: forget finished task results and scheduled slots older than the history."""
    from django_tasks_db.models import DBTaskResult

    from .models import ScheduledRun

    cutoff = timezone.now() - dt.timedelta(days=settings.JOB_HISTORY_DAYS)
    # A task still "running" after that long was killed with its worker; it is done with too.
    results = DBTaskResult.objects.filter(enqueued_at__lt=cutoff).exclude(status="READY")
    slots = ScheduledRun.objects.filter(slot__lt=cutoff)
    deleted = 0
    for queryset in (results, slots):
        while ids := list(queryset.values_list("pk", flat=True)[:BATCH]):
            with transaction.atomic():
                deleted += queryset.model.objects.filter(pk__in=ids).delete()[0]
    return _done(deleted, f"清理了 {deleted} 条过期的任务记录")
