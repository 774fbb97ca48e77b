"""Rules written once and asked everywhere: may this certificate be used to enforce on a day
(can_enforce, the public check page and API, the person page), which certificate moves a page
offers (the transition table), and who counts in the reviewer ratio."""

import datetime as dt

import pytest

from sanxiang.access.actors import OPERATOR
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.guards import can_enforce, certificate_usable
from sanxiang.orgs.indicators import reviewer_ratio
from sanxiang.orgs.models import CertificateKind, PersonKind, Role

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _cert(agency, *, person_kind=PersonKind.OFFICER, cert_kind=CertificateKind.ENFORCEMENT, status="valid",
          valid_from="2024-01-01", valid_to="2026-06-30", name=None):
    person = T.person(agency, kind=person_kind, name=name)
    cert = T.certificate(person, kind=cert_kind, valid_from=D(valid_from), valid_to=D(valid_to),
                         categories=[] if cert_kind == CertificateKind.WORK else ["行政处罚"])
    change = {"suspended": A.do_suspend_certificate, "revoked": A.do_revoke_certificate,
              "expired": A.do_expire_certificate}.get(status)
    if change:
        change(cert, reason="测试", actor=OPERATOR)
    return cert


# (description, person kind, certificate kind, status, valid_from, valid_to, on, usable)
USABLE = [
    ("valid, first day", PersonKind.OFFICER, CertificateKind.ENFORCEMENT, "valid", "2024-01-01", "2026-06-30",
     "2024-01-01", True),
    ("valid, last day", PersonKind.OFFICER, CertificateKind.ENFORCEMENT, "valid", "2024-01-01", "2026-06-30",
     "2026-06-30", True),
    ("valid, the day after valid_to", PersonKind.OFFICER, CertificateKind.ENFORCEMENT, "valid", "2024-01-01",
     "2026-06-30", "2026-07-01", False),
    ("valid, the day before valid_from", PersonKind.OFFICER, CertificateKind.ENFORCEMENT, "valid", "2024-01-01",
     "2026-06-30", "2023-12-31", False),
    ("suspended", PersonKind.OFFICER, CertificateKind.ENFORCEMENT, "suspended", "2024-01-01", "2026-06-30",
     "2025-10-08", False),
    ("revoked", PersonKind.OFFICER, CertificateKind.ENFORCEMENT, "revoked", "2024-01-01", "2026-06-30",
     "2025-10-08", False),
    ("marked expired inside its period", PersonKind.OFFICER, CertificateKind.ENFORCEMENT, "expired", "2024-01-01",
     "2026-06-30", "2025-10-08", False),
    ("leader with a certificate", PersonKind.HEAD, CertificateKind.ENFORCEMENT, "valid", "2024-01-01",
     "2026-06-30", "2025-10-08", True),
    ("work certificate of an auxiliary", PersonKind.AUXILIARY, CertificateKind.WORK, "valid", "2024-01-01",
     "2026-06-30", "2025-10-08", False),
]


@pytest.mark.parametrize("desc,person_kind,cert_kind,status,vf,vt,on,usable", USABLE, ids=[r[0] for r in USABLE])
def test_certificate_usable_and_can_enforce_agree(desc, person_kind, cert_kind, status, vf, vt, on, usable):
    cert = _cert(T.agency(), person_kind=person_kind, cert_kind=cert_kind, status=status, valid_from=vf,
                 valid_to=vt)
    assert certificate_usable(cert, D(on)) is usable
    assert can_enforce(cert.person, "行政处罚", D(on)).ok is usable


# Dates far enough from any test run that "today" decides nothing: (status, valid_from, valid_to, usable, verdict)
PUBLIC = [
    ("valid", "2020-01-01", "2099-12-31", True, "证件有效"),
    ("suspended", "2020-01-01", "2099-12-31", False, "此证件已暂扣"),
    ("revoked", "2020-01-01", "2099-12-31", False, "此证件已吊销"),
    ("valid", "2019-01-01", "2020-12-31", False, "此证件已过期"),
    ("valid", "2098-01-01", "2099-12-31", False, "持证人目前不得凭此证"),
]


@pytest.mark.parametrize("status,vf,vt,usable,verdict", PUBLIC)
def test_public_page_and_api_ask_the_same_rule(client, status, vf, vt, usable, verdict):
    cert = _cert(T.agency(), status=status, valid_from=vf, valid_to=vt)
    api = client.get(f"/api/v1/public/certificates/{cert.number}").json()
    assert api["may_enforce"] is usable is certificate_usable(cert, dt.date.today())
    page = client.get(f"/public/certificate/{cert.number}/").content.decode()
    assert verdict in page
    assert ('class="status-ok" id="verdict"' in page) is usable


# (status, the change links the agency's administrator sees on the person page)
LINKS = [
    ("valid", ["暂扣", "吊销"]),
    ("suspended", ["恢复", "吊销"]),
    ("revoked", []),
    ("expired", []),
]


@pytest.mark.parametrize("status,links", LINKS)
def test_person_page_offers_the_transition_tables_moves(client, status, links):
    agency = T.agency()
    cert = _cert(agency, status=status, valid_to="2099-12-31")
    client.force_login(T.member(agency, Role.ADMINISTRATOR))
    page = client.get(f"/people/{cert.person.pk}/").content.decode()
    shown = [label for label in ("暂扣", "恢复", "吊销") if f"/{_op(label)}/\">{label}</a>" in page]
    assert shown == links
    client.force_login(T.member(agency, Role.OFFICER))
    assert "cert-actions" not in client.get(f"/people/{cert.person.pk}/").content.decode()


def _op(label):
    return {"暂扣": "suspend", "恢复": "reinstate", "吊销": "revoke"}[label]


def test_reviewer_ratio_counts_only_usable_certificate_holders():
    """Seed 001 (the real Zhuzhou profile): 法制审核人员不少于执法人员总数的5% — 执法人员 are those
    who may enforce that day."""
    agency = A.do_assign_profile(T.agency(), "zhuzhou-amr", actor=OPERATOR)
    _cert(agency, name="到期队员", valid_to="2026-06-30")
    _cert(agency, name="吊销队员", status="revoked", valid_to="2099-12-31")
    _cert(agency, name="暂扣队员", status="suspended", valid_to="2099-12-31")
    _cert(agency, name="失效队员", status="expired", valid_to="2099-12-31")
    _cert(agency, name="新证队员", valid_from="2026-01-05", valid_to="2099-12-31")
    _cert(agency, name="持证局长", person_kind=PersonKind.HEAD, valid_to="2099-12-31")
    T.person(agency, kind=PersonKind.HEAD, name="无证副局长")
    _cert(agency, name="协管员", person_kind=PersonKind.AUXILIARY, cert_kind=CertificateKind.WORK,
          valid_to="2099-12-31")
    twice = _cert(agency, name="换证队员", status="revoked", valid_to="2099-12-31")
    T.certificate(twice.person, valid_from=D("2024-01-01"), valid_to=D("2099-12-31"))
    _cert(agency, person_kind=PersonKind.REVIEWER, name="持证审核员", valid_to="2099-12-31")

    # (date, 执法人员 counted)
    for on, staff in [("2025-10-08", 3),   # 到期队员, 持证局长, 换证队员
                      ("2026-03-01", 4),   # + 新证队员
                      ("2026-07-01", 3)]:  # 到期队员 lapsed on 2026-06-30
        ratio = reviewer_ratio(agency, D(on))
        assert (ratio.reviewers, ratio.staff) == (1, staff), on
    assert reviewer_ratio(agency, D("2026-03-01")).minimum == 0.05
    assert reviewer_ratio(agency, D("2026-03-01")).ok  # 1 / 4
    for _ in range(17):
        _cert(agency, valid_to="2099-12-31")
    ratio = reviewer_ratio(agency, D("2026-03-01"))
    assert (ratio.staff, ratio.ok) == (21, False)  # 1 / 21 = 4.8 % < 5 %
    assert "执法人员 21 人" in ratio.text
