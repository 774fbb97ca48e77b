"""Login throttling kept in the database, per account name and per address, with different limits.

Each attempt first reserves a place in both counters (under a row lock), so several workers
counting at once cannot let more attempts through than the limits allow. A successful login
gives its reservation back: it clears the account's counter and takes one off the address's,
so the colleagues of someone behind the same NAT address are not punished for their success.
Many wrong names from one address only lock that address once it reaches its own (higher) limit.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import LoginThrottle, ThrottleKind

THROTTLE_MESSAGE = "登录失败次数过多，请 {minutes} 分钟后再试。"


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW)


def _counters(username: str, address: str) -> list[tuple[str, str, int]]:
    return [
        (ThrottleKind.ACCOUNT, (username or "").strip().lower()[:150], settings.LOGIN_THROTTLE_ACCOUNT_LIMIT),
        (ThrottleKind.ADDRESS, (address or "?")[:150], settings.LOGIN_THROTTLE_ADDRESS_LIMIT),
    ]


def message() -> str:
    return THROTTLE_MESSAGE.format(minutes=max(1, settings.LOGIN_THROTTLE_WINDOW // 60))


@transaction.atomic
def begin_attempt(username: str, address: str) -> bool:
    """Reserve one attempt for `username` from `address`; False (nothing reserved) when throttled."""
    now = timezone.now()
    cutoff = now - _window()
    LoginThrottle.objects.filter(window_started__lt=cutoff).delete()
    rows = []
    for kind, key, limit in _counters(username, address):
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            kind=kind, key=key, defaults={"failures": 0, "window_started": now})
        if row.failures >= limit:
            return False
        rows.append(row)
    for row in rows:
        LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
    return True


@transaction.atomic
def give_back(username: str, address: str, *, succeeded: bool) -> None:
    """Return a reservation: the attempt was not a failure (`succeeded`: the login went through)."""
    account, addr = _counters(username, address)
    rows = LoginThrottle.objects.filter(failures__gt=0)
    if succeeded:
        LoginThrottle.objects.filter(kind=account[0], key=account[1]).delete()
    else:
        rows.filter(kind=account[0], key=account[1]).update(failures=F("failures") - 1)
    rows.filter(kind=addr[0], key=addr[1]).update(failures=F("failures") - 1)


def failures(kind: str, key: str) -> int:
    row = LoginThrottle.objects.filter(kind=kind, key=key, window_started__gte=timezone.now() - _window()).first()
    return row.failures if row else 0
