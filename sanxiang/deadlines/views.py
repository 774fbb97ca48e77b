
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.utils import timezone

from .actions import CalendarError, do_import_calendar
from .engine import DeadlineError, compute_due
from .forms import CalculatorForm
from .models import CalendarYear
from .queries import calendar_audience, calendar_warnings


def calculator(request):
    """时限计算器 — public, works with and without JavaScript (htmx swaps only the result)."""
    result = error = None
    if "start" in request.GET:
        form = CalculatorForm(request.GET)
        if form.is_valid():
            try:
                data = form.cleaned_data
                start = data["start"] if data["unit"] == "hours" else data["start"][:10]
                result = compute_due(start, data["count"], data["unit"])
            except DeadlineError as exc:
                error = exc.message
        else:
            error = "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items())
    else:
        form = CalculatorForm(initial={"start": timezone.localdate().isoformat(), "count": 7,
                                       "unit": "workdays"})
    context = {"form": form, "result": result, "error": error}
    template = "deadlines/_result.html" if request.headers.get("HX-Request") else "deadlines/calculator.html"
    return render(request, template, context, status=400 if error else 200)


@login_required
def calendar_view(request):
    """节假日日历 — one year's holidays and make-up working days, official or provisional."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        if not 1990 <= year <= 2100:
            raise ValueError
    except ValueError:
        year = today.year
    row = CalendarYear.objects.filter(year=year).first()
    years = list(CalendarYear.objects.values_list("year", "official"))
    known = {y for y, _ in years}
    for extra in (today.year, today.year + 1):
        if extra not in known:
            years.append((extra, False))
    context = {
        "year": year, "row": row, "days": list(row.days.all()) if row else [],
        "years": sorted(years), "warnings": calendar_warnings(today, audience=calendar_audience(request.user)),
        "prev": year - 1, "next": year + 1, "can_import": request.user.is_superuser,
    }
    return render(request, "deadlines/calendar.html", context)


MAX_CALENDAR_FILE = 256 * 1024


@login_required
@require_POST
def calendar_import(request):
    """录入节假日安排: a system administrator uploads a year's notice file (same JSON as the CLI)."""
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要录入的日历文件（JSON）。")
        return redirect("deadline-calendar")
    if upload.size > MAX_CALENDAR_FILE:
        messages.error(request, "日历文件过大（上限 256 KB）。")
        return redirect("deadline-calendar")
    try:
        row, changed = do_import_calendar(upload.read(), actor=request.user)
    except CalendarError as exc:
        messages.error(request, f"未录入：{exc.message}")
        return redirect("deadline-calendar")
    if changed:
        messages.success(request, f"已录入 {row.year} 年节假日安排（{row.source}），未结时限已按新日历重新计算。")
    else:
        messages.info(request, f"{row.year} 年节假日安排与已有数据相同，未作更改。")
    return redirect(f"{reverse('deadline-calendar')}?year={row.year}")
