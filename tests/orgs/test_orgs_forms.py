"""Administrator forms for orgs (管理员表单): each posts to one action; the action decides.

For every form: success writes the row and one ledger entry by the admin; bad input shows the
action's Chinese message with 400 and writes nothing; an officer of the agency and an admin of
another agency get 403 and nothing is written; anonymous users are sent to the login page.
"""

import datetime as dt

import pytest

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import (
    Certificate,
    CertificateStatus,
    LegalQualification,
    Person,
    PersonKind,
    Role,
    RoleAssignment,
    Training,
    Unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    agency = T.agency("form-amr")
    other = T.agency("other-amr")
    unit = A.do_create_unit(agency, "执法一大队", actor=OPERATOR)
    person = T.person(agency, unit=unit, name="张执法", user_obj=T.user("zhang"))
    aux = T.person(agency, unit=unit, kind=PersonKind.AUXILIARY, name="王协管")
    cert = T.certificate(person, "FORM0001")
    newcomer = T.user("newcomer")
    T.person(agency, unit=unit, name="李新", user_obj=newcomer)
    officer_role = A.do_assign_role(person.user, agency, Role.OFFICER, valid_from="2020-01-01", actor=OPERATOR)
    return {
        "agency": agency, "other": other, "unit": unit, "person": person, "aux": aux, "cert": cert,
        "newcomer": newcomer, "officer_role": officer_role,
        "admin": T.member(agency, Role.ADMINISTRATOR),
        "officer": T.member(agency, Role.OFFICER),
        "foreign_admin": T.member(other, Role.ADMINISTRATOR),
    }


# name -> (url(world), model, good post(world), bad post(world), message of the bad post)
def _cert_data(**kw):
    data = {"number": "FORM0100", "categories": ["行政处罚"], "area": "本区", "issuing_authority": "本市人民政府",
            "valid_from": "2025-01-01", "valid_to": "2029-12-31", "kind": ""}
    data.update(kw)
    return data


FORMS = {
    "unit": (lambda w: f"/agencies/{w['agency'].code}/units/new/", Unit,
             lambda w: {"name": "法制审核科", "parent": "", "kind": "", "equipment_group": ""},
             lambda w: {"name": "  ", "parent": w["unit"].pk, "kind": "", "equipment_group": ""},
             "科室名称不能为空"),
    "unit-duplicate": (lambda w: f"/agencies/{w['agency'].code}/units/new/", Unit,
                       lambda w: {"name": "执法二大队", "parent": w["unit"].pk},
                       lambda w: {"name": "执法一大队"},
                       "已有名为“执法一大队”的科室"),
    "person": (lambda w: f"/agencies/{w['agency'].code}/people/new/", Person,
               lambda w: {"name": "李新", "kind": "officer", "unit": w["unit"].pk, "position": "执法队员", "remit": ""},
               lambda w: {"name": "", "kind": "officer", "unit": w["unit"].pk},
               "姓名不能为空"),
    "certificate": (lambda w: f"/people/{w['person'].pk}/certificates/new/", Certificate,
                    lambda w: _cert_data(),
                    lambda w: _cert_data(number="FORM0001"),
                    "证号 FORM0001 已存在"),
    "certificate-dates": (lambda w: f"/people/{w['person'].pk}/certificates/new/", Certificate,
                          lambda w: _cert_data(number="FORM0101"),
                          lambda w: _cert_data(valid_from="2026-01-01", valid_to="2025-12-31"),
                          "早于有效期起"),
    "certificate-auxiliary": (lambda w: f"/people/{w['aux'].pk}/certificates/new/", Certificate,
                              lambda w: _cert_data(number="FZ0001", categories=[]),
                              lambda w: _cert_data(number="FZ0002", kind="enforcement"),
                              "辅助人员，不能领取行政执法证"),
    "suspend": (lambda w: f"/certificates/{w['cert'].pk}/suspend/", None,
                lambda w: {"reason": "涉嫌违法执法，调查期间暂扣"},
                lambda w: {"reason": ""},
                "原因不能为空"),
    "revoke": (lambda w: f"/certificates/{w['cert'].pk}/revoke/", None,
               lambda w: {"reason": "违法执法，依法吊销"},
               lambda w: {"reason": " "},
               "原因不能为空"),
    "training": (lambda w: f"/people/{w['person'].pk}/trainings/new/", Training,
                 lambda w: {"title": "行政执法三项制度培训", "kind": "training", "date": "2025-03-14", "hours": "8",
                            "score": "", "passed": "unknown"},
                 lambda w: {"title": "", "kind": "training", "date": "2025-03-14", "hours": "8"},
                 "培训名称不能为空"),
    "qualification": (lambda w: f"/people/{w['person'].pk}/qualifications/new/", LegalQualification,
                      lambda w: {"number": "A20190001", "obtained_on": "2019-12-20"},
                      lambda w: {"number": "", "obtained_on": "2019-12-20"},
                      "法律职业资格证书编号不能为空"),
    "role": (lambda w: f"/agencies/{w['agency'].code}/roles/new/", RoleAssignment,
             lambda w: {"account": w["newcomer"].pk, "role": "officer", "unit": w["unit"].pk,
                        "valid_from": "2025-01-01", "valid_to": ""},
             lambda w: {"account": w["newcomer"].pk, "role": "officer", "valid_from": "2025-06-01",
                        "valid_to": "2025-01-01"},
             "早于生效日期"),
    "role-adviser": (lambda w: f"/agencies/{w['agency'].code}/roles/new/", RoleAssignment,
                     lambda w: {"account": w["newcomer"].pk, "role": "adviser", "valid_to": "2030-01-01",
                                "scope": [f"orgs.person:{w['person'].pk}", f"orgs.unit:{w['unit'].pk}"]},
                     lambda w: {"account": w["newcomer"].pk, "role": "adviser", "valid_to": "2030-01-01"},
                     "必须指定授权查看的对象"),
    "revoke-role": (lambda w: f"/roles/{w['officer_role'].pk}/revoke/", None,
                    lambda w: {"reason": "调离执法岗位"},
                    None, None),
}


def _rows(model):
    return model.objects.count() if model is not None else 0


def _snapshot(model, w):
    return (_rows(model), LedgerEntry.objects.count(),
            Certificate.objects.get(pk=w["cert"].pk).status,
            RoleAssignment.objects.get(pk=w["officer_role"].pk).active)


@pytest.mark.parametrize("name", FORMS)
def test_admin_sees_form_and_success_writes_row_and_ledger_entry(world, client, name):
    url, model, good, _, _ = FORMS[name]
    admin = world["admin"]
    client.force_login(admin)
    page = client.get(url(world))
    assert page.status_code == 200
    assert "id=\"action-form\"" in page.content.decode() and "csrfmiddlewaretoken" in page.content.decode()
    rows, entries = _rows(model), LedgerEntry.objects.count()
    response = client.post(url(world), good(world))
    assert response.status_code == 302, response.content.decode()
    if model is not None:
        assert _rows(model) == rows + 1
    new = LedgerEntry.objects.order_by("-index").first()
    assert LedgerEntry.objects.count() == entries + 1
    assert new.actor == admin.username
    assert new.agency == world["agency"].code
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    assert "已" in follow.content.decode()  # the success message


@pytest.mark.parametrize("name", [n for n, f in FORMS.items() if f[3] is not None])
def test_bad_input_shows_the_action_message_and_writes_nothing(world, client, name):
    url, model, _, bad, message = FORMS[name]
    client.force_login(world["admin"])
    before = _snapshot(model, world)
    response = client.post(url(world), bad(world))
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert 'role="alert"' in text and "id=\"action-form\"" in text  # the form again, with the message
    assert _snapshot(model, world) == before


@pytest.mark.parametrize("who", ["officer", "foreign_admin"])
@pytest.mark.parametrize("name", FORMS)
def test_others_get_403_and_nothing_is_written(world, client, name, who):
    url, model, good, _, _ = FORMS[name]
    client.force_login(world[who])
    page = client.get(url(world))
    assert page.status_code == 403
    assert "id=\"action-form\"" not in page.content.decode()
    before = _snapshot(model, world)
    response = client.post(url(world), good(world))
    assert response.status_code == 403
    assert "无权" in response.content.decode() or "管理员" in response.content.decode()
    assert _snapshot(model, world) == before


@pytest.mark.parametrize("name", FORMS)
def test_anonymous_is_sent_to_login(world, client, name):
    url, model, good, _, _ = FORMS[name]
    before = _snapshot(model, world)
    for response in (client.get(url(world)), client.post(url(world), good(world))):
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert _snapshot(model, world) == before


def test_superuser_may_use_the_forms(world, client):
    sysadmin, _ = A.do_create_administrator("root-form", "a-long-password-9876", "系统管理员", actor=OPERATOR)
    client.force_login(sysadmin)
    response = client.post(f"/agencies/{world['agency'].code}/units/new/", {"name": "综合科"})
    assert response.status_code == 302
    assert LedgerEntry.objects.order_by("-index").first().actor == "root-form"


def test_certificate_lifecycle_suspend_reinstate_revoke(world, client):
    cert = world["cert"]
    client.force_login(world["admin"])
    assert client.post(f"/certificates/{cert.pk}/suspend/", {"reason": "调查"}).status_code == 302
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.SUSPENDED
    # Suspending twice is refused by the action, with its message.
    again = client.post(f"/certificates/{cert.pk}/suspend/", {"reason": "再次"})
    assert again.status_code == 400 and "当前状态为“已暂扣”，不能执行“暂扣”" in again.content.decode()
    assert client.post(f"/certificates/{cert.pk}/reinstate/", {"reason": "调查结束"}).status_code == 302
    assert client.post(f"/certificates/{cert.pk}/revoke/", {"reason": "违法执法"}).status_code == 302
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REVOKED
    actions = list(LedgerEntry.objects.filter(object_type="orgs.certificate", object_id=str(cert.pk))
                   .order_by("index").values_list("action", flat=True))
    assert actions[-3:] == ["suspend_certificate", "reinstate_certificate", "revoke_certificate"]
    assert client.get(f"/certificates/{cert.pk}/expire/").status_code == 404


def test_issued_certificate_and_new_records_have_the_posted_values(world, client):
    client.force_login(world["admin"])
    person = world["person"]
    client.post(f"/people/{person.pk}/certificates/new/", _cert_data())
    cert = Certificate.objects.get(number="FORM0100")
    assert (cert.person, cert.kind, cert.categories, cert.valid_to) == (person, "enforcement", ["行政处罚"],
                                                                         dt.date(2029, 12, 31))
    client.post(f"/people/{world['aux'].pk}/certificates/new/", _cert_data(number="FZ0009", categories=[]))
    assert Certificate.objects.get(number="FZ0009").kind == "work"
    client.post(f"/people/{person.pk}/trainings/new/", {"title": "考试", "kind": "exam", "date": "2025-06-20",
                                                        "hours": "2", "score": "86", "passed": "true"})
    exam = Training.objects.get(title="考试")
    assert (float(exam.hours), float(exam.score), exam.passed) == (2.0, 86.0, True)
    client.post(f"/agencies/{world['agency'].code}/people/new/", {"name": "赵辅助", "kind": "auxiliary",
                                                                 "unit": world["unit"].pk})
    assert Person.objects.get(name="赵辅助").unit == world["unit"]


def test_role_form_offers_the_agencys_accounts_and_objects_by_name(world, client):
    client.force_login(world["admin"])
    url = f"/agencies/{world['agency'].code}/roles/new/"
    outsider = T.user("outsider")
    T.person(world["other"], name="外单位人员", user_obj=outsider)
    page = client.get(url).content.decode()
    assert "李新（newcomer）" in page and "张执法（执法一大队）" in page
    assert f'value="orgs.unit:{world["unit"].pk}"' in page
    assert "outsider" not in page and "外单位人员" not in page
    foreign_person = T.person(world["other"], name="外单位执法员")
    before = RoleAssignment.objects.count(), LedgerEntry.objects.count()
    for data in ({"account": outsider.pk, "role": "officer"},
                 {"account": world["newcomer"].pk, "role": "adviser", "valid_to": "2030-01-01",
                  "scope": [f"orgs.person:{foreign_person.pk}"]},
                 {"account": world["newcomer"].pk, "role": "officer",
                  "unit": A.do_create_unit(world["other"], "外单位科室", actor=OPERATOR).pk}):
        response = client.post(url, data)
        assert response.status_code == 400 and "请更正下列错误" in response.content.decode()
    assert (RoleAssignment.objects.count(), LedgerEntry.objects.count()) == (before[0], before[1] + 1)


def test_revoked_role_cannot_be_revoked_again(world, client):
    client.force_login(world["admin"])
    url = f"/roles/{world['officer_role'].pk}/revoke/"
    assert client.post(url, {"reason": ""}).status_code == 302
    entries = LedgerEntry.objects.count()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "该角色已撤销" in response.content.decode()
    assert LedgerEntry.objects.count() == entries


def test_unknown_objects_are_404(world, client):
    client.force_login(world["admin"])
    for url in ("/agencies/no-such/units/new/", "/people/999999/certificates/new/", "/certificates/999999/revoke/",
                "/roles/999999/revoke/"):
        assert client.get(url).status_code == 404, url


LINKS = ["/units/new/", "/people/new/", "/roles/new/", "/certificates/new/", "/trainings/new/",
         "/qualifications/new/", "/suspend/", "/revoke/"]


def _links_on_pages(client, w):
    pages = [f"/agencies/{w['agency'].code}/", f"/units/{w['unit'].pk}/", f"/people/{w['person'].pk}/"]
    text = "".join(client.get(p).content.decode() for p in pages)
    return {link for link in LINKS if link in text}


def test_links_only_for_those_allowed(world, client):
    client.force_login(world["admin"])
    assert _links_on_pages(client, world) == set(LINKS)
    client.force_login(world["officer"])
    assert _links_on_pages(client, world) == set()
    # An adviser may see the person but not change anything.
    adviser = T.user()
    A.do_assign_role(adviser, world["agency"], Role.ADVISER, valid_from="2020-01-01", valid_to="2099-01-01",
                     scope=[f"orgs.person:{world['person'].pk}"], actor=OPERATOR)
    client.force_login(adviser)
    page = client.get(f"/people/{world['person'].pk}/").content.decode()
    assert page and not any(link in page for link in LINKS)


def test_form_labels_are_chinese(world, client):
    client.force_login(world["admin"])
    text = client.get(f"/people/{world['person'].pk}/certificates/new/").content.decode()
    for label in ("证号", "证件类型", "执法类别", "有效期起", "有效期止", "发证机关", "发证"):
        assert label in text


def test_unparseable_date_is_a_form_error_in_chinese(world, client):
    client.force_login(world["admin"])
    before = Certificate.objects.count(), LedgerEntry.objects.count()
    response = client.post(f"/people/{world['person'].pk}/certificates/new/", _cert_data(valid_from="2025-13-45"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "请更正下列错误" in text and "有效的日期" in text
    assert (Certificate.objects.count(), LedgerEntry.objects.count()) == before


def test_the_admin_records_the_leader_who_oversees_a_unit(world, client):
    """分管领导 (the review's 分管领导 sign-off accepts only that leader): set on the unit page by the agency's
    administrator; only a current 单位领导 of the agency is offered; officers get 403; one ledger entry."""
    agency, unit = world["agency"], world["unit"]
    leader = A.do_create_person(agency, "周副局长", kind=PersonKind.HEAD, position="副局长", user=T.user("zhou"),
                                actor=OPERATOR)
    A.do_assign_role(leader.user, agency, Role.AGENCY_LEADER, valid_from="2020-01-01", actor=OPERATOR)
    url = f"/units/{unit.pk}/overseer/"
    client.force_login(world["officer"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"leader": leader.pk}).status_code == 403
    client.force_login(world["admin"])
    page = client.get(url).content.decode()
    assert "周副局长（副局长）" in page and "张执法" not in page  # only leaders are offered
    before = LedgerEntry.objects.count()
    assert client.post(url, {"leader": world["person"].pk}).status_code == 400  # not a leader: not a choice
    assert LedgerEntry.objects.count() == before
    response = client.post(url, {"leader": leader.pk})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.overseen_by == leader and LedgerEntry.objects.count() == before + 1
    assert LedgerEntry.objects.latest("index").action == "set_unit_overseer"
    assert "周副局长" in client.get(f"/units/{unit.pk}/").content.decode()
    with pytest.raises(A.OrgsError, match="不是.*现任的单位领导"):
        A.do_set_unit_overseer(unit, world["person"], actor=OPERATOR)
