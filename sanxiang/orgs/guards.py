"""Guards other apps call before an enforcement act: may this person enforce this category today?"""

import datetime as dt
from dataclasses import dataclass, field

from .errors import OrgsError
from .models import CertificateKind, CertificateStatus, Person, PersonKind


@dataclass
class Decision:
    """判定 — ok, or the reasons (简体中文) why not."""

    ok: bool
    reasons: list[str] = field(default_factory=list)

    def __bool__(self):
        return self.ok


def can_enforce(person: Person, category: str, on_date: dt.date) -> Decision:
    """Whether `person` may perform an enforcement act of `category` on `on_date`.

    Auxiliary staff never may. Otherwise one enforcement certificate must be valid on that date
    (status valid, valid_from <= date <= valid_to) and list the category.
    """
    if person.kind == PersonKind.AUXILIARY:
        return Decision(False, [f"{person.name}为辅助人员，不得从事行政执法活动。"])
    certificates = list(person.certificates.filter(kind=CertificateKind.ENFORCEMENT))
    if not certificates:
        return Decision(False, [f"{person.name}未持有行政执法证。"])
    reasons = []
    for cert in certificates:
        problems = []
        if cert.status == CertificateStatus.REVOKED:
            problems.append(f"执法证 {cert.number} 已被吊销。")
        elif cert.status == CertificateStatus.SUSPENDED:
            problems.append(f"执法证 {cert.number} 已被暂扣。")
        elif cert.status == CertificateStatus.EXPIRED or on_date > cert.valid_to:
            problems.append(f"执法证 {cert.number} 已于 {cert.valid_to:%Y-%m-%d} 到期。")
        elif on_date < cert.valid_from:
            problems.append(f"执法证 {cert.number} 自 {cert.valid_from:%Y-%m-%d} 起生效，{on_date:%Y-%m-%d} 尚未生效。")
        if category not in (cert.categories or []):
            covered = "、".join(cert.categories or []) or "无"
            problems.append(f"执法证 {cert.number} 的执法类别（{covered}）不含“{category}”。")
        if not problems:
            return Decision(True, [])
        reasons += problems
    return Decision(False, reasons)


def require_can_enforce(person: Person, category: str, on_date: dt.date) -> None:
    """Raise OrgsError with the reasons unless `person` may enforce `category` on `on_date`.

    Later apps call this when assigning an officer (e.g. 承办人 of a case): an expired, suspended
    or revoked certificate is refused.
    """
    decision = can_enforce(person, category, on_date)
    if not decision.ok:
        raise OrgsError("该人员不具备执法资格：" + "；".join(decision.reasons), decision.reasons)
