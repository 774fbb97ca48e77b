"""Login with throttling (per account and per address, in the database) and TOTP for administrators.

What a visitor causes before logging in (failures, throttling, a wrong dynamic code) is counted
as a security event (安全事件, sanxiang.accounts.security_events), never ledgered; a successful
login is an identified person's act and stays in the ledger.
"""

from django.contrib.auth import authenticate, get_user_model, login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from sanxiang.accounts import security_events, throttle


def _disabled_account(username, password) -> bool:
    """The password is right but the account is disabled (only then is the state worth telling)."""
    user = get_user_model().objects.filter(username=username, is_active=False).first()
    return user is not None and user.check_password(password)


def login_view(request):
    from sanxiang.accounts.middleware import TEMPORARY_PASSWORD_FLAG
    from sanxiang.accounts.models import TemporaryPassword
    from sanxiang.orgs.security import record_login_event, totp_required, totp_valid

    context = {"next": request.GET.get("next", request.POST.get("next", "/")), "username": ""}
    if request.method == "POST":
        username = security_events.printable(request.POST.get("username", "")).strip()
        password = request.POST.get("password", "")
        address = throttle.client_address(request)
        context["username"] = username
        if not throttle.begin_attempt(username, address):
            context["error"] = throttle.message()
            security_events.record("login_throttled", username=username, address=address)
            return render(request, "core/login.html", context, status=429)
        user = authenticate(request, username=username, password=password)
        if user is not None and totp_required(user):
            context["need_totp"] = True
            if not totp_valid(user, request.POST.get("totp", "")):
                if request.POST.get("totp"):
                    security_events.record("login_failed_totp", user=user, address=address)
                    context["error"] = "动态口令错误或已使用过，请再次输入密码和新的动态口令。"
                else:
                    # The password was right; asking for the code is not a failure.
                    throttle.give_back(username, address, succeeded=False)
                    context["error"] = "管理员账号需要动态口令：请再次输入密码，并填写身份验证器上的 6 位动态口令。"
                return render(request, "core/login.html", context, status=401)
        if user is None:
            if _disabled_account(username, password):
                security_events.record("login_disabled", username=username, address=address)
                context["error"] = "该账号已停用，请联系本单位管理员。"
            else:
                security_events.record("login_failed", username=username, address=address)
                context["error"] = "用户名或密码错误。"
            return render(request, "core/login.html", context, status=401)
        throttle.give_back(username, address, succeeded=True)
        login(request, user)
        record_login_event(username, "login", request)
        if TemporaryPassword.objects.filter(user=user).exists():
            request.session[TEMPORARY_PASSWORD_FLAG] = True
            return redirect("account-password")
        target = context["next"]
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        return redirect(target)
    return render(request, "core/login.html", context)
