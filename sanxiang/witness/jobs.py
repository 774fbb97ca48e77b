"""Witnessing's schedule (see sanxiang.jobs.schedules)."""

from sanxiang.jobs.schedules import register

register("witness_logs", "见证日志", "sanxiang.witness.tasks.witness_logs", 30)
register("prune_cosignatures", "清理联署", "sanxiang.witness.tasks.prune_cosignatures", 86400)
