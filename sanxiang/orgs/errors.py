"""Errors raised by orgs actions; each carries a message for people in 简体中文."""

from django.core.exceptions import PermissionDenied


class OrgsError(ValueError):
    """Bad input or a rule violated: nothing was written."""

    def __init__(self, message: str, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.reasons = reasons or [message]


class OrgsPermissionDenied(PermissionDenied):
    """The actor may not do this (service-layer authorisation)."""

    def __init__(self, message: str = "您无权执行此操作。"):
        super().__init__(message)
        self.message = message
