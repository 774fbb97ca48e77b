"""Account security: who needs TOTP, checking codes, and ledgering security events."""

import pyotp
from django.core.cache import cache

from sanxiang.access.actors import VISITOR

from .models import Role, TotpDevice
from .querysets import current_roles


def totp_required(user) -> bool:
    """Administrators (system admins and agency 管理员) must give a TOTP code at login."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or current_roles(user).filter(role=Role.ADMINISTRATOR).exists()


def totp_valid(user, code) -> bool:
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit():
        return False
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        return False
    # One step either side tolerates clock drift between server and phone.
    if not pyotp.TOTP(device.secret).verify(code, valid_window=1):
        return False
    # A code seen once is spent (RFC 6238 §5.2): remember it for the three steps it could match.
    return cache.add(f"totp-used:{user.pk}:{code}", True, timeout=90)


def current_totp(user) -> str:
    """The code valid now (for tests and the demo tooling, never shown in the UI)."""
    return pyotp.TOTP(TotpDevice.objects.get(user=user).secret).now()


def record_login_event(username, event, request):
    """Ledger a login, failure or throttling (username and address only — never a password)."""
    from .actions import do_record_account_event

    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else VISITOR
    do_record_account_event(username, event, address, actor=actor)
