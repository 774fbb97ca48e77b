"""The schedule table (定时任务表): which job runs how often, as data.

Each row names a django-tasks `Task` by its dotted path and a default interval; the interval in
force comes from `settings.JOB_INTERVALS[name]` (environment overrides, see README). Later apps
add their jobs (publication expiry, document rendering…) with `register(...)` from their own
`jobs.py` module, which `sanxiang.jobs` imports when the schedule table is first read.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Schedule:
    """定时任务 — a job the worker enqueues once per time slot of `interval` seconds."""

    name: str
    label: str
    task_path: str
    default_interval: int

    @property
    def interval(self) -> int:
        return int(getattr(settings, "JOB_INTERVALS", {}).get(self.name, self.default_interval))

    @property
    def task(self):
        return import_string(self.task_path)


_TABLE: dict[str, Schedule] = {}
_discovered = False


def register(name: str, label: str, task_path: str, default_interval: int) -> Schedule:
    """Add (or replace, on re-import) a schedule; names are stable keys used in settings."""
    schedule = Schedule(name, label, task_path, default_interval)
    _TABLE[name] = schedule
    return schedule


def _discover() -> None:
    """Import every installed app's `jobs` module, where apps register their schedules."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for config in apps.get_app_configs():
        if config.name.startswith("sanxiang.") and config.name != "sanxiang.jobs":
            try:
                importlib.import_module(f"{config.name}.jobs")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.jobs":
                    raise


def all_schedules() -> list[Schedule]:
    _discover()
    return list(_TABLE.values())


def get(name: str) -> Schedule:
    _discover()
    return _TABLE[name]


# The platform's own jobs. Warning escalation (黄/红预警, 责任领导督办) needs none: the levels and
# the leader's list are computed from the due date whenever they are read.
# Checkpoints within seconds of a commit: entries are unsigned at most this long plus a poll.
register("sign_checkpoint", "签发账本检查点", "sanxiang.jobs.tasks.sign_checkpoint", 5)
register("mark_overdue_obligations", "标记超期时限", "sanxiang.jobs.tasks.mark_overdue_obligations", 300)
register("expire_certificates", "执法证到期失效", "sanxiang.jobs.tasks.expire_certificates", 3600)
register("prune_job_history", "清理任务记录", "sanxiang.jobs.tasks.prune_job_history", 86400)
