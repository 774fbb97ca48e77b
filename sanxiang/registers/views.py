"""执法台账 pages: the list of registers, each register with its filters and its xlsx, and one goods
item with its hand-overs."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sanxiang.access.policy import can
from sanxiang.core.errors import NotFound, SanxiangError

from . import actions, queries
from .api import xlsx_response
from .forms import DisposeForm, HandOverForm, RegisterConfiscatedForm, RegisterSeizedForm
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
        "states": list(reg.states().items()), "query": query,
        "unregistered": queries.unregistered_items(request.user) if reg.name == "goods" else [],
        "confiscating": queries.confiscating_cases(request.user) if reg.name == "goods" else [],
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


def _signed(data) -> dict:
    return {k: data[k] for k in ("location", "condition", "handed_by", "received_by", "reason")} | {
        "handed_at": data["handed_at"]}


@login_required
@require_http_methods(["GET", "POST"])
def goods_detail(request, pk):
    goods = queries.goods_for(request.user, pk)
    if goods is None:
        raise RegisterNotFound("未找到该财物，或您无权查看。")
    act = request.POST.get("act") if request.method == "POST" else ""
    open_ = goods.stage != "disposed"
    hand_over_form = HandOverForm(request.POST if act == "hand_over" else None, prefix="h",
                                  initial={"from_holder": goods.holder})
    dispose_form = DisposeForm(request.POST if act == "dispose" else None, prefix="d",
                               initial={"from_holder": goods.holder})
    methods, why = actions.disposal_methods(goods) if open_ else ((), "")
    dispose_form.fields["method"].choices = [(m.value, m.label) for m in methods]
    form = {"hand_over": hand_over_form, "dispose": dispose_form}.get(act)
    status = 200
    if form is not None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                if act == "hand_over":
                    actions.do_hand_over_goods(goods, from_holder=data["from_holder"], to_holder=data["to_holder"],
                                               to_place=data["to_place"], stage=data["stage"], actor=request.user,
                                               receiver_outside=data["receiver_outside"], **_signed(data))
                else:
                    actions.do_dispose_goods(goods, method=data["method"], approval=data["approval"],
                                             from_holder=data["from_holder"], to_holder=data["to_holder"],
                                             proceeds=data["proceeds"], actor=request.user, **_signed(data))
            except SanxiangError as exc:
                exc.show_on(form)
            else:
                messages.success(request, "已登记财物处置。" if act == "dispose" else "已登记财物交接。")
                return redirect("registers:goods", pk=goods.pk)
        status = 400
    return render(request, "registers/goods.html", {
        "goods": goods, "hand_overs": list(goods.hand_overs.all()),
        "hand_over_form": hand_over_form if open_ and can(request.user, "hand_over", goods) else None,
        "dispose_form": dispose_form if open_ and methods and can(request.user, "dispose", goods) else None,
        "dispose_blocked": why if open_ else "",
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def register_seized(request, pk):
    """登记入账: an item of a 清单 whose measure was carried out, handed from the party to its first holder."""
    item = queries.unregistered_item(request.user, pk)
    if item is None:
        raise RegisterNotFound("未找到待登记的查封扣押财物，或您无权登记。")
    form = RegisterSeizedForm(request.POST or None, initial={"place": item.place, "reason": "查封、扣押后交保管"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                goods = actions.do_register_seized_goods(item, holder=data["holder"], place=data["place"],
                                                         actor=request.user, **_signed(data))
            except SanxiangError as exc:
                exc.show_on(form)
            else:
                messages.success(request, f"已登记“{goods.name}”。")
                return redirect("registers:goods", pk=goods.pk)
        status = 400
    return render(request, "registers/register_seized.html", {"item": item, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def register_confiscated(request, pk):
    """登记罚没财物: goods the case's decision confiscates that were not seized before."""
    case = queries.confiscating_case(request.user, pk)
    if case is None:
        raise RegisterNotFound("未找到没收非法财物的案件，或您无权登记。")
    form = RegisterConfiscatedForm(request.POST or None, initial={"reason": "执行没收非法财物的行政处罚决定"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                goods = actions.do_register_confiscated_goods(
                    case, name=data["name"], spec=data["spec"], quantity=data["quantity"], unit=data["unit"],
                    holder=data["holder"], place=data["place"], actor=request.user, **_signed(data))
            except SanxiangError as exc:
                exc.show_on(form)
            else:
                messages.success(request, f"已登记“{goods.name}”。")
                return redirect("registers:goods", pk=goods.pk)
        status = 400
    return render(request, "registers/register_confiscated.html", {"case": case, "form": form}, status=status)
