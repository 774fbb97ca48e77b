"""Public API of orgs: the certificate check (亮证) as JSON."""

from datetime import date

from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotFound

from . import queries
from .models import CertificateKind, CertificateStatus, PersonKind

router = Router(tags=["orgs"])


class CertificateOut(Schema):
    number: str
    name: str
    agency: str
    kind: str
    kind_label: str
    categories: list[str]
    area: str
    issuing_authority: str
    valid_from: date
    valid_to: date
    status: str
    status_label: str
    auxiliary: bool
    may_enforce: bool
    message: str


@router.get("/certificates/{number}", response={200: CertificateOut, **error_responses(404)}, auth=None)
def public_certificate(request, number: str):
    cert = queries.public_certificate(number)
    if cert is None:
        raise NotFound(f"未查到证号为“{number}”的证件。", code="certificate_not_found")
    today = timezone.localdate()
    state = cert.status_on(today)
    auxiliary = cert.kind == CertificateKind.WORK or cert.person.kind == PersonKind.AUXILIARY
    may_enforce = not auxiliary and state == CertificateStatus.VALID and cert.valid_from <= today
    if auxiliary:
        message = "持证人是辅助人员，不得从事行政执法活动。"
    elif may_enforce:
        message = "证件有效。"
    else:
        message = f"此证件{CertificateStatus(state).label}，持证人目前不得凭此证执法。"
    return Status(200, {
        "number": cert.number, "name": cert.person.name, "agency": cert.person.agency.name,
        "kind": cert.kind, "kind_label": cert.get_kind_display(), "categories": cert.categories or [],
        "area": cert.area, "issuing_authority": cert.issuing_authority, "valid_from": cert.valid_from,
        "valid_to": cert.valid_to, "status": state, "status_label": CertificateStatus(state).label,
        "auxiliary": auxiliary, "may_enforce": may_enforce, "message": message,
    })
