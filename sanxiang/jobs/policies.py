"""Job records are the system administrator's (they name no agency and hold no personal data)."""

from sanxiang.access.policy import register

from .models import ScheduledRun

register(ScheduledRun, agency=None, rules={})
