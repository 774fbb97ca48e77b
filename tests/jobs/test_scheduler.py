"""The scheduler: every schedule's time slot is enqueued exactly once, however many workers look."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sanxiang.jobs import scheduler, schedules
from sanxiang.jobs.models import ScheduledRun
from sanxiang.jobs.scheduler import enqueue_due, slot_start
from sanxiang.jobs.worker import Worker

pytestmark = pytest.mark.django_db
# Within the history the prune job keeps; 7 s into a minute, so +10 s stays in the same minutes.
NOW = timezone.now().replace(second=7, microsecond=0)
NAMES = {"sign_checkpoint", "mark_overdue_obligations", "expire_certificates", "prune_job_history",
         "witness_logs", "prune_security_events", "prune_cosignatures",
         "remove_abandoned_uploads", "check_stored_files",
         "open_archive_obligations", "expire_access_grants", "build_archive_exports", "expire_archive_exports",
         "review_clock_warnings", "review_supplement_warnings", "end_consultation_access",
         "annual_report_warnings", "annual_report_pdfs",
         "publication_deadline_warnings", "expire_publications", "party_request_warnings",
         "make_publicity_notices"}


def queued(name):
    return DBTaskResult.objects.filter(task_path=schedules.get(name).task.module_path)


def test_the_schedule_table_names_each_job_in_chinese_with_its_interval():
    table = {s.name: s for s in schedules.all_schedules()}
    assert NAMES <= set(table)
    assert table["mark_overdue_obligations"].label == "标记超期时限"
    assert table["sign_checkpoint"].interval == 5
    with override_settings(JOB_INTERVALS={"sign_checkpoint": 3}):
        assert table["sign_checkpoint"].interval == 3


def test_slots_are_the_same_for_every_worker():
    at = dt.datetime(2026, 3, 2, 9, 30, 7, tzinfo=dt.UTC)
    assert slot_start(300, at) == dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    assert slot_start(300, at + dt.timedelta(minutes=4)) == slot_start(300, at)
    assert slot_start(300, at + dt.timedelta(minutes=5)) > slot_start(300, at)
    assert slot_start(86400, at) == dt.datetime(2026, 3, 2, tzinfo=dt.UTC)


def test_a_slot_is_enqueued_once_when_the_scheduler_runs_twice():
    assert set(enqueue_due(NOW)) == NAMES
    assert enqueue_due(NOW) == []
    assert enqueue_due(NOW + dt.timedelta(seconds=1)) == []  # same slots
    for name in NAMES:
        assert queued(name).count() == 1
        run = ScheduledRun.objects.get(schedule=name)
        assert run.task_result_id == str(queued(name).get().id)


def test_the_next_slot_is_enqueued_once_the_previous_run_is_done():
    enqueue_due(NOW)
    later = NOW + dt.timedelta(seconds=10)  # the next checkpoint slot only
    assert enqueue_due(later) == []  # the previous one is still queued: no pile-up
    Worker().run_ready_tasks()
    assert enqueue_due(later) == ["sign_checkpoint"]
    assert queued("sign_checkpoint").count() == 2
    assert queued("mark_overdue_obligations").count() == 1


def test_the_database_refuses_a_second_run_of_the_same_slot():
    ScheduledRun.objects.create(schedule="sign_checkpoint", slot=NOW, enqueued_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledRun.objects.create(schedule="sign_checkpoint", slot=NOW, enqueued_at=NOW)


# Concurrent writers need a real database server: SQLite's in-memory test database locks whole
# tables across threads. On SQLite the same property is tested with worker processes on a file
# database (test_worker_process.py).
if "postgresql" in settings.DATABASES["default"]["ENGINE"]:

    @pytest.mark.django_db(transaction=True)
    def test_concurrent_schedulers_enqueue_each_slot_once(monkeypatch):
        # Several workers waking at the same moment, each on its own database connection. The
        # cheap read-first checks are switched off, so only the unique constraint can decide.
        monkeypatch.setattr(scheduler, "_taken", lambda schedule, slot: False)
        monkeypatch.setattr(scheduler, "_waiting", lambda schedule: False)
        workers = 4
        barrier = threading.Barrier(workers)
        results, errors = [], []

        def tick():
            try:
                barrier.wait(timeout=10)
                results.append(enqueue_due(NOW))
            except Exception as exc:  # reported below, with the thread's error
                errors.append(exc)
            finally:
                close_old_connections()

        threads = [threading.Thread(target=tick) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert sorted(name for names in results for name in names) == sorted(NAMES)
        for name in NAMES:
            assert queued(name).count() == 1
            assert ScheduledRun.objects.filter(schedule=name).count() == 1
