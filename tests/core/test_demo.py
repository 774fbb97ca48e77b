"""Demo data: idempotent, covers the five seed agencies, every role can log in and sees its home.

Only the idempotency test builds the demo (twice); the others read the `demo` fixture's rows and
printed logins (built once per test process, docs/how-to.md "Test time")."""

import re
from io import StringIO

import pyotp
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import demo as orgs_demo
from sanxiang.orgs.models import (
    AccountEvent,
    Agency,
    Certificate,
    CertificateStatus,
    DeviceIssue,
    Equipment,
    LegalQualification,
    Person,
    PersonKind,
    RoleAssignment,
    TotpDevice,
    Training,
    Unit,
)
from sanxiang.review.models import LegalReview, ReviewRound, ReviewSupplement
from sanxiang.review.models_flow import (
    CollectiveDiscussion,
    Consultation,
    LeadershipDecision,
    Negotiation,
    ReviewInquiry,
    SignOff,
)

pytestmark = pytest.mark.django_db
MODELS = [Agency, Unit, Person, Certificate, LegalQualification, Training, Equipment, DeviceIssue, RoleAssignment,
          TotpDevice,
          # the review demo (review/demo.py): a re-run sends no case to review again and signs nothing twice
          LegalReview, ReviewRound, ReviewSupplement, SignOff, CollectiveDiscussion, Negotiation, LeadershipDecision,
          Consultation, ReviewInquiry]
SEEDS = ["urumqi-gxq-amr", "zhuzhou-amr", "pingluo-commerce", "urumqi-gxq-hrss", "quanzhou-licheng-amr"]
PREFIXES = ["urumqi-amr", "zhuzhou", "pingluo", "urumqi-hrss", "quanzhou"]
ROLES = ["officer", "reviewer", "head", "leader", "records", "publicity", "approval", "adviser"]


def _load():
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS} | {
        "orgs_entries": LedgerEntry.objects.filter(object_type__startswith="orgs.").count(),
        "review_entries": LedgerEntry.objects.filter(object_type__startswith="review.").count()}


def test_demo_is_idempotent_and_fully_ledgered(tmp_path, caplog):
    # its own files directory: the rows are rolled back after the test, the files it writes would stay
    # behind in the process's directory and read as untracked by the later modules' `verify`
    (tmp_path / "files").mkdir()
    (tmp_path / "uploads").mkdir()
    with override_settings(FILES_DIR=tmp_path / "files", UPLOAD_PARTIAL_DIR=tmp_path / "uploads"):
        _idempotent_and_fully_ledgered()
    # the operator's terminal shows no English developer warnings of the demo's own fills (s22 tester8 #9)
    assert not [r for r in caplog.records if "template filled inside" in r.getMessage()], caplog.records[:1]


def _idempotent_and_fully_ledgered():
    first_out = _load()
    first = _counts()
    second_out = _load()
    assert _counts() == first
    secrets = lambda text: re.findall(r"^\s+(\S+-admin|sysadmin): ([A-Z2-7]{32})$", text, re.M)  # noqa: E731
    assert secrets(first_out) == secrets(second_out) and len(secrets(first_out)) == 6
    for model in MODELS:
        for row in model.objects.all():
            last = LedgerEntry.objects.filter(object_type=row.ledger_type(), object_id=str(row.pk)) \
                .order_by("-index").first()
            assert last is not None and last.state_digest == row.ledger_digest(), (model.__name__, row.pk)


def test_demo_covers_seed_agencies_and_profile_duties(demo):
    for code in SEEDS:
        agency = Agency.objects.get(code=code)
        assert agency.profile_key == code
        people = Person.objects.filter(agency=agency)
        for kind in (PersonKind.OFFICER, PersonKind.REVIEWER, PersonKind.AUXILIARY, PersonKind.HEAD):
            assert people.filter(kind=kind).exists(), (code, kind)
        assert LegalQualification.objects.filter(person__agency=agency).exists()
        assert Certificate.objects.filter(person__agency=agency, kind="work").exists()
        assert Equipment.objects.filter(unit__agency=agency).exists()
        from sanxiang.profiles.registry import get_profile

        profile = get_profile(code)
        unit_names = set(Unit.objects.filter(agency=agency).values_list("name", flat=True))
        for name in profile.names():
            if name.startswith("duties."):
                for unit in orgs_demo.duty_unit_names(profile.value(name)["unit"]):
                    assert unit in unit_names or unit.removesuffix("室") in unit_names, (code, unit)
    zhuzhou = set(Unit.objects.filter(agency__code="zhuzhou-amr").values_list("name", flat=True))
    assert {"政策法规科", "市市场监管执法支队", "执法一大队", "市食药检所", "市计量所", "市质检所"} <= zhuzhou
    assert Certificate.objects.filter(status=CertificateStatus.REVOKED).exists()
    justice = Agency.objects.get(code="urumqi-gxq-justice")
    assert set(justice.supervises.values_list("code", flat=True)) == {"urumqi-gxq-amr", "urumqi-gxq-hrss"}
    assert list(Agency.objects.get(code="zhuzhou-justice").supervises.values_list("code", flat=True)) == ["zhuzhou-amr"]


def test_demo_zhuzhou_indicators_show_the_table_shortfall(demo):
    from sanxiang.orgs.indicators import equipment_shortfalls, reviewer_ratio

    zhuzhou = Agency.objects.get(code="zhuzhou-amr")
    assert [(s.unit, s.kind, s.required, s.actual) for s in equipment_shortfalls(zhuzhou)] == [
        ("市质检所", "body_camera", 3, 2)]
    assert reviewer_ratio(zhuzhou).ok


def test_every_demo_role_logs_in_and_sees_its_home(client, demo):
    out = demo
    password = re.search(r"所有演示账号的密码：(\S+)", out).group(1)
    admin_password = re.search(r"的密码：(\S+)，登录时", out).group(1)
    secrets = dict(re.findall(r"^\s+(\S+): ([A-Z2-7]{32})$", out, re.M))
    expectations = {"officer": "我的执法资格", "reviewer": "法律职业资格", "head": "本科室人员",
                    "leader": "执法证到期预警", "adviser": "受托事项"}
    from django.contrib.auth import get_user_model

    for prefix in PREFIXES:
        for role in ROLES:
            cache.clear()
            client.logout()
            if prefix == "zhuzhou":  # the real login form for one agency (argon2 costs ~0.5 s a check)
                response = client.post("/login/", {"username": f"{prefix}-{role}", "password": password})
                assert response.status_code == 302, (prefix, role)
            else:
                user = get_user_model().objects.get(username=f"{prefix}-{role}")
                assert user.password == get_user_model().objects.get(username="zhuzhou-officer").password
                client.force_login(user)
            home = client.get("/").content.decode()
            if role in expectations:
                assert expectations[role] in home, (prefix, role)
        cache.clear()
        client.logout()
        username = f"{prefix}-admin"
        totp = pyotp.TOTP(secrets[username]).now()
        assert client.post("/login/", {"username": username, "password": admin_password, "totp": totp}).status_code == 302
        home = client.get("/").content.decode()
        assert "指标" in home and "执法证到期预警" in home
    for supervisor, supervised in (("urumqi-justice-supervisor", "乌鲁木齐高新区（新市区）市场监督管理局"),
                                   ("zhuzhou-justice-supervisor", "株洲市市场监督管理局")):
        client.logout()
        assert client.post("/login/", {"username": supervisor, "password": password}).status_code == 302
        home = client.get("/").content.decode()
        assert "监督的执法主体" in home and supervised in home
    assert AccountEvent.objects.filter(event="login").count() == len(ROLES) + 5 + 2


def test_agency_pages_render_for_demo_admin(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="sysadmin"))
    zhuzhou = Agency.objects.get(code="zhuzhou-amr")
    page = client.get("/agencies/zhuzhou-amr/").content.decode()
    assert "市质检所：执法记录仪应不少于 3 台" in page and "市市场监管执法支队" in page
    unit = Unit.objects.get(agency=zhuzhou, name="执法一大队")
    assert "执法记录仪" in client.get(f"/units/{unit.pk}/").content.decode()
    officer = Person.objects.get(user__username="zhuzhou-officer")
    page = client.get(f"/people/{officer.pk}/").content.decode()
    assert "<svg" in page and "三项制度专题培训" in page and "领用设备" in page


def test_adviser_home_links_to_entrusted_objects_by_name_and_hides_agency_nav(client, demo):
    from django.contrib.auth import get_user_model

    from sanxiang.orgs.models import RoleAssignment

    adviser = get_user_model().objects.get(username="zhuzhou-adviser")
    scope = RoleAssignment.objects.get(user=adviser, role="adviser").scope
    person = Person.objects.get(pk=int(next(r for r in scope if r.startswith("orgs.person:")).split(":")[1]))
    client.force_login(adviser)
    page = client.get("/").content.decode()
    assert f'href="/people/{person.pk}/"' in page and person.name in page
    assert "orgs.person:" not in page
    assert 'href="/agencies/"' not in page
    assert client.get(f"/people/{person.pk}/").status_code == 200
