from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sanxiang.core.accounts import login_view  # noqa: F401  (re-exported for urls)


def home(request):
    if not request.user.is_authenticated:
        return render(request, "core/anonymous_home.html")
    from sanxiang.orgs.views import role_home

    return role_home(request)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("/")


def healthz(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
