"""Pages for agencies, units and people, and the public certificate check (the workbench panels: hooks.py)."""

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from sanxiang.accounts.actions import may_manage_account
from sanxiang.core.public import public_reverse
from sanxiang.workflow import available

from . import queries
from .actions import is_agency_admin
from .editing import CERTIFICATE_CHANGES
from .guards import certificate_usable, is_auxiliary
from .indicators import equipment_shortfalls, expiry_warnings, reviewer_ratio
from .models import AgencyKind, CertificateStatus


def _indicators(agency):
    return {"agency": agency, "shortfalls": equipment_shortfalls(agency), "ratio": reviewer_ratio(agency)}


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


def public_certificate_url(number):
    return public_reverse("public-certificate-number", number)


@login_required
def person_detail(request, pk):
    person = queries.person(request.user, pk)
    today = timezone.localdate()
    certificates = []
    for cert in queries.certificates(request.user, person=person):
        url = public_certificate_url(cert.number)
        # The links are the certificate table's allowed moves that have a page (not "expire": the job's).
        changes = [o for o in available(cert, request.user) if o.allowed and o.action in CERTIFICATE_CHANGES]
        certificates.append({"cert": cert, "usable": certificate_usable(cert, today), "label": cert.status_label_on(today),
                             "changes": changes, "url": url, "qr": segno.make(url, error="m").svg_inline(scale=3)})
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
                "auxiliary": is_auxiliary(cert),
                "usable": certificate_usable(cert, today),
            })
    return render(request, "orgs/public_certificate.html", context, status=status)
