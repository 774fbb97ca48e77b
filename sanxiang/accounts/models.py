"""Login accounts' own state: throttling counters, temporary passwords and API tokens (访问令牌).

The accounts themselves are Django's `auth.User`; a person of an agency (`orgs.Person`) is linked
to at most one of them. Roles and TOTP devices stay in `orgs`.
"""

from django.conf import settings
from django.db import models

from sanxiang.ledger.models import Ledgered


class ThrottleKind(models.TextChoices):
    ACCOUNT = "account", "账号"
    ADDRESS = "address", "地址"


class LoginThrottle(models.Model):
    """登录失败计数 — failed logins of one account name or one address in the current window.

    Kept in the database (not the process cache) so that every worker counts the same attempts.
    Transient security state: not ledgered.
    """

    kind = models.CharField(max_length=8, choices=ThrottleKind.choices)
    key = models.CharField(max_length=150)
    failures = models.PositiveIntegerField(default=0)
    window_started = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="accounts_throttle_unique_key")]
        verbose_name = "登录失败计数"


class TemporaryPassword(models.Model):
    """临时密码 — the account's password was set by an administrator and must be changed at next login."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="temporary_password")
    issued_at = models.DateTimeField()
    issued_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "临时密码"


class ApiToken(Ledgered):
    """访问令牌 — lets a program call the API as `user`, with exactly that user's rights.

    Only the SHA-256 of the token is stored; `prefix` (the first characters) lets people recognise it.
    """

    # Use is recorded here on every request; only a new address is ledgered.
    ledger_exclude = ("last_used_at", "addresses")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    label = models.CharField(max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16, db_index=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    addresses = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "访问令牌"

    def __str__(self):
        return f"{self.prefix}…"

    def state_on(self, now) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"

    def state_label_on(self, now) -> str:
        return {"revoked": "已撤销", "expired": "已过期", "active": "有效"}[self.state_on(now)]


class SecurityEventKind(models.TextChoices):
    LOGIN_FAILED = "login_failed", "登录失败（用户名或密码错误）"
    LOGIN_THROTTLED = "login_throttled", "登录被限制（失败次数过多）"
    LOGIN_FAILED_TOTP = "login_failed_totp", "动态口令错误"
    LOGIN_DISABLED = "login_disabled", "已停用账号尝试登录"
    TOKEN_INVALID = "token_invalid", "无效的访问令牌"


class SecuritySubject(models.TextChoices):
    ACCOUNT = "account", "账号"
    ADDRESS = "address", "地址"


class SecurityEvent(models.Model):
    """安全事件 — what visitors who are not (yet) anyone tried: failed and throttled logins, wrong
    dynamic codes, dead API tokens. Not legal records, so not in the ledger.

    Aggregated so that a visitor cannot grow it without bound: one row per kind, per account or
    address, per hour, with a count and a few distinct samples (the addresses an account was tried
    from; the names tried from an address), each cut to a bounded length. Pruned after
    `SECURITY_EVENT_DAYS` by the `prune_security_events` job.
    """

    kind = models.CharField(max_length=24, choices=SecurityEventKind.choices)
    subject = models.CharField(max_length=8, choices=SecuritySubject.choices)
    # The account's username (subject account) or the address (subject address).
    key = models.CharField(max_length=150)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    # The code of the account's agency, so that its administrators see it ("" for addresses).
    agency = models.CharField(max_length=64, blank=True, db_index=True)
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    samples = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "subject", "key", "hour"],
                                               name="accounts_security_event_one_row_per_hour")]
        indexes = [models.Index(fields=["hour"])]
        ordering = ["-hour", "subject", "kind", "key"]
        verbose_name = "安全事件"

    def __str__(self):
        return f"{self.get_kind_display()} {self.key} ×{self.count}"
