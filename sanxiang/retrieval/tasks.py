"""调阅期限届满: the job that ends 调阅 grants past their time (docs/retrieval.md). The serving layer
already refuses a grant past `until`; the job records the end (status and a ledger entry)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from sanxiang.access.actors import JOBS
from sanxiang.jobs.tasks import _done


@task()
def expire_access_grants() -> dict:
    """调阅期限届满: each approved grant whose `until` has passed becomes 已到期, in its own transaction."""
    from .actions import do_expire_access_grant
    from .models import AccessRequest, AccessRequestStatus

    now = timezone.now()
    due = AccessRequest.objects.filter(status=AccessRequestStatus.APPROVED, until__lte=now)
    expired = sum(do_expire_access_grant(row, actor=JOBS, now=now) for row in list(due))
    return _done(expired, f"{expired} 项调阅批准到期")
