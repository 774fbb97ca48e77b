"""Login with throttling (per account and per address) and TOTP for administrators."""

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

THROTTLE_MESSAGE = "登录失败次数过多，请 {minutes} 分钟后再试。"


def _throttle_keys(request, username):
    address = request.META.get("REMOTE_ADDR", "?")
    return [f"login-fail:user:{username.lower()}", f"login-fail:addr:{address}"]


def is_throttled(request, username) -> bool:
    return any(cache.get(k, 0) >= settings.LOGIN_THROTTLE_LIMIT for k in _throttle_keys(request, username))


def note_failure(request, username):
    for key in _throttle_keys(request, username):
        cache.add(key, 0, settings.LOGIN_THROTTLE_WINDOW)
        cache.incr(key)


def clear_failures(request, username):
    cache.delete_many(_throttle_keys(request, username))


def login_view(request):
    from sanxiang.orgs.security import record_login_event, totp_required, totp_valid

    context = {"next": request.GET.get("next", request.POST.get("next", "/")), "username": ""}
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        context["username"] = username
        if is_throttled(request, username):
            context["error"] = THROTTLE_MESSAGE.format(minutes=settings.LOGIN_THROTTLE_WINDOW // 60)
            record_login_event(username, "login_throttled", request)
            return render(request, "core/login.html", context, status=429)
        user = authenticate(request, username=username, password=password)
        if user is not None and totp_required(user):
            context["need_totp"] = True
            if not totp_valid(user, request.POST.get("totp", "")):
                if request.POST.get("totp"):
                    note_failure(request, username)
                    record_login_event(username, "login_failed_totp", request)
                    context["error"] = "动态口令错误或已使用过，请再次输入密码和新的动态口令。"
                else:
                    context["error"] = "管理员账号需要动态口令：请再次输入密码，并填写身份验证器上的 6 位动态口令。"
                return render(request, "core/login.html", context, status=401)
        if user is None:
            note_failure(request, username)
            record_login_event(username, "login_failed", request)
            context["error"] = "用户名或密码错误。"
            return render(request, "core/login.html", context, status=401)
        clear_failures(request, username)
        login(request, user)
        record_login_event(username, "login", request)
        target = context["next"]
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        return redirect(target)
    return render(request, "core/login.html", context)
