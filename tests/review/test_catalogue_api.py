"""`/api/v1/review/catalogue/`: versions, rules, a new version from JSON or xlsx, the export and the
check — with the pages' permissions (an officer reads but cannot publish; another agency gets
404; supervisors read the agencies they supervise) and the one error shape, nothing written on a
refusal."""

import io

import pytest
from django.db import transaction
from openpyxl import load_workbook

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger.models import LedgerEntry, PendingEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import AgencyKind, Role
from sanxiang.review.actions import do_seed_catalogue
from sanxiang.review.catalogue_xlsx import export_rules
from sanxiang.review.models import CatalogueVersion

LARGE_FINE = [{"key": "large_fine", "label": "对公民处1万元以上、对法人或者其他组织处10万元以上罚款",
               "citation": "本局审核目录第三项",
               "condition": {"kinds": ["penalty"], "fine_at_least": {"person": 10000, "org": 100000}}}]


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        justice = T.agency(kind=AgencyKind.SUPERVISORY)
        agency = T.agency(profile_key="zhuzhou-amr", supervised_by=[justice.code])
        other = T.agency(profile_key="pingluo-commerce")
        do_seed_catalogue(agency, actor=OPERATOR)
        yield {"agency": agency, "base": f"/api/v1/review/catalogue/{agency.code}",
               "reviewer": T.member(agency, Role.REVIEWER), "officer": T.member(agency, Role.OFFICER),
               "supervisor": T.member(justice, Role.SUPERVISOR), "outsider": T.member(other, Role.REVIEWER)}
        transaction.set_rollback(True)


def written():
    return CatalogueVersion.objects.count(), LedgerEntry.objects.count() + PendingEntry.objects.count()


def test_versions_and_rules_read_for_the_agency_and_its_supervisor(cast, client, db):
    for who in ("officer", "supervisor"):
        client.force_login(cast[who])
        listed = client.get(f"{cast['base']}/versions")
        assert listed.status_code == 200
        assert [(v["version"], v["in_force"], v["origin_label"]) for v in listed.json()] == [(1, True, "由规则配置生成")]
        one = client.get(f"{cast['base']}/versions/1").json()
        rule = next(r for r in one["rules"] if r["key"] == "all_general_procedure_penalties")
        assert rule["condition"] == {"kinds": ["penalty"], "procedures": ["general"]}
        assert rule["condition_text"] == "执行为为行政处罚；适用普通程序".replace("执行为为", "执法行为为")
        xlsx = client.get(f"{cast['base']}/versions/1/xlsx")
        assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).active["A2"].value == "规则编号"


def test_another_agency_gets_404_and_an_officer_cannot_publish(cast, client, db):
    before = written()
    client.force_login(cast["outsider"])
    for url in ("/versions", "/versions/1", "/versions/1/xlsx"):
        response = client.get(cast["base"] + url)
        assert response.status_code == 404 and response.json()["code"] == "catalogue_not_found"
    body = {"rules": LARGE_FINE, "reason": "修订", "effective_from": "2027-01-01"}
    assert client.post(f"{cast['base']}/versions", body, content_type="application/json").status_code == 404
    assert client.post(f"{cast['base']}/check", {"kind": "penalty"}, content_type="application/json").status_code == 404
    client.force_login(cast["officer"])
    refused = client.post(f"{cast['base']}/versions", body, content_type="application/json")
    assert refused.status_code == 403 and "法制审核人员或单位领导" in refused.json()["message"]
    client.force_login(cast["supervisor"])
    assert client.post(f"{cast['base']}/versions", body, content_type="application/json").status_code == 403
    assert written() == before


def test_the_legal_office_publishes_from_json_and_from_xlsx(cast, client, db):
    client.force_login(cast["reviewer"])
    made = client.post(f"{cast['base']}/versions", {"rules": LARGE_FINE, "reason": "改按罚款数额",
                                                    "effective_from": "2027-01-01"}, content_type="application/json")
    assert made.status_code == 201, made.json()
    assert made.json()["version"] == 2 and made.json()["rules"][0]["condition_text"].startswith("执法行为为行政处罚")

    workbook = io.BytesIO(export_rules(LARGE_FINE, title="目录"))
    workbook.name = "目录.xlsx"
    imported = client.post(f"{cast['base']}/versions/xlsx", {"reason": "导入修订稿", "effective_from": "2027-02-01",
                                                              "file": workbook})
    assert imported.status_code == 201, imported.json()
    assert imported.json()["version"] == 3 and imported.json()["reason"] == "导入修订稿"


BAD_BODIES = [
    ({"rules": LARGE_FINE, "reason": "修订", "effective_from": "2027-01-01", "comment": "x"}, 422, "comment"),
    ({"rules": [{**LARGE_FINE[0], "condition": {"amount_over": 5}}], "reason": "修订", "effective_from": "2027-03-01"},
     400, "未知字段“amount_over”"),
    ({"rules": LARGE_FINE, "reason": " ", "effective_from": "2027-03-01"}, 400, "原因"),
    ({"rules": LARGE_FINE, "reason": "修订", "effective_from": "2020-01-01"}, 400, "不能早于现行第"),
    ({"rules": LARGE_FINE, "reason": "修订", "effective_from": "明年"}, 422, "effective_from"),
]


@pytest.mark.parametrize("body,status,words", BAD_BODIES)
def test_a_bad_version_is_refused_in_the_error_shape(cast, client, db, body, status, words):
    client.force_login(cast["reviewer"])
    before = written()
    response = client.post(f"{cast['base']}/versions", body, content_type="application/json")
    assert response.status_code == status
    error = response.json()
    assert set(error) == {"code", "message", "field", "reasons"} and words in error["message"]
    assert written() == before


def test_a_bad_workbook_is_refused_naming_the_row(cast, client, db):
    client.force_login(cast["reviewer"])
    book = load_workbook(io.BytesIO(export_rules(LARGE_FINE, title="目录")))
    book.active["D3"] = "行政处分"
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "目录.xlsx"
    before = written()
    response = client.post(f"{cast['base']}/versions/xlsx", {"reason": "导入", "effective_from": "2027-05-01",
                                                              "file": data})
    assert response.status_code == 400
    assert response.json()["reasons"][0].startswith("第 3 行第 D 列（决定种类）：“行政处分”不是可用的取值")
    assert written() == before


@pytest.mark.parametrize("proposal,on,status,answer", [
    ({"kind": "penalty", "party_kind": "person", "penalties": ["fine"], "fine": 3000}, "2026-03-02", 200,
     ["all_general_procedure_penalties"]),
    ({"kind": "penalty", "party_kind": "org", "procedure": "simplified", "penalties": ["fine"], "fine": 3000},
     "2026-03-02", 200, []),
    ({"kind": "penalty", "party_kind": "org", "penalties": ["fine"], "fine": 3000}, "2026-03-02", 400, "须写明程序"),
    ({"kind": "inspection_plan"}, "2026-03-02", 200, ["random_inspection_plan"]),
    ({"kind": "penalty", "fine_amount": 3000}, "2026-03-02", 422, "fine_amount"),
    ({"kind": "permit"}, "2026-03-02", 422, "kind"),
    ({"kind": "penalty", "procedure": "simplified", "penalties": ["revocation"]}, "2026-03-02", 400, "不能适用简易程序"),
])
def test_check_answers_a_proposal(cast, client, db, proposal, on, status, answer):
    client.force_login(cast["officer"])
    response = client.post(f"{cast['base']}/check?on={on}", proposal, content_type="application/json")
    assert response.status_code == status, response.json()
    if status == 200:
        body = response.json()
        assert body["required"] == bool(answer) and [r["key"] for r in body["rules"]] == answer
        assert all(set(r) == {"key", "label", "citation"} and r["citation"] for r in body["rules"])
    else:
        assert answer in response.json()["message"]


def test_the_check_defaults_and_the_import_template(cast, client, db):
    client.force_login(cast["officer"])
    info = client.get(f"{cast['base']}/check").json()
    assert info == {"level": "city", "level_label": "设区的市级", "field": None, "version_in_force": 1}
    template = client.get(f"{cast['base']}/versions/xlsx")
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert template.status_code == 200 and sheet["A2"].value == "规则编号" and sheet["A3"].value is None
    assert client.get(f"{cast['base']}/versions/first").status_code == 404
