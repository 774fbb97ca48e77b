"""Login throttling kept in the database, per account name and per address, with different limits.

Each attempt first reserves a place in both counters (under a row lock), so several workers
counting at once cannot let more attempts through than the limits allow. A successful login
gives its reservation back: it clears the account's counter and takes one off the address's,
so the colleagues of someone behind the same NAT address are not punished for their success.
Many wrong names from one address only lock that address once it reaches its own (higher) limit.
"""

import datetime as dt
import functools
import ipaddress

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import LoginThrottle, ThrottleKind

THROTTLE_MESSAGE = "登录失败次数过多，请 {minutes} 分钟后再试。"


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW)


# The counters' scopes: staff logins, and the public portal's party checks (公示查询码), which count apart — an
# anonymous visitor's wrong codes never lock a staff login, nor a staff failure the portal (decision 0086).
LOGIN, PORTAL = "login", "portal"


def _counters(username: str, address: str, scope: str = LOGIN) -> list[tuple[str, str, int]]:
    if scope == PORTAL:
        return [
            (ThrottleKind.ACCOUNT, f"portal:{(username or '').strip()}"[:150], settings.PORTAL_THROTTLE_NUMBER_LIMIT),
            (ThrottleKind.ADDRESS, f"portal@{address or '?'}"[:150], settings.PORTAL_THROTTLE_ADDRESS_LIMIT),
        ]
    return [
        (ThrottleKind.ACCOUNT, (username or "").strip().lower()[:150], settings.LOGIN_THROTTLE_ACCOUNT_LIMIT),
        (ThrottleKind.ADDRESS, (address or "?")[:150], settings.LOGIN_THROTTLE_ADDRESS_LIMIT),
    ]


def client_address(request) -> str:
    """The client's address: `REMOTE_ADDR`, or — when that is one of the reverse proxies the deployment
    names in `SANXIANG_TRUSTED_PROXIES` — the right-most address of `X-Forwarded-For` that is not one of
    them (the one the proxy itself saw; what a client wrote to the left of it is not believed). Without the
    setting the header is ignored: a client could otherwise choose its address (docs/operations.md)."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = _networks(frozenset(settings.TRUSTED_PROXIES))
    if not trusted or not _among(remote, trusted):
        return remote
    chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(chain):
        if not _among(address, trusted):
            return address[:64]
    return remote


@functools.lru_cache(maxsize=8)
def _networks(trusted: frozenset) -> tuple:
    """The trusted proxies as networks (an address is its own /32 or /128); the setting holds networks, a
    test may give strings."""
    return tuple(t if isinstance(t, ipaddress.IPv4Network | ipaddress.IPv6Network)
                 else ipaddress.ip_network(str(t).strip(), strict=False) for t in trusted)


def _among(address: str, networks: tuple) -> bool:
    """Whether `address` lies in one of `networks` (an IPv4-mapped IPv6 address as its IPv4 one); what is no
    address at all is never a proxy."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in n for n in networks)


def message() -> str:
    return THROTTLE_MESSAGE.format(minutes=max(1, settings.LOGIN_THROTTLE_WINDOW // 60))


@transaction.atomic
def begin_attempt(username: str, address: str, *, scope: str = LOGIN) -> bool:
    """Reserve one attempt for `username` from `address`; False (nothing reserved) when throttled.
    `scope` PORTAL: the portal's party checks, whose counters are their own (decision 0086)."""
    now = timezone.now()
    cutoff = now - _window()
    LoginThrottle.objects.filter(window_started__lt=cutoff).delete()
    rows = []
    for kind, key, limit in _counters(username, address, scope):
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            kind=kind, key=key, defaults={"failures": 0, "window_started": now})
        if row.failures >= limit:
            return False
        rows.append(row)
    for row in rows:
        LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
    return True


@transaction.atomic
def give_back(username: str, address: str, *, succeeded: bool, scope: str = LOGIN) -> None:
    """Return a reservation: the attempt was not a failure (`succeeded`: the login went through)."""
    account, addr = _counters(username, address, scope)
    rows = LoginThrottle.objects.filter(failures__gt=0)
    if succeeded:
        LoginThrottle.objects.filter(kind=account[0], key=account[1]).delete()
    else:
        rows.filter(kind=account[0], key=account[1]).update(failures=F("failures") - 1)
    rows.filter(kind=addr[0], key=addr[1]).update(failures=F("failures") - 1)


def failures(kind: str, key: str) -> int:
    row = LoginThrottle.objects.filter(kind=kind, key=key, window_started__gte=timezone.now() - _window()).first()
    return row.failures if row else 0
