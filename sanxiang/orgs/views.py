"""Pages for agencies, units and people, the per-role home, and the public certificate check."""

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sanxiang.accounts.actions import may_manage_account

from . import queries
from .actions import is_agency_admin
from .indicators import equipment_shortfalls, expiry_warnings, reviewer_ratio
from .models import AgencyKind, CertificateKind, CertificateStatus, PersonKind, Role
from .querysets import current_roles


def nav_items_for(user):
    items = [{"url": "/", "label": "工作台"}]
    if user.is_authenticated:
        advisers_only = not user.is_superuser and not current_roles(user).exclude(role=Role.ADVISER).exists()
        if not advisers_only:
            items.append({"url": "/agencies/", "label": "执法主体"})
        items += [
            {"url": "/profiles/", "label": "规则配置"},
            {"url": "/deadlines/calendar/", "label": "节假日日历"},
            {"url": "/deadlines/calculator/", "label": "时限计算"},
        ]
    return items


def _calendar_warnings(today):
    try:
        from sanxiang.deadlines.queries import calendar_warnings
    except ImportError:
        return []
    try:
        return [str(w) for w in calendar_warnings(today)]
    except Exception:  # the calendar belongs to another app; its failure must not break the home page
        return []


def _unit_queue(roles, today):
    """责任科室待办: the obligations the profile's duties route to the head's units."""
    from sanxiang.deadlines.queries import obligations_for_unit, warning_level

    rows = []
    for r in roles:
        if r.role == Role.UNIT_HEAD and r.unit_id:
            for ob in obligations_for_unit(r.agency.code, r.unit.name):
                rows.append({"ob": ob, "level": warning_level(ob, today)})
    return rows


def _escalated(agencies, today):
    """责任领导督办: overdue obligations of the agencies the leader or administrator oversees."""
    from sanxiang.deadlines.queries import open_obligations

    codes = [a.code for a in agencies]
    return list(open_obligations().filter(agency__in=codes, due__lt=today).order_by("due", "id"))


def _entrusted(user, role):
    """The objects an adviser's assignment names, as links they can open (restricted reads)."""
    pages = {"orgs.person": (queries.people, "/people/{}/"), "orgs.unit": (queries.units, "/units/{}/")}
    items = []
    for ref in role.scope or []:
        kind, _, pk = str(ref).rpartition(":")
        if kind in pages and pk.isdigit():
            reader, url = pages[kind]
            obj = reader(user).filter(pk=int(pk)).first()
            if obj is not None:
                items.append({"label": obj.name, "url": url.format(pk)})
                continue
        items.append({"label": ref, "url": ""})
    return items


def _indicators(agency):
    return {"agency": agency, "shortfalls": equipment_shortfalls(agency), "ratio": reviewer_ratio(agency)}


@login_required
def role_home(request):
    user, today = request.user, timezone.localdate()
    roles = list(current_roles(user).select_related("agency", "unit"))
    role_set = {r.role for r in roles}
    me = list(queries.own_people(user).prefetch_related("certificates", "trainings", "qualifications", "device_issues__equipment"))
    context = {"today": today, "roles": roles, "me": me, "sections": []}
    if Role.UNIT_HEAD in role_set:
        unit_ids = [r.unit_id for r in roles if r.role == Role.UNIT_HEAD and r.unit_id]
        context["unit_people"] = queries.people(user, unit_id__in=unit_ids).prefetch_related("certificates")
        context["unit_warnings"] = expiry_warnings(queries.certificates(user, person__unit_id__in=unit_ids), today)
        context["unit_queue"] = _unit_queue(roles, today)
    admin_like = {Role.ADMINISTRATOR, Role.AGENCY_LEADER}
    if role_set & admin_like or user.is_superuser:
        if user.is_superuser:
            agencies = list(queries.agencies(user).filter(kind=AgencyKind.ENFORCEMENT))
        else:
            codes = {r.agency.code for r in roles if r.role in admin_like}
            agencies = list(queries.agencies(user).filter(code__in=codes))
        context["indicators"] = [_indicators(a) for a in agencies]
        context["expiry"] = expiry_warnings(queries.certificates(user, person__agency__in=agencies), today)
        context["calendar_warnings"] = _calendar_warnings(today)
        context["escalated"] = _escalated(agencies, today)
    if Role.SUPERVISOR in role_set:
        own = [r.agency_id for r in roles if r.role == Role.SUPERVISOR]
        context["supervised"] = queries.agencies(user).filter(supervised_by__in=own).distinct()
    if Role.ADVISER in role_set:
        context["adviser_roles"] = [(r, _entrusted(user, r)) for r in roles if r.role == Role.ADVISER]
    return render(request, "orgs/home.html", context)


@login_required
def agency_list(request):
    return render(request, "orgs/agency_list.html", {"agencies": queries.agencies(request.user)})


@login_required
def agency_detail(request, code):
    agency = queries.agency(request.user, code)
    today = timezone.localdate()
    context = {
        "agency": agency,
        "tree": queries.unit_tree(request.user, agency),
        "people": queries.people(request.user, agency=agency).order_by("unit_id", "kind", "id"),
        "supervisors": agency.supervised_by.all(),
        "supervises": queries.agencies(request.user).filter(supervised_by=agency),
        "today": today,
        "can_manage": is_agency_admin(request.user, agency),
    }
    if context["can_manage"]:
        context["roles"] = queries.roles(request.user, agency=agency, active=True).order_by("role", "id")
    if agency.kind == AgencyKind.ENFORCEMENT:
        context.update(_indicators(agency))
        context["expiry"] = expiry_warnings(queries.certificates(request.user, person__agency=agency), today)
    return render(request, "orgs/agency_detail.html", context)


@login_required
def unit_detail(request, pk):
    unit = queries.unit(request.user, pk)
    return render(request, "orgs/unit_detail.html", {
        "unit": unit,
        "children": queries.units(request.user).filter(parent=unit),
        "people": queries.people(request.user, unit=unit),
        "equipment": unit.equipment.all(),
        "can_manage": is_agency_admin(request.user, unit.agency),
    })


def public_certificate_url(request, number):
    return request.build_absolute_uri(reverse("public-certificate-number", args=[number]))


@login_required
def person_detail(request, pk):
    person = queries.person(request.user, pk)
    today = timezone.localdate()
    certificates = []
    for cert in queries.certificates(request.user, person=person):
        url = public_certificate_url(request, cert.number)
        certificates.append({"cert": cert, "status": cert.status_on(today), "label": cert.status_label_on(today),
                             "url": url, "qr": segno.make(url, error="m").svg_inline(scale=3)})
    return render(request, "orgs/person_detail.html", {
        "person": person,
        "certificates": certificates,
        "qualifications": person.qualifications.all(),
        "trainings": queries.trainings(request.user, person=person),
        "devices": queries.device_issues(request.user, person=person),
        "roles": [{"role": r, "can_revoke": is_agency_admin(request.user, r.agency)}
                  for r in queries.roles(request.user, user_id=person.user_id, active=True)] if person.user_id else [],
        "can_manage": is_agency_admin(request.user, person.agency),
        "can_manage_account": person.user_id is not None and may_manage_account(request.user, person.user),
    })


def public_certificate(request, number=None):
    """事中公示/亮证: anyone may check one certificate number; no login, no listing."""
    number = (number if number is not None else request.GET.get("number", "")).strip()
    context = {"number": number, "searched": bool(number)}
    status = 200
    if number:
        cert = queries.public_certificate(number)
        if cert is None:
            context["not_found"] = True
            status = 404
        else:
            today = timezone.localdate()
            state = cert.status_on(today)
            context.update({
                "cert": cert,
                "state": state,
                "state_label": CertificateStatus(state).label,
                "auxiliary": cert.kind == CertificateKind.WORK or cert.person.kind == PersonKind.AUXILIARY,
                "usable": state == CertificateStatus.VALID and cert.valid_from <= today,
            })
    return render(request, "orgs/public_certificate.html", context, status=status)
