"""Who reads account rows: a token is its user's own; throttling counters and temporary-password
marks are the system administrator's only (actions check their own rules on top); security
events about an agency's accounts are read by that agency's administrators, those about
addresses (and accounts of no agency) by the system administrator only."""

from sanxiang.access.policy import AGENCY, OWN, SELF, register
from sanxiang.orgs.models import Role

from .models import ApiToken, LoginThrottle, SecurityEvent, TemporaryPassword

register(ApiToken, agency=None, own="user", rules={"view": {SELF: OWN}, "revoke": {SELF: OWN}})
register(LoginThrottle, agency=None, rules={})
register(TemporaryPassword, agency=None, own="user", rules={})
register(SecurityEvent, agency=None, agency_code="agency", rules={"view": {Role.ADMINISTRATOR: AGENCY}})
