from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanxiang.core.accounts import login_view  # noqa: F401  (re-exported for urls)

from .hooks import home_panels


def home(request):
    """工作台: the panels every app registered for this user, summed up in one header."""
    if not request.user.is_authenticated:
        return render(request, "core/anonymous_home.html")
    panels = home_panels(request)
    counts, shortcuts = [], []
    for panel in panels:
        for item in panel["context"].get("counts", ()):
            counts.append({"anchor": panel["name"], **item})
        for link in panel["context"].get("shortcuts", ()):
            if link not in shortcuts:
                shortcuts.append(link)
        # Rendered without context processors: the panels need only the user, not the menu again.
        panel["html"] = render_to_string(panel["template"], {"user": request.user, "request": request,
                                                             **panel["context"]})
    return render(request, "core/home.html", {
        "today": timezone.localdate(), "panels": panels, "counts": counts, "shortcuts": shortcuts,
    })


@require_POST
def logout_view(request):
    logout(request)
    return redirect("home")


def healthz(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
