"""Errors raised by orgs actions: members of the one error family (`sanxiang.core.errors`)."""

from sanxiang.core.errors import NotPermitted, RuleViolation


class OrgsError(RuleViolation):
    """Bad input or a rule violated: nothing was written."""

    def __init__(self, message: str, reasons: list[str] | None = None):
        super().__init__(message, reasons=reasons)


class OrgsPermissionDenied(NotPermitted):
    """The actor may not do this (service-layer authorisation)."""

    def __init__(self, message: str = "您无权执行此操作。"):
        super().__init__(message)
