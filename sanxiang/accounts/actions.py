"""Every write to login accounts and API tokens: `do_<verb>_<noun>(..., *, actor)`.

Each runs in one transaction, checks who may do it, writes and appends its ledger entry. No
password, TOTP secret or token ever enters a ledger payload. Agency administrators manage the
accounts of their agency's people; system administrators (and the operator's console) any account;
everyone their own password, dynamic code (TOTP) and tokens.
"""

import datetime as dt
import secrets

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger.actions import append_entry
from sanxiang.ledger.registry import register_actions
from sanxiang.orgs import actions as orgs_actions
from sanxiang.orgs.errors import OrgsError
from sanxiang.orgs.models import Agency, Person, Role, RoleAssignment, TotpDevice
from sanxiang.orgs.security import matching_step

from . import tokens
from .models import ApiToken, TemporaryPassword

register_actions({
    "create_account": "开通登录账号",
    "reset_password": "重置密码",
    "disable_account": "停用账号",
    "enable_account": "启用账号",
    "create_api_token": "创建访问令牌",
    "revoke_api_token": "撤销访问令牌",
    "use_api_token_new_address": "访问令牌首次从新地址使用",
})

# Letters that cannot be mistaken for one another when read aloud or copied from paper.
_READABLE = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _actor_name(actor) -> str:
    return getattr(actor, "username", None) or "system"


def _is_self(actor, user) -> bool:
    return getattr(actor, "pk", None) is not None and actor.pk == user.pk


def temporary_password() -> str:
    """Three groups of four readable characters, e.g. `k7Pq-2mWx-R9tz` (about 71 bits)."""
    return "-".join("".join(secrets.choice(_READABLE) for _ in range(4)) for _ in range(3))


def account_agencies(user) -> list[Agency]:
    """The agencies whose people the account belongs to (through `Person.user`)."""
    return list(Agency.objects.filter(people__user=user).distinct().order_by("code"))


def may_manage_account(actor, user) -> bool:
    """System administrators, or an administrator of the agency of the account's person.

    A system administrator's account is managed only by system administrators.
    """
    if orgs_actions.is_system_admin(actor):
        return True
    if getattr(user, "is_superuser", False):
        return False
    return any(orgs_actions.is_agency_admin(actor, agency) for agency in account_agencies(user))


def _require_manage(actor, user):
    if not may_manage_account(actor, user):
        raise NotPermitted("只有该账号所属执法主体的管理员或系统管理员可以管理此账号。")


def _agency_code(user) -> str:
    agencies = account_agencies(user)
    return agencies[0].code if agencies else ""


def _validated_password(password, user) -> str:
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        raise RuleViolation("密码不符合要求：" + "；".join(exc.messages), field="password") from None
    return password


def _mark_temporary(user, actor):
    TemporaryPassword.objects.update_or_create(
        user=user, defaults={"issued_at": timezone.now(), "issued_by": _actor_name(actor)})


def _end_sessions(user) -> int:
    """Log the account out everywhere (database sessions that belong to it)."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def check_keeps_an_administrator(agency: Agency, *, leaving_user=None, leaving_assignment=None):
    """Refuse a change that would leave `agency` without a current administrator.

    Locks the agency row first, so two administrators removing each other at the same moment
    are serialised and the second is refused.
    """
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    today = timezone.localdate()
    current = RoleAssignment.objects.filter(
        agency=agency, role=Role.ADMINISTRATOR, active=True, valid_from__lte=today, user__is_active=True,
    ).exclude(valid_to__lt=today)
    if leaving_user is not None:
        if not current.filter(user=leaving_user).exists():
            return
        current = current.exclude(user=leaving_user)
    if leaving_assignment is not None:
        if not current.filter(pk=leaving_assignment.pk).exists():
            return
        current = current.exclude(pk=leaving_assignment.pk)
    if not current.exists():
        raise RuleViolation(f"“{agency.name}”至少要有一名管理员：请先为其他人分配管理员角色，再撤销或停用此账号。")


# ---- accounts (by administrators) ---------------------------------------------------------------

@transaction.atomic
def do_create_account(person: Person, username, *, password=None, actor):
    """开通账号: a login for `person`, linked to it. Returns (user, the generated temporary password or None).

    The password (generated, or typed by the administrator) is temporary: the user must choose
    their own at the first login.
    """
    person = Person.objects.select_for_update().select_related("agency").get(pk=person.pk)
    if not orgs_actions.is_agency_admin(actor, person.agency):
        raise NotPermitted(f"只有“{person.agency.name}”的管理员或系统管理员可以为其人员开通账号。")
    if person.user_id is not None:
        raise RuleViolation(f"{person.name} 已有登录账号 {person.user.username}。")
    User = get_user_model()
    username = (username or "").strip() if isinstance(username, str) else ""
    if not username:
        raise RuleViolation("用户名不能为空。", field="username")
    try:
        User.username_validator(username)
    except ValidationError:
        raise RuleViolation("用户名只能由字母、数字和 @ . + - _ 组成。", field="username") from None
    generated = None if password else temporary_password()
    try:
        user = orgs_actions.do_create_user(username, name=person.name, password=password or generated, actor=actor,
                                           agency_code=person.agency.code)
    except OrgsError as exc:
        raise RuleViolation(exc.message, field="password" if "密码" in exc.message else "username") from None
    _mark_temporary(user, actor)
    person.user = user
    person.save(update_fields=["user"])
    append_entry(action="create_account", actor=actor, obj=person, agency=person.agency.code,
                 payload={"username": user.username, "person": person.pk, "name": person.name,
                          "temporary_password": True})
    return user, generated


@transaction.atomic
def do_reset_password(user, *, password=None, actor):
    """重置密码: a new temporary password (generated and returned, or the administrator's own)."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if _is_self(actor, user):
        raise RuleViolation("请在“我的账号”中修改自己的密码。")
    _require_manage(actor, user)
    generated = None if password else temporary_password()
    user.set_password(_validated_password(password or generated, user))
    user.save(update_fields=["password"])
    _mark_temporary(user, actor)
    _end_sessions(user)
    append_entry(action="reset_password", actor=actor, object_type="auth.user", object_id=str(user.pk),
                 agency=_agency_code(user), payload={"username": user.username, "temporary_password": True})
    return generated


@transaction.atomic
def do_disable_account(user, *, reason="", actor):
    """停用账号: no login, no session, no token works until it is enabled again."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if _is_self(actor, user):
        raise RuleViolation("不能停用自己的账号。")
    _require_manage(actor, user)
    if not user.is_active:
        raise RuleViolation(f"账号 {user.username} 已是停用状态。")
    for assignment in RoleAssignment.objects.filter(user=user, role=Role.ADMINISTRATOR, active=True).select_related(
            "agency"):
        check_keeps_an_administrator(assignment.agency, leaving_user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = _end_sessions(user)
    append_entry(action="disable_account", actor=actor, object_type="auth.user", object_id=str(user.pk),
                 agency=_agency_code(user), payload={"username": user.username, "reason": (reason or "").strip(),
                                                     "sessions_ended": sessions})
    return user


@transaction.atomic
def do_enable_account(user, *, reason="", actor):
    """启用账号: a disabled account may log in again (its unexpired tokens work again)."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    _require_manage(actor, user)
    if user.is_active:
        raise RuleViolation(f"账号 {user.username} 未停用。")
    user.is_active = True
    user.save(update_fields=["is_active"])
    append_entry(action="enable_account", actor=actor, object_type="auth.user", object_id=str(user.pk),
                 agency=_agency_code(user), payload={"username": user.username, "reason": (reason or "").strip()})
    return user


# ---- one's own account ---------------------------------------------------------------------------

def _require_self(actor, user, what):
    if not _is_self(actor, user):
        raise NotPermitted(f"只有本人可以{what}。")


def _require_current_password(user, password):
    if not user.check_password(password or ""):
        raise RuleViolation("当前密码不正确。", field="current_password")


@transaction.atomic
def do_change_own_password(user, current_password, new_password, *, actor):
    """修改密码 (本人): needs the current password; ends the temporary-password state."""
    _require_self(actor, user, "修改自己的密码")
    _require_current_password(user, current_password)
    if current_password == new_password:
        raise RuleViolation("新密码不能与当前密码相同。", field="new_password")
    try:
        orgs_actions.do_change_password(user, new_password, actor=actor)
    except OrgsError as exc:
        raise RuleViolation(exc.message, field="new_password") from None
    TemporaryPassword.objects.filter(user=user).delete()
    return user


def new_totp_secret() -> str:
    return pyotp.random_base32()


@transaction.atomic
def do_confirm_totp(user, secret, code, *, password, actor) -> TotpDevice:
    """启用/更换动态口令 (本人): the new secret counts only once a code from it has been given."""
    _require_self(actor, user, "设置自己的动态口令")
    _require_current_password(user, password)
    secret = (secret or "").strip().upper()
    try:
        pyotp.TOTP(secret).now()
    except Exception:
        raise RuleViolation("动态口令密钥无效，请重新开始设置。") from None
    step = matching_step(secret, (code or "").strip().replace(" ", ""))
    if step is None:
        raise RuleViolation("动态口令不正确：请核对手机时间，输入身份验证器当前显示的 6 位数字。", field="code")
    device, _ = TotpDevice.objects.update_or_create(
        user=user, defaults={"secret": secret, "created_at": timezone.now(), "last_t": step})
    append_entry(action="enrol_totp", actor=actor, obj=device, payload={"username": user.username})
    return device


# ---- API tokens ----------------------------------------------------------------------------------

def _days(days) -> int:
    if days in (None, ""):
        return settings.API_TOKEN_DEFAULT_DAYS
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise RuleViolation("有效天数必须是整数。", field="days") from None
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise RuleViolation(f"有效天数应在 1 到 {settings.API_TOKEN_MAX_DAYS} 天之间。", field="days")
    return days


@transaction.atomic
def do_create_api_token(user, *, label="", days=None, actor):
    """创建访问令牌 for `user` (by the user, or a system administrator / the operator's console).

    Returns (ApiToken, token): the token itself exists only in this return value.
    """
    if not (_is_self(actor, user) or orgs_actions.is_system_admin(actor)):
        raise NotPermitted("只有本人或系统管理员可以为账号创建访问令牌。")
    if not user.is_active:
        raise RuleViolation(f"账号 {user.username} 已停用，不能创建访问令牌。")
    label = (label or "").strip() if isinstance(label, str) else ""
    if len(label) > 100:
        raise RuleViolation("用途说明过长（最多 100 字）。", field="label")
    days = _days(days)
    text = tokens.new_token()
    now = timezone.now()
    token = ApiToken.objects.create(user=user, label=label, token_hash=tokens.token_hash(text),
                                    prefix=tokens.prefix_of(text), created_at=now,
                                    expires_at=now + dt.timedelta(days=days))
    append_entry(action="create_api_token", actor=actor, obj=token, agency=_agency_code(user),
                 payload={"username": user.username, "label": label, "prefix": token.prefix,
                          "expires_at": token.expires_at})
    return token, text


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, reason="", actor) -> ApiToken:
    """撤销访问令牌: by its user, a system administrator or an administrator of the user's agency."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if not (_is_self(actor, token.user) or may_manage_account(actor, token.user)):
        raise NotPermitted("只有令牌所属本人或管理员可以撤销访问令牌。")
    if token.revoked_at is not None:
        raise RuleViolation(f"访问令牌 {token.prefix}… 已撤销。")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    append_entry(action="revoke_api_token", actor=actor, obj=token, agency=_agency_code(token.user),
                 payload={"username": token.user.username, "prefix": token.prefix, "reason": (reason or "").strip()})
    return token


@transaction.atomic
def do_note_token_address(token: ApiToken, address: str) -> ApiToken:
    """A token used from an address not seen before: remember it and ledger it (once per address)."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    now = timezone.now()
    seen = list(token.addresses or [])
    if address not in seen:
        seen.append(address)
        append_entry(action="use_api_token_new_address", actor=token.user, obj=token,
                     agency=_agency_code(token.user),
                     payload={"username": token.user.username, "prefix": token.prefix, "address": address})
    ApiToken.objects.filter(pk=token.pk).update(addresses=seen, last_used_at=now)
    return token
