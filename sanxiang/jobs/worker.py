"""The worker (任务执行进程): the scheduler and the execution of queued tasks, in one loop.

Claiming and running a task is django-tasks-db's own: a ready task is locked with SELECT … FOR
UPDATE SKIP LOCKED on PostgreSQL (an exclusive transaction on SQLite) and marked running, so
several workers never run the same task; its worker's `run_task` records the outcome (successful
with the job's return value, or failed with the traceback) in the task's row. The loop is ours,
so that it also runs the scheduler and stops cleanly on a signal.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import schedules
from .scheduler import enqueue_due

logger = logging.getLogger("sanxiang.jobs")
TICK_SECONDS = 0.2


@dataclass
class Iteration:
    enqueued: list[str] = field(default_factory=list)
    ran: int = 0


class Worker:
    """One worker process: `run_once()` for one tick, `run()` until `stop()` is called."""

    def __init__(self, *, worker_id: str | None = None, poll: float | None = None,
                 backend: str = "default"):
        self.worker_id = (worker_id or f"{socket.gethostname()}:{os.getpid()}")[:64]
        self.poll = settings.JOB_POLL_SECONDS if poll is None else poll
        self.backend = backend
        self.running = True
        self._executor = DatabaseWorker(
            queue_names=["*"], excluded_queue_names=[], interval=0, batch=True,
            backend_name=backend, startup_delay=False, max_tasks=None, worker_id=self.worker_id)

    def stop(self) -> None:
        """Finish the task under way (if any), then leave the loop."""
        self.running = False

    def claim_next(self) -> DBTaskResult | None:
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend)
        if not ready.exists():  # a plain read first: an idle worker takes no write lock
            return None
        try:
            with exclusive_transaction(ready.db):
                task_result = ready.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None  # SQLite busy beyond its timeout: try again next tick
            raise

    def run_ready_tasks(self) -> int:
        """Run queued tasks until none is ready (or stop() was called); return how many ran."""
        ran = 0
        while self.running and (task_result := self.claim_next()) is not None:
            self._executor.run_task(task_result)  # records success or the failure's traceback
            ran += 1
        return ran

    def run_ticks(self) -> None:
        """The sweeps registered with `schedules.register_tick`, every TICK_SECONDS."""
        for name, label, path in schedules.all_ticks():
            try:
                import_string(path)()
            except DatabaseError:
                logger.exception("定时任务：%s（%s）失败，下一轮重试", label, name)

    def run_once(self, now=None) -> Iteration:
        if self.running:
            self.run_ticks()
        enqueued = enqueue_due(now) if self.running else []
        return Iteration(enqueued=enqueued, ran=self.run_ready_tasks())

    def run(self, *, should_continue=lambda: True) -> None:
        while self.running and should_continue():
            close_old_connections()
            try:
                self.run_once()
            except DatabaseError:
                # The database is away or busy beyond its timeout: say so, and try again later.
                logger.exception("定时任务：数据库暂不可用，稍后重试")
            close_old_connections()
            deadline = time.monotonic() + self.poll
            while self.running and time.monotonic() < deadline:
                time.sleep(min(TICK_SECONDS, self.poll))
                self.run_ticks()
