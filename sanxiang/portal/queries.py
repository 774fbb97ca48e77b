"""What the portal reads. Everything here is public by law (事前公开, 事中公示) and is read without a
user; each function returns only fields meant for the public — never a database id, an account, an
internal note or a party's personal data."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q

from sanxiang.orgs.models import Agency, AgencyKind, Certificate, CertificateKind, CertificateStatus, PersonKind

SEARCH_MAX = 40


def agencies():
    return Agency.objects.filter(kind=AgencyKind.ENFORCEMENT).order_by("name")


def agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code, kind=AgencyKind.ENFORCEMENT).first()


def officers(agency, today: dt.date, q: str = ""):
    """执法人员清单: every person of the agency holding an enforcement certificate valid today (name, number,
    categories, area) — officers, and heads or legal reviewers who hold one too (they may lead an inspection
    and show it); 辅助人员 never hold one (they carry a 工作证). `q` matches a name or a certificate number."""
    qs = (Certificate.objects.filter(person__agency=agency, kind=CertificateKind.ENFORCEMENT,
                                     status=CertificateStatus.VALID, valid_from__lte=today, valid_to__gte=today)
          .exclude(person__kind=PersonKind.AUXILIARY)
          .select_related("person__unit").order_by("person__unit__name", "person__name", "number"))
    q = (q or "").strip()[:SEARCH_MAX]
    if q:
        qs = qs.filter(Q(person__name__contains=q) | Q(number__contains=q))
    return [{"name": c.person.name, "number": c.number, "categories": c.categories or [], "area": c.area,
             "unit": c.person.unit.name if c.person.unit_id else "", "valid_to": c.valid_to} for c in qs]


def inspection(agency, code: str):
    """扫码入企: the inspection of `agency` whose 检查码 is `code` (exact, once the spaces and dashes a person
    types when copying the code in groups are dropped, and in any case), or None."""
    from sanxiang.cases.models import Inspection

    code = re.sub(r"[\s\-－–—_]", "", code or "").upper()
    if not code or len(code) > 32:
        return None
    return (Inspection.objects.select_related("case__agency", "case__unit")
            .filter(code=code, case__agency=agency).first())


def inspectors(case) -> list[dict]:
    """The inspectors fixed for the inspection (current handlers) with the certificate each acts under."""
    rows = (case.handlers.filter(until__isnull=True).select_related("person", "certificate")
            .order_by("-lead", "since", "person__name"))
    return [{"name": h.person.name, "lead": h.lead, "number": h.certificate.number,
             "categories": h.certificate.categories or []} for h in rows]
