"""Who reads account rows: a token is its user's own; throttling counters and temporary-password
marks are the system administrator's only (actions check their own rules on top)."""

from sanxiang.access.policy import OWN, SELF, register

from .models import ApiToken, LoginThrottle, TemporaryPassword

register(ApiToken, agency=None, own="user", rules={"view": {SELF: OWN}, "revoke": {SELF: OWN}})
register(LoginThrottle, agency=None, rules={})
register(TemporaryPassword, agency=None, own="user", rules={})
