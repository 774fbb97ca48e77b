"""我的账号 (own password, dynamic code, tokens) and the administrators' account pages for a person.

Each POST calls one action with actor=request.user; its refusal is shown in Chinese with the
form again (400/403) and nothing is written. Secrets (a temporary password, a new token) are
shown once, in the response to the POST itself, never put in a message or the URL, and no page
here may be cached.
"""

import functools

import pyotp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sanxiang.core.errors import SanxiangError
from sanxiang.orgs import queries as orgs_queries
from sanxiang.orgs.errors import OrgsPermissionDenied
from sanxiang.orgs.models import Person, TotpDevice

from . import actions as A
from . import forms as F
from . import queries
from .middleware import TEMPORARY_PASSWORD_FLAG
from .models import ApiToken

PENDING_TOTP = "pending_totp_secret"


def account_page(view):
    @login_required
    @never_cache
    @require_http_methods(["GET", "POST"])
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (OrgsPermissionDenied, SanxiangError) as exc:
            status = getattr(exc, "status", 403)
            return render(request, "accounts/form.html", {"title": "无法操作", "error": exc.message, "back": reverse("home")},
                          status=status)

    return wrapper


def form_page(request, form_class, *, title, subject="", back, perform, success, button="保存", extra=None,
              allowed=True):
    """GET shows the form; a valid POST calls `perform(data)`; its result goes to `success(result)`."""
    error, status = None, 200
    if request.method == "POST" and allowed:
        form = form_class(request.POST)
        if form.is_valid():
            try:
                result = perform(form.cleaned_data)
            except SanxiangError as exc:
                error, status = exc.message, exc.status
            else:
                return success(result)
        else:
            error, status = "请更正下列错误后再提交。", 400
    else:
        form = form_class()
    if not allowed:
        error, status = "您无权执行此操作。", 403
    context = {"title": title, "subject": subject, "back": back, "form": form, "error": error, "button": button,
               "show_form": allowed and status != 403, **(extra or {})}
    return render(request, "accounts/form.html", context, status=status)


def shown_once(request, *, title, subject, label, secret, note, back):
    return render(request, "accounts/shown_once.html", {"title": title, "subject": subject, "label": label,
                                                        "secret": secret, "note": note, "back": back})


# ---- 我的账号 ------------------------------------------------------------------------------------

@account_page
def my_account(request):
    user, now = request.user, timezone.now()
    tokens = [{"token": t, "state": t.state_on(now), "label": t.state_label_on(now)}
              for t in queries.own_tokens(user)]
    return render(request, "accounts/my_account.html", {
        "account": user, "roles": queries.own_roles(user), "people": list(user.people.select_related("agency")),
        "totp": TotpDevice.objects.filter(user=user).first(), "tokens": tokens,
        "temporary": queries.has_temporary_password(user),
    })


@account_page
def change_password(request):
    user = request.user
    temporary = bool(request.session.get(TEMPORARY_PASSWORD_FLAG))

    def success(_):
        update_session_auth_hash(request, user)
        request.session.pop(TEMPORARY_PASSWORD_FLAG, None)
        messages.success(request, "密码已修改。")
        return redirect("my-account")

    return form_page(
        request, F.ChangePasswordForm, title="修改密码", back=reverse("my-account"), button="修改密码",
        subject="您的密码由管理员设置，请先设置自己的新密码。" if temporary else user.username,
        perform=lambda d: A.do_change_own_password(user, d["current_password"], d["new_password"], actor=user),
        success=success)


@account_page
def enrol_totp(request):
    user = request.user
    if request.method == "GET" or PENDING_TOTP not in request.session:
        request.session[PENDING_TOTP] = A.new_totp_secret()
    secret = request.session[PENDING_TOTP]
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="三项")

    def success(_):
        request.session.pop(PENDING_TOTP, None)
        messages.success(request, "动态口令已启用。今后登录时需要输入身份验证器上的 6 位动态口令。")
        return redirect("my-account")

    return form_page(
        request, F.TotpForm, title="设置动态口令", back=reverse("my-account"), button="确认启用",
        subject="用身份验证器（如 FreeOTP、Google Authenticator、微信小程序“腾讯身份验证器”）扫描二维码，"
                "或手工输入密钥，然后输入显示的 6 位数字确认。",
        perform=lambda d: A.do_confirm_totp(user, secret, d["code"], password=d["password"], actor=user),
        success=success,
        extra={"qr": segno.make(uri, error="m").svg_inline(scale=4), "totp_secret": secret})


@account_page
def create_token(request):
    user = request.user
    return form_page(
        request, F.TokenForm, title="创建访问令牌", back=reverse("my-account"), button="创建",
        subject="访问令牌供程序（手机应用、执法记录仪工作站、上级平台）调用接口，拥有您账号的全部权限。",
        perform=lambda d: A.do_create_api_token(user, label=d["label"], days=d["days"], actor=user),
        success=lambda result: shown_once(
            request, title="访问令牌已创建", subject=result[0].label or "访问令牌", label="访问令牌",
            secret=result[1], back=reverse("my-account"),
            note=f"请立即复制保存：离开本页后无法再次查看。有效期至 {_local(result[0].expires_at)}。"
                 "调用接口时在请求头中加入 Authorization: Bearer <访问令牌>。"))


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@account_page
def revoke_token(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)

    def success(revoked):
        messages.success(request, f"访问令牌 {revoked.prefix}… 已撤销。")
        return redirect("my-account")

    return form_page(
        request, F.ReasonForm, title="撤销访问令牌", subject=f"{token.label or '访问令牌'} · {token.prefix}…",
        back=reverse("my-account"), button="撤销",
        perform=lambda d: A.do_revoke_api_token(token, reason=d["reason"] or "本人撤销", actor=request.user),
        success=success)


# ---- administrators: a person's account ---------------------------------------------------------

def _person(request, pk) -> Person:
    return orgs_queries.for_change(request.user, Person, pk=pk)


def _subject(person):
    account = f" · 账号 {person.user.username}" if person.user_id else ""
    return f"{person.name}（{person.get_kind_display()}）· {person.agency.name}{account}"


def _require_account(person):
    if person.user_id is None:
        raise SanxiangError(f"{person.name} 还没有登录账号。")
    return person.user


@account_page
def account_create(request, pk):
    person = _person(request, pk)
    back = reverse("person-detail", args=[person.pk])

    def success(result):
        user, generated = result
        if generated is None:
            messages.success(request, f"已为 {person.name} 开通账号 {user.username}；首次登录时须修改密码。")
            return redirect(back)
        return shown_once(request, title="账号已开通", subject=_subject(person), label="临时密码", secret=generated,
                          back=back, note=f"请将用户名 {user.username} 和临时密码当面或通过安全渠道告知本人："
                                          "离开本页后无法再次查看。本人首次登录时须修改密码。")

    return form_page(
        request, F.CreateAccountForm, title="开通账号", subject=_subject(person), back=back, button="开通账号",
        allowed=A.orgs_actions.is_agency_admin(request.user, person.agency),
        perform=lambda d: A.do_create_account(person, d["username"], password=d["password"], actor=request.user),
        success=success)


@account_page
def account_reset_password(request, pk):
    person = _person(request, pk)
    user = _require_account(person)
    back = reverse("person-detail", args=[person.pk])

    def success(generated):
        if generated is None:
            messages.success(request, f"已重置 {user.username} 的密码；下次登录时须修改。")
            return redirect(back)
        return shown_once(request, title="密码已重置", subject=_subject(person), label="临时密码", secret=generated,
                          back=back, note="请当面或通过安全渠道告知本人：离开本页后无法再次查看。"
                                          "该账号已在所有设备上退出，下次登录时须修改密码。")

    return form_page(
        request, F.ResetPasswordForm, title="重置密码", subject=_subject(person), back=back, button="重置密码",
        allowed=A.may_manage_account(request.user, user),
        perform=lambda d: A.do_reset_password(user, password=d["password"], actor=request.user), success=success)


ACCOUNT_CHANGES = {
    "disable": (A.do_disable_account, "停用账号", "停用", "已停用账号 {}：无法登录，已登录的会话和访问令牌均失效。"),
    "enable": (A.do_enable_account, "启用账号", "启用", "已启用账号 {}。"),
}


@account_page
def account_change(request, pk, op):
    action, title, button, done = ACCOUNT_CHANGES[op]
    person = _person(request, pk)
    user = _require_account(person)
    back = reverse("person-detail", args=[person.pk])

    def success(changed):
        messages.success(request, done.format(changed.username))
        return redirect(back)

    return form_page(
        request, F.ReasonForm, title=title, subject=_subject(person), back=back, button=button,
        allowed=A.may_manage_account(request.user, user),
        perform=lambda d: action(user, reason=d["reason"], actor=request.user), success=success)


@login_required
@never_cache
@require_http_methods(["GET"])
def security_events(request):
    """安全事件: failed and throttled logins, wrong dynamic codes, dead tokens — per hour, counted."""
    from .models import SecurityEventKind, SecuritySubject

    if not queries.may_see_security_events(request.user):
        return render(request, "accounts/form.html", {"title": "安全事件", "back": reverse("home"),
                      "error": "只有系统管理员和本单位管理员可以查看安全事件。"}, status=403)
    subject, kind = request.GET.get("subject", ""), request.GET.get("kind", "")
    rows = list(queries.security_events(request.user, subject=subject, kind=kind))
    return render(request, "accounts/security_events.html", {
        "rows": rows, "subject": subject, "kind": kind, "limit": queries.SECURITY_EVENT_ROWS,
        "subjects": SecuritySubject.choices, "kinds": SecurityEventKind.choices,
        "retention_days": settings.SECURITY_EVENT_DAYS,
    })
