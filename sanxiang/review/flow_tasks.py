"""征求意见查阅授权到期: the job that ends consultants' access to a case's records (docs/review.md)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from sanxiang.access.actors import JOBS
from sanxiang.jobs.tasks import _done


@task()
def end_consultation_access() -> dict:
    """征求意见查阅授权到期: each consultation's 法律顾问 grant ends the day after `access_until`, or
    as soon as its round ended (one ledger entry each; the access filter already ignores a grant
    past its date, this makes the end visible and final)."""
    from .flow import consultation_grants_to_end, do_end_consultation_access
    from .models_flow import Consultation

    ended = 0
    for pk in list(consultation_grants_to_end()):
        with transaction.atomic():
            row = Consultation.objects.select_for_update().filter(pk=pk, grant__active=True).first()
            if row is None:  # ended meanwhile by another run
                continue
            do_end_consultation_access(row, actor=JOBS)
            ended += 1
    return _done(ended, f"结束了 {ended} 项征求意见的查阅授权")
