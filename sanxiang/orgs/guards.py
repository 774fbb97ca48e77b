"""Guards other apps call before an enforcement act: may this person enforce this category today?

The one rule for "is this certificate usable for enforcement on that day" lives here
(`certificate_problems` / `certificate_usable`); `can_enforce`, the public certificate check
(page and API), the workbench and the reviewer ratio all ask it.
"""

import datetime as dt
from dataclasses import dataclass, field

from .errors import OrgsError
from .models import Certificate, CertificateKind, CertificateStatus, Person, PersonKind


@dataclass
class Decision:
    """判定 — ok, or the reasons (简体中文) why not."""

    ok: bool
    reasons: list[str] = field(default_factory=list)

    def __bool__(self):
        return self.ok


def is_auxiliary(cert: Certificate) -> bool:
    """A 工作证, or any certificate of 辅助人员: never grants enforcement."""
    return cert.kind == CertificateKind.WORK or cert.person.kind == PersonKind.AUXILIARY


def certificate_problems(cert: Certificate, on_date: dt.date) -> list[str]:
    """Why `cert` does not let its holder enforce on `on_date` (empty: it does).

    Usable means: an enforcement certificate of a non-auxiliary person, status valid, and
    valid_from <= on_date <= valid_to. Categories are the caller's question (see can_enforce).
    """
    if is_auxiliary(cert):
        return [f"{cert.person.name}为辅助人员，不得从事行政执法活动。"]
    if cert.status == CertificateStatus.REVOKED:
        return [f"执法证 {cert.number} 已被吊销。"]
    if cert.status == CertificateStatus.SUSPENDED:
        return [f"执法证 {cert.number} 已被暂扣。"]
    if cert.status_on(on_date) == CertificateStatus.EXPIRED:
        return [f"执法证 {cert.number} 已于 {cert.valid_to:%Y-%m-%d} 到期。"]
    if on_date < cert.valid_from:
        return [f"执法证 {cert.number} 自 {cert.valid_from:%Y-%m-%d} 起生效，{on_date:%Y-%m-%d} 尚未生效。"]
    return []


def certificate_usable(cert: Certificate, on_date: dt.date) -> bool:
    """May the holder enforce with `cert` on `on_date` (any category it lists)?"""
    return not certificate_problems(cert, on_date)


def can_enforce(person: Person, category: str, on_date: dt.date) -> Decision:
    """Whether `person` may perform an enforcement act of `category` on `on_date`.

    Auxiliary staff never may. Otherwise one certificate must be usable on that date
    (`certificate_usable`) and list the category.
    """
    if person.kind == PersonKind.AUXILIARY:
        return Decision(False, [f"{person.name}为辅助人员，不得从事行政执法活动。"])
    # `.all()` then filtered: uses the certificates a caller read along with the person (a case move).
    certificates = [c for c in person.certificates.all() if c.kind == CertificateKind.ENFORCEMENT]
    if not certificates:
        return Decision(False, [f"{person.name}未持有行政执法证。"])
    reasons = []
    for cert in certificates:
        cert.person = person
        problems = certificate_problems(cert, on_date)
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
