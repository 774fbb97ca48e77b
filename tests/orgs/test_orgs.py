"""Organisations: the can_enforce guard, certificates, authorisation, indicators, ledgering."""

import datetime as dt

import pytest

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.errors import OrgsError, OrgsPermissionDenied
from sanxiang.orgs.guards import can_enforce, require_can_enforce
from sanxiang.orgs.indicators import equipment_shortfalls, expiry_warnings, reviewer_ratio
from sanxiang.orgs.marks import Confidentiality, blocks_publication, narrowed_to_named_people
from sanxiang.orgs.models import Agency, Certificate, CertificateStatus, PersonKind, Role, Unit

pytestmark = pytest.mark.django_db


def _entry_for(obj):
    return LedgerEntry.objects.filter(object_type=obj.ledger_type(), object_id=str(obj.pk)).order_by("-index").first()


@pytest.fixture
def agency():
    return T.agency("test-amr")


# (description, person kind, certificate status, valid_from, valid_to, categories, category, date, ok, reason part)
CAN_ENFORCE = [
    ("valid certificate", PersonKind.OFFICER, "valid", "2024-01-01", "2026-12-31", ["行政处罚"], "行政处罚",
     "2025-10-08", True, None),
    ("last valid day", PersonKind.OFFICER, "valid", "2024-01-01", "2025-12-31", ["行政处罚"], "行政处罚",
     "2025-12-31", True, None),
    ("expired the day before", PersonKind.OFFICER, "valid", "2020-01-01", "2025-09-30", ["行政处罚"], "行政处罚",
     "2025-10-01", False, "已于 2025-09-30 到期"),
    ("marked expired", PersonKind.OFFICER, "expired", "2020-01-01", "2026-09-30", ["行政处罚"], "行政处罚",
     "2025-10-01", False, "到期"),
    ("revoked", PersonKind.OFFICER, "revoked", "2024-01-01", "2026-12-31", ["行政处罚"], "行政处罚",
     "2025-10-08", False, "已被吊销"),
    ("suspended", PersonKind.OFFICER, "suspended", "2024-01-01", "2026-12-31", ["行政处罚"], "行政处罚",
     "2025-10-08", False, "已被暂扣"),
    ("wrong category", PersonKind.OFFICER, "valid", "2024-01-01", "2026-12-31", ["行政检查"], "行政处罚",
     "2025-10-08", False, "不含“行政处罚”"),
    ("before valid_from", PersonKind.OFFICER, "valid", "2026-01-05", "2030-12-31", ["行政处罚"], "行政处罚",
     "2025-12-31", False, "尚未生效"),
    ("reviewer with certificate", PersonKind.REVIEWER, "valid", "2024-01-01", "2026-12-31", ["行政处罚"], "行政处罚",
     "2025-10-08", True, None),
]


@pytest.mark.parametrize("desc,kind,status,vf,vt,cats,category,on,ok,reason", CAN_ENFORCE,
                         ids=[row[0] for row in CAN_ENFORCE])
def test_can_enforce_table(agency, desc, kind, status, vf, vt, cats, category, on, ok, reason):
    person = T.person(agency, kind=kind)
    cert = T.certificate(person, categories=cats, valid_from=dt.date.fromisoformat(vf),
                         valid_to=dt.date.fromisoformat(vt))
    if status == "suspended":
        A.do_suspend_certificate(cert, reason="调查期间暂扣", actor=OPERATOR)
    elif status == "revoked":
        A.do_revoke_certificate(cert, reason="违法执法", actor=OPERATOR)
    elif status == "expired":
        A.do_expire_certificate(cert, actor=OPERATOR)
    decision = can_enforce(person, category, dt.date.fromisoformat(on))
    assert decision.ok is ok
    if reason:
        assert any(reason in r for r in decision.reasons), decision.reasons


def test_auxiliary_staff_never_enforce_even_with_work_certificate(agency):
    aux = T.person(agency, kind=PersonKind.AUXILIARY, name="王协管")
    cert = T.certificate(aux, categories=[])
    assert cert.kind == "work"
    decision = can_enforce(aux, "行政处罚", dt.date(2025, 10, 8))
    assert not decision.ok and "辅助人员" in decision.reasons[0]
    with pytest.raises(OrgsError, match="辅助人员"):
        T.certificate(aux, kind="enforcement")


def test_no_certificate_is_refused_with_reason(agency):
    decision = can_enforce(T.person(agency, name="李四"), "行政处罚", dt.date(2025, 10, 8))
    assert decision.reasons == ["李四未持有行政执法证。"]


def test_a_second_valid_certificate_is_enough(agency):
    person = T.person(agency)
    T.certificate(person, valid_to=dt.date(2024, 12, 31))
    T.certificate(person, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2029, 12, 31))
    assert can_enforce(person, "行政处罚", dt.date(2025, 10, 8)).ok


def test_require_can_enforce_refuses_revoked_and_expired(agency):
    revoked = T.person(agency)
    A.do_revoke_certificate(T.certificate(revoked), reason="违法执法", actor=OPERATOR)
    with pytest.raises(OrgsError) as exc:
        require_can_enforce(revoked, "行政处罚", dt.date(2025, 10, 8))
    assert "吊销" in exc.value.message
    expired = T.person(agency)
    T.certificate(expired, valid_to=dt.date(2025, 6, 30))
    with pytest.raises(OrgsError, match="到期"):
        require_can_enforce(expired, "行政处罚", dt.date(2025, 7, 1))
    require_can_enforce(expired, "行政处罚", dt.date(2025, 6, 30))


def test_duplicate_certificate_number_refused_and_nothing_written(agency):
    a, b = T.person(agency), T.person(agency)
    T.certificate(a, "43020000001")
    before = (Certificate.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(OrgsError, match="证号 43020000001 已存在"):
        T.certificate(b, "43020000001")
    assert (Certificate.objects.count(), LedgerEntry.objects.count()) == before
    assert not b.certificates.exists()


@pytest.mark.parametrize("kwargs,message", [
    ({"valid_from": "2025-02-30"}, "不是有效日期"),
    ({"valid_from": dt.date(2026, 1, 1), "valid_to": dt.date(2025, 1, 1)}, "早于有效期起"),
    ({"categories": []}, "至少需要一个执法类别"),
    ({"categories": [""]}, "非空文字"),
])
def test_bad_certificate_input_is_refused_and_nothing_written(agency, kwargs, message):
    person = T.person(agency)
    before = LedgerEntry.objects.count()
    with pytest.raises(OrgsError, match=message):
        T.certificate(person, **kwargs)
    assert LedgerEntry.objects.count() == before and not Certificate.objects.exists()


def test_status_changes_follow_their_order(agency):
    cert = T.certificate(T.person(agency))
    A.do_suspend_certificate(cert, reason="调查", actor=OPERATOR)
    A.do_reinstate_certificate(cert, reason="调查结束", actor=OPERATOR)
    A.do_revoke_certificate(cert, reason="违法", actor=OPERATOR)
    with pytest.raises(OrgsError, match="已吊销"):
        A.do_suspend_certificate(cert, reason="再次", actor=OPERATOR)
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REVOKED


def test_only_the_agency_administrator_may_change_people_and_roles(agency):
    other = T.agency("other-amr")
    officer = T.member(agency, Role.OFFICER)
    foreign_admin = T.member(other, Role.ADMINISTRATOR)
    admin = T.member(agency, Role.ADMINISTRATOR)
    before = LedgerEntry.objects.count()
    for actor in (officer, foreign_admin):
        with pytest.raises(OrgsPermissionDenied, match="管理员"):
            A.do_create_person(agency, "张三", actor=actor)
        with pytest.raises(OrgsPermissionDenied):
            A.do_assign_role(T.user(), agency, Role.REVIEWER, actor=actor)
    assert LedgerEntry.objects.count() == before + 2  # the two T.user() accounts, nothing else
    person = A.do_create_person(agency, "张三", actor=admin)
    assert _entry_for(person).actor == admin.username
    with pytest.raises(OrgsPermissionDenied, match="系统管理员"):
        A.do_create_agency("new-one", "新主体", actor=admin)


def test_profile_assignment_is_validated(agency):
    with pytest.raises(OrgsError, match="未知的规则配置：no-such-profile"):
        A.do_assign_profile(agency, "no-such-profile", actor=OPERATOR)
    agency = A.do_assign_profile(agency, "zhuzhou-amr", actor=OPERATOR)
    assert Agency.objects.get(pk=agency.pk).profile_key == "zhuzhou-amr"


def test_every_write_is_ledgered_with_the_row_digest(agency):
    supervisor_body = T.agency("test-justice", kind="supervisory")
    unit = A.do_create_unit(agency, "执法支队", actor=OPERATOR)
    brigade = A.do_create_unit(agency, "一大队", parent=unit, actor=OPERATOR)
    person = T.person(agency, unit=brigade, user_obj=T.user())
    steps = [
        lambda: A.do_update_agency(agency, jurisdiction="株洲市", supervised_by=["test-justice"], actor=OPERATOR),
        lambda: A.do_assign_profile(agency, "zhuzhou-amr", actor=OPERATOR),
        lambda: A.do_create_unit(agency, "政策法规科", actor=OPERATOR),
        lambda: T.person(agency),
        lambda: T.certificate(person),
        lambda: A.do_suspend_certificate(person.certificates.first(), reason="调查", actor=OPERATOR),
        lambda: A.do_add_qualification(person, "A20191234", "2019-12-20", actor=OPERATOR),
        lambda: A.do_add_training(person, "三项制度培训", date="2025-03-14", hours=8, actor=OPERATOR),
        lambda: A.do_register_equipment(brigade, "body_camera", "ZF-001", actor=OPERATOR),
        lambda: A.do_issue_device(brigade.equipment.get(), person, "2025-01-06", actor=OPERATOR),
        lambda: A.do_assign_role(person.user, agency, Role.OFFICER, unit=brigade, actor=OPERATOR),
        lambda: A.do_revoke_role(person.user.role_assignments.get(), actor=OPERATOR),
    ]
    for step in steps:
        before = LedgerEntry.objects.count()
        row = step()
        assert LedgerEntry.objects.count() == before + 1
        last = LedgerEntry.objects.order_by("-index").first()
        row.refresh_from_db()
        assert (last.object_type, last.object_id) == (row.ledger_type(), str(row.pk))
        assert last.state_digest == row.ledger_digest()
        assert last.agency == "test-amr"
    assert brigade.parent_id == unit.pk
    assert list(agency.supervised_by.all()) == [supervisor_body]


def test_units_refuse_duplicates_and_foreign_parents(agency):
    A.do_create_unit(agency, "政策法规科", actor=OPERATOR)
    with pytest.raises(OrgsError, match="已有名为"):
        A.do_create_unit(agency, "政策法规科", actor=OPERATOR)
    foreign = A.do_create_unit(T.agency(), "政策法规科", actor=OPERATOR)
    with pytest.raises(OrgsError, match="同一执法主体"):
        A.do_create_unit(agency, "一大队", parent=foreign, actor=OPERATOR)
    assert Unit.objects.filter(agency=agency).count() == 1


class FakeProfile:
    def __init__(self, values):
        self.values = values

    def value(self, key):
        return self.values.get(key)

    def names(self):
        return list(self.values)


@pytest.fixture
def fake_profile(monkeypatch):
    values = {}
    import sanxiang.profiles.registry as registry

    monkeypatch.setattr(registry, "get_profile", lambda key: FakeProfile(values))
    return values


def test_equipment_shortfalls_against_profile_minimums(agency, fake_profile):
    fake_profile.update({"equipment.minimums": [
        {"group": "执法支队", "scope": "total", "camera": 2, "body_camera": 3, "recorder": 0},
        {"group": "大队", "scope": "each", "camera": 0, "body_camera": 2, "recorder": 0},
    ]})
    agency = A.do_assign_profile(agency, "zhuzhou-amr", actor=OPERATOR)
    detachment = A.do_create_unit(agency, "执法支队", equipment_group="执法支队", actor=OPERATOR)
    one = A.do_create_unit(agency, "一大队", parent=detachment, equipment_group="大队", actor=OPERATOR)
    A.do_create_unit(agency, "二大队", parent=detachment, equipment_group="大队", actor=OPERATOR)
    for n, (unit, kind) in enumerate([(detachment, "camera"), (detachment, "camera"), (one, "body_camera"),
                                      (one, "body_camera")]):
        A.do_register_equipment(unit, kind, f"EQ-{n}", actor=OPERATOR)
    found = {(s.unit, s.kind): (s.required, s.actual) for s in equipment_shortfalls(agency)}
    # The 支队 total counts its 大队 (2 body cameras of 3); 二大队 has none of its 2.
    assert found == {("执法支队", "body_camera"): (3, 2), ("二大队", "body_camera"): (2, 0)}
    assert "缺 1 台" in equipment_shortfalls(agency)[0].text


def test_reviewer_ratio_against_profile(agency, fake_profile):
    fake_profile["staffing.reviewer_ratio_min"] = 0.05
    agency = A.do_assign_profile(agency, "zhuzhou-amr", actor=OPERATOR)
    on = dt.date(2025, 10, 8)
    for _ in range(21):
        T.certificate(T.person(agency, kind=PersonKind.OFFICER))
    T.person(agency, kind=PersonKind.OFFICER)  # no certificate: not counted (tests/orgs/test_single_rules.py)
    T.person(agency, kind=PersonKind.AUXILIARY)
    ratio = reviewer_ratio(agency, on)
    assert (ratio.reviewers, ratio.staff, ratio.ok) == (0, 21, False)
    T.person(agency, kind=PersonKind.REVIEWER)
    ratio = reviewer_ratio(agency, on)
    assert (ratio.reviewers, ratio.staff, ratio.ok) == (1, 21, False)  # 4.8 % < 5 %
    T.person(agency, kind=PersonKind.REVIEWER)
    assert reviewer_ratio(agency, on).ok
    fake_profile["staffing.reviewer_ratio_min"] = None
    assert "未设下限" in reviewer_ratio(agency).text


def test_certificate_expiry_warnings_use_profile_window(agency, fake_profile):
    fake_profile["certificates.expiry_warning_days"] = 30
    agency = A.do_assign_profile(agency, "zhuzhou-amr", actor=OPERATOR)
    today = dt.date(2025, 10, 8)
    soon = T.certificate(T.person(agency), valid_to=dt.date(2025, 11, 7))  # 30 days
    T.certificate(T.person(agency), valid_to=dt.date(2025, 11, 8))  # 31 days: no warning
    past = T.certificate(T.person(agency), valid_to=dt.date(2025, 10, 1))
    A.do_revoke_certificate(T.certificate(T.person(agency), valid_to=dt.date(2025, 10, 20)), reason="违法",
                            actor=OPERATOR)
    warnings = expiry_warnings(Certificate.objects.all(), today)
    assert [(w.certificate.pk, w.days_left) for w in warnings] == [(past.pk, -7), (soon.pk, 30)]
    assert "已于 2025-10-01 过期" in warnings[0].text


@pytest.mark.parametrize("mark,blocks,narrowed", [
    ("public", False, False), ("internal", True, False), ("work_secret", True, False),
    ("business_secret", False, False), ("personal_privacy", False, False), ("state_secret", True, True),
])
def test_confidentiality_marks(mark, blocks, narrowed):
    assert blocks_publication(mark) is blocks
    assert narrowed_to_named_people(mark) is narrowed
    assert Confidentiality(mark).label in "公开内部工作秘密商业秘密个人隐私国家秘密"


def test_unknown_mark_is_refused():
    with pytest.raises(ValueError, match="未知的保密标识"):
        blocks_publication("top-secret")


def test_unit_reviewers_only_where_the_profile_allows(agency, fake_profile):
    fake_profile.update({"review.unit_reviewers_allowed": False,
                         "duties.legal_review": {"unit": "政策法规科", "leader": "分管法制的局领导"}})
    agency = A.do_assign_profile(agency, "zhuzhou-amr", actor=OPERATOR)
    legal = A.do_create_unit(agency, "政策法规科", actor=OPERATOR)
    brigade = A.do_create_unit(agency, "执法一大队", actor=OPERATOR)
    before = LedgerEntry.objects.count()
    with pytest.raises(OrgsError, match="业务科室不得自设法制审核员；法制审核人员应设在政策法规科"):
        A.do_assign_role(T.user(), agency, Role.REVIEWER, unit=brigade, actor=OPERATOR)
    assert LedgerEntry.objects.count() == before + 1  # only the T.user() account
    A.do_assign_role(T.user(), agency, Role.REVIEWER, unit=legal, actor=OPERATOR)
    fake_profile["review.unit_reviewers_allowed"] = True
    A.do_assign_role(T.user(), agency, Role.REVIEWER, unit=brigade, actor=OPERATOR)
