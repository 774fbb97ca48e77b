"""Witnessing's schedule (see sanxiang.jobs.schedules)."""

from sanxiang.jobs.schedules import register

register("witness_logs", "见证日志", "sanxiang.witness.tasks.witness_logs", 30)
