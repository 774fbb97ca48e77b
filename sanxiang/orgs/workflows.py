"""The certificate's states (执法证状态) as a transition table.

An agency's administrator suspends, reinstates, revokes or marks a certificate expired, always
with a reason; a revoked or expired certificate stays so (a new one is issued instead).
"""

from sanxiang.workflow import Param, Table, Transition, register

from .models import Certificate, CertificateKind, CertificateStatus, Role

VALID, SUSPENDED = CertificateStatus.VALID, CertificateStatus.SUSPENDED
REVOKED, EXPIRED = CertificateStatus.REVOKED, CertificateStatus.EXPIRED
ADMINISTRATORS = (Role.ADMINISTRATOR,)
REASON = {"reason": Param("原因", max_length=500)}


def certificate_subject(cert: Certificate) -> str:
    return f"{'工作证' if cert.kind == CertificateKind.WORK else '执法证'} {cert.number}"


CERTIFICATE = register(Table(
    name="certificate",
    label="执法证状态",
    model=Certificate,
    state_field="status",
    states=dict(CertificateStatus.choices),
    initial=VALID,
    subject=certificate_subject,
    payload=lambda cert: {"number": cert.number, "status": cert.status},
    transitions=[
        Transition("suspend", VALID, SUSPENDED, "暂扣", roles=ADMINISTRATORS, params=REASON),
        Transition("reinstate", SUSPENDED, VALID, "恢复", roles=ADMINISTRATORS, params=REASON),
        Transition("revoke", (VALID, SUSPENDED), REVOKED, "吊销", roles=ADMINISTRATORS, params=REASON),
        Transition("expire", (VALID, SUSPENDED), EXPIRED, "到期失效", roles=ADMINISTRATORS, params=REASON),
    ],
))
