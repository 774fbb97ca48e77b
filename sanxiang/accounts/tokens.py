"""API tokens (访问令牌): making them, recognising them, and checking a presented one.

A token is "sx_" followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is stored;
the first characters (`prefix`) are kept in clear so that people can tell their tokens apart.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from sanxiang.core.errors import NotAuthenticated

from .models import ApiToken

TOKEN_START = "sx_"
PREFIX_LENGTH = len(TOKEN_START) + 8
# Writing last_used_at on every request would turn reads into writes; once a minute is enough.
LAST_USED_PRECISION_SECONDS = 60


def new_token() -> str:
    return TOKEN_START + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def prefix_of(token: str) -> str:
    return token[:PREFIX_LENGTH]


def looks_like_token(text: str) -> bool:
    return text.startswith(TOKEN_START) and 20 <= len(text) <= 200 and text.isascii()


def authenticate(presented: str, address: str):
    """The user of a presented token, or NotAuthenticated (code token_invalid) saying why not.

    Records the use; the first use from an address not seen before is ledgered.
    """
    presented = (presented or "").strip()
    token = None
    if looks_like_token(presented):
        token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(presented)).first()
    if token is None:
        raise NotAuthenticated("访问令牌无效。", code="token_invalid")
    now = timezone.now()
    state = token.state_on(now)
    if state == "revoked":
        raise NotAuthenticated("访问令牌已撤销。", code="token_invalid")
    if state == "expired":
        raise NotAuthenticated("访问令牌已过期，请重新创建。", code="token_invalid")
    if not token.user.is_active:
        raise NotAuthenticated("该访问令牌所属账号已停用。", code="token_invalid")
    address = (address or "")[:64]
    if address not in (token.addresses or []):
        from .actions import do_note_token_address

        do_note_token_address(token, address)
    elif token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
