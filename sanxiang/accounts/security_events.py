"""安全事件: recording what anonymous visitors cause, aggregated and bounded; pruning it.

A failed login, a throttled attempt, a wrong dynamic code or a dead API token is counted — never
ledgered: the ledger is the agency's legal record, and a visitor must not be able to grow it.
Each event adds one to at most two rows: the row of its address, and — when the name given is an
existing account — the row of that account, both for the current hour. So one visitor adds at
most one row per kind and hour for their address, however many names they try, and one per
account they touch; every text they chose is cut to `SAMPLE_LENGTH` characters, at most
`SAMPLE_LIMIT` of them per row.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import SecurityEvent, SecurityEventKind, SecuritySubject

SAMPLE_LIMIT = 5
SAMPLE_LENGTH = 64
BATCH = 500


def printable(text) -> str:
    """`text` without control and format characters (NUL, bidi overrides…): no account name has them,
    and PostgreSQL refuses NUL in text."""
    return "".join(ch for ch in str(text or "") if unicodedata.category(ch)[0] != "C")


def bounded(text, length: int = SAMPLE_LENGTH) -> str:
    """Visitor text made harmless to store: control and format characters dropped, length bounded."""
    text = printable(text).strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def account_agency(user) -> str:
    """The agency whose administrators see this account's events: its person's, else its first role's."""
    person = user.people.select_related("agency").order_by("pk").first()
    if person is not None:
        return person.agency.code
    from sanxiang.orgs.models import RoleAssignment

    role = RoleAssignment.objects.filter(user=user, active=True).select_related("agency").order_by("pk").first()
    return role.agency.code if role is not None else ""


def _account_named(username: str):
    """The account a name points at: exactly, else case-insensitively (as the throttle counts) if unique."""
    User = get_user_model()
    username = (username or "").strip()
    exact = User.objects.filter(username=username).first()
    if exact is not None:
        return exact
    alike = list(User.objects.filter(username__iexact=username)[:2])
    return alike[0] if len(alike) == 1 else None


def _count(kind, subject, key, *, hour, now, sample, user=None, agency=""):
    row, created = SecurityEvent.objects.select_for_update().get_or_create(
        kind=kind, subject=subject, key=key, hour=hour,
        defaults={"user": user, "agency": agency, "count": 1, "first_at": now, "last_at": now,
                  "samples": [sample] if sample else []})
    if created:
        return row
    samples = list(row.samples or [])
    if sample and sample not in samples and len(samples) < SAMPLE_LIMIT:
        samples.append(sample)
    SecurityEvent.objects.filter(pk=row.pk).update(count=F("count") + 1, last_at=now, samples=samples)
    return row


@transaction.atomic
def record(kind: str, *, username: str = "", address: str = "", user=None, now=None) -> None:
    """Count one event of `kind` for `address` and, if `username` names an account (or `user` is given), for it."""
    kind = SecurityEventKind(kind)
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    name = bounded(username)
    address = bounded(address) or "?"
    if user is None and username:
        user = _account_named(username)
    _count(kind, SecuritySubject.ADDRESS, address, hour=hour, now=now,
           sample=bounded(user.username) if user is not None else name)
    if user is not None:
        _count(kind, SecuritySubject.ACCOUNT, user.username, hour=hour, now=now, sample=address, user=user,
               agency=account_agency(user))


def prune(now=None, days=None) -> int:
    """Forget the hours older than the retention (`SECURITY_EVENT_DAYS`); returns the rows deleted."""
    days = settings.SECURITY_EVENT_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    old = SecurityEvent.objects.filter(hour__lt=cutoff)
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            deleted += SecurityEvent.objects.filter(pk__in=ids).delete()[0]
    return deleted
