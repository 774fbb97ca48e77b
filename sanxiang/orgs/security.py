"""Account security: who needs TOTP, checking codes, and ledgering security events."""

import hmac

import pyotp
from django.db import transaction
from django.utils import timezone

from sanxiang.access.actors import VISITOR
from sanxiang.accounts.throttle import client_address

from .models import Role, TotpDevice
from .querysets import current_roles


def totp_required(user) -> bool:
    """Administrators (system admins and agency 管理员) must give a TOTP code at login; so must
    anyone who has set one up for themselves."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (user.is_superuser or current_roles(user).filter(role=Role.ADMINISTRATOR).exists()
            or TotpDevice.objects.filter(user=user).exists())


def totp_valid(user, code) -> bool:
    """Accept `code` once: the device remembers the last accepted time step in the database.

    The row is locked while it is checked and moved on, so two workers given the same code
    cannot both accept it (RFC 6238 §5.2).
    """
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return False
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            return False
        step = matching_step(device.secret, code, after=device.last_t)
        if step is None:
            return False
        TotpDevice.objects.filter(pk=device.pk).update(last_t=step)
    return True


def matching_step(secret: str, code: str, *, after=None, at=None) -> int | None:
    """The time step (one either side of now, for clock drift) whose code is `code`, later than `after`."""
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at or timezone.now())
    for step in (now_step - 1, now_step, now_step + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def current_totp(user) -> str:
    """The code valid now (for tests and the demo tooling, never shown in the UI)."""
    return pyotp.TOTP(TotpDevice.objects.get(user=user).secret).now()


def record_login_event(username, event, request):
    """Ledger a successful login by the person now logged in (username and address, never a password).

    Failures and throttling are security events (sanxiang.accounts.security_events), not ledgered.
    """
    from .actions import do_record_account_event

    address = client_address(request)
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else VISITOR
    do_record_account_event(username, event, address, actor=actor)
