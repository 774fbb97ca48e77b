"""The accounts app's schedules (see sanxiang.jobs.schedules)."""

from sanxiang.jobs.schedules import register

register("prune_security_events", "清理安全事件", "sanxiang.accounts.tasks.prune_security_events", 86400)
