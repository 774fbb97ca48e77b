"""执法台账 pages: the list of registers, each register with its filters and its xlsx, and one goods
item with its hand-overs."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from sanxiang.core.errors import NotFound, SanxiangError

from . import queries
from .api import xlsx_response
from .registry import AMOUNT, DATE, QUANTITY, registers, rows_of, table

PAGE_SIZE = 200


class RegisterNotFound(NotFound, Http404):
    code = "register_not_found"
    default_message = "没有这种台账，或您无权查看。"


@login_required
def index(request):
    return render(request, "registers/index.html", {"registers": registers()})


@login_required
def register_page(request, name):
    try:
        reg = queries.register_named(name)
    except NotFound:
        raise RegisterNotFound() from None
    given = {k: request.GET.get(k, "") for k in ("from", "to", "unit", "state")}
    error, rows, objects, f = "", [], [], None
    try:
        f = queries.filters(reg, request.user, start=given["from"], end=given["to"], unit=given["unit"],
                            state=given["state"])
    except SanxiangError as exc:
        error = exc.message
    if f is not None:
        objects = rows_of(reg, request.user, **f)
        rows = table(reg, objects)
        if request.GET.get("format") == "xlsx":
            return xlsx_response(reg, rows, queries.subtitle(reg, f))
    links = [reverse("registers:goods", args=[o.pk]) if reg.name == "goods" else "" for o in objects]
    shown = [(link, [_shown(v, c.kind) for v, c in zip(row, reg.columns, strict=True)])
             for link, row in zip(links, rows, strict=True)]
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    units = list(queries.units_for(request.user)) if reg.unit_field else []
    many_agencies = len({u.agency_id for u in units}) > 1
    query = urlencode({k: v for k, v in given.items() if v})
    return render(request, "registers/register.html", {
        "reg": reg, "given": given, "error": error, "page": page, "count": len(rows),
        "headers": [c.label for c in reg.columns],
        "units": [(str(u.pk), f"{u.agency.name} {u.name}" if many_agencies else u.name) for u in units],
        "states": list(reg.states().items()), "query": query, "goods": reg.name == "goods",
    }, status=400 if error else 200)


def _shown(value, kind) -> str:
    if value is None:
        return ""
    if kind == DATE:
        return f"{value:%Y-%m-%d}"
    if kind == AMOUNT:
        return f"{value:,.2f}"
    if kind == QUANTITY:
        return f"{value.normalize():f}"
    return str(value)


@login_required
def goods_detail(request, pk):
    goods = queries.goods_for(request.user, pk)
    if goods is None:
        raise RegisterNotFound("未找到该财物，或您无权查看。")
    return render(request, "registers/goods.html", {"goods": goods, "hand_overs": list(goods.hand_overs.all())})
