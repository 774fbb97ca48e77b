"""Pages: the party list with search, the register and edit forms, and the dossier (一户式档案)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sanxiang.core.errors import SanxiangError

from . import actions, queries
from .dossier import rendered_sections
from .forms import PartyForm

PAGE_SIZE = 50


@login_required
def party_list(request):
    search = request.GET.get("q", "").strip()
    page = Paginator(queries.parties_for(request.user, search), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    full = queries.editable_ids(request.user, rows)
    return render(request, "parties/list.html", {
        "search": search, "page": page,
        "rows": [queries.display(p, p.pk in full) for p in rows],
        "may_register": bool(queries.agencies_to_register_in(request.user)),
    })


@login_required
def party_detail(request, party):
    found = queries.party_for(request.user, party)
    full = queries.may_change(request.user, found)
    return render(request, "parties/detail.html", {
        "party": found, "shown": queries.display(found, full), "may_change": full,
        "sections": rendered_sections(found, request),
    })


@login_required
@require_http_methods(["GET", "POST"])
def party_create(request):
    agencies = queries.agencies_to_register_in(request.user)
    if not agencies:
        raise PermissionDenied("只有执法人员、科室负责人、单位领导和行政审批人员可以登记当事人。")
    form = PartyForm(request.POST or None, agencies=agencies)
    status, existing = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            by_code = {a.code: a for a in agencies}
            agency = by_code.get(form.cleaned_data.get("agency")) or agencies[0]
            try:
                party = actions.do_register_party(agency, **form.party_fields(), actor=request.user)
            except actions.PartyExists as exc:
                exc.show_on(form)
                existing, status = exc.party, 409
            except SanxiangError as exc:
                exc.show_on(form)
                status = exc.status
            else:
                messages.success(request, f"已登记当事人“{party.name}”。")
                return redirect("parties:detail", party=party.pk)
    return render(request, "parties/form.html", {
        "title": "登记当事人", "form": form, "existing": existing, "back": reverse("parties:list"),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def party_edit(request, party):
    found = queries.party_for(request.user, party)
    if not queries.may_change(request.user, found):
        raise PermissionDenied("您无权修改该当事人的信息。")
    version = request.POST.get("version") or actions.version(found)
    initial = {key: getattr(found, key) for key in actions.FIELDS}
    form = PartyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.do_update_party(found, changes=form.party_fields(), expected=version, actor=request.user)
            except SanxiangError as exc:
                exc.show_on(form)
                status = exc.status
            else:
                messages.success(request, f"已保存当事人“{found.name}”的修改。")
                return redirect("parties:detail", party=found.pk)
    return render(request, "parties/form.html", {
        "title": "修改当事人信息", "subject": found.name, "form": form, "version": version,
        "back": reverse("parties:detail", args=[found.pk]),
    }, status=status)
