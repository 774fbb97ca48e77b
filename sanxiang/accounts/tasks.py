"""Scheduled jobs of the accounts app."""

from django_tasks import task


@task()
def prune_security_events() -> dict:
    """清理安全事件: forget security events older than the retention (SANXIANG_SECURITY_EVENT_DAYS)."""
    from .security_events import prune

    deleted = prune()
    return {"done": deleted, "summary": f"清理了 {deleted} 条过期的安全事件" if deleted else ""}
