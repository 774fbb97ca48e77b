"""The scheduler (调度): enqueue each schedule's current time slot exactly once.

Time is cut into slots of each schedule's interval, counted from the Unix epoch, so every worker
computes the same slot. The worker that inserts the (schedule, slot) row enqueues the task in the
same transaction; any other worker looking at the same slot hits the unique constraint and moves
on. Missed slots (no worker was running) are not caught up one by one: each job is a sweep, so
the next run does everything that is due.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import schedules
from .models import ScheduledRun


def slot_start(interval: int, now: dt.datetime) -> dt.datetime:
    seconds = int(now.timestamp())
    return dt.datetime.fromtimestamp(seconds - seconds % interval, tz=dt.UTC)


def _taken(schedule: schedules.Schedule, slot: dt.datetime) -> bool:
    return ScheduledRun.objects.filter(schedule=schedule.name, slot=slot).exists()


def _waiting(schedule: schedules.Schedule) -> bool:
    """The previous run is still queued (workers are busy or slower than the interval): enqueuing
    another would only pile up identical sweeps."""
    return DBTaskResult.objects.ready().filter(task_path=schedule.task.module_path).exists()


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every schedule whose current slot has no run yet; return their names."""
    now = now or timezone.now()
    enqueued = []
    for schedule in schedules.all_schedules():
        slot = slot_start(schedule.interval, now)
        # Reads first, so an idle tick takes no write lock (SQLite has one for the whole file).
        if _taken(schedule, slot) or _waiting(schedule):
            continue
        try:
            with transaction.atomic():
                result = schedule.task.enqueue()
                ScheduledRun.objects.create(schedule=schedule.name, slot=slot, enqueued_at=now,
                                            task_result_id=str(result.id))
        except IntegrityError:
            continue  # another worker took this slot first
        enqueued.append(schedule.name)
    return enqueued
