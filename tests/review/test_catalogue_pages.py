"""The catalogue pages: everyone in the agency (and its supervisors) reads the catalogue in words;
only the legal office publishes a version — by the editor or an xlsx — with a reason and a date,
and sees what changed; another agency gets 404; refusals are in Chinese and write nothing; anyone
may ask whether a proposal needs review."""

import io

import pytest
from django.db import transaction
from openpyxl import load_workbook

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger.models import LedgerEntry, PendingEntry
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import AgencyKind, Role
from sanxiang.review.actions import do_seed_catalogue
from sanxiang.review.catalogue_views import _initial
from sanxiang.review.catalogue_xlsx import export_rules
from sanxiang.review.models import CatalogueVersion


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        justice = T.agency(kind=AgencyKind.SUPERVISORY)
        agency = T.agency(profile_key="zhuzhou-amr", supervised_by=[justice.code])
        seeded = do_seed_catalogue(agency, actor=OPERATOR)
        yield {"agency": agency, "seeded": seeded, "base": f"/review/catalogue/{agency.code}/",
               "reviewer": T.member(agency, Role.REVIEWER), "officer": T.member(agency, Role.OFFICER),
               "supervisor": T.member(justice, Role.SUPERVISOR),
               "outsider": T.member(T.agency(profile_key="pingluo-commerce"), Role.REVIEWER)}
        transaction.set_rollback(True)


def written():
    return CatalogueVersion.objects.count(), LedgerEntry.objects.count() + PendingEntry.objects.count()


def formset(rules, *, reason="局务会议修订", effective_from="2027-01-01", delete=(), blank=1):
    """The editor's POST: each rule's fields (as the page shows them), some marked deleted."""
    data = {"reason": reason, "effective_from": effective_from, "rule-TOTAL_FORMS": str(len(rules) + blank),
            "rule-INITIAL_FORMS": str(len(rules)), "rule-MIN_NUM_FORMS": "0", "rule-MAX_NUM_FORMS": "500"}
    for n, rule in enumerate(rules):
        for name, value in _initial(rule).items():
            if value in (None, "", []):
                continue
            data[f"rule-{n}-{name}"] = value
        if rule["key"] in delete:
            data[f"rule-{n}-DELETE"] = "on"
    return data


def test_the_catalogue_reads_in_words_for_the_agency_and_its_supervisor(cast, client, db):
    for who in ("officer", "supervisor"):
        client.force_login(cast[who])
        page = client.get(cast["base"])
        html = page.content.decode()
        assert page.status_code == 200
        assert "现行版本：第1版" in html and "一般程序行政处罚决定均须法制审核" in html
        assert "执法行为为行政处罚；适用普通程序" in html and "二（三）2.明确审核范围" in html
        assert "all_general_procedure_penalties" not in html and "penalty" not in html
        assert "发布新版本" not in html  # officers and supervisors read only
        version = client.get(f"{cast['base']}v1/")
        assert version.status_code == 200 and "由规则配置生成" in version.content.decode()
        xlsx = client.get(f"{cast['base']}v1/xlsx/")
        assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).active["B2"].value == "情形"


def test_another_agency_gets_404_and_an_officer_cannot_publish(cast, client, db):
    client.force_login(cast["outsider"])
    for url in ("", "v1/", "v1/xlsx/", "new/", "import/", "check/"):
        assert client.get(cast["base"] + url).status_code == 404, url
    before = written()
    assert client.post(f"{cast['base']}new/", formset(cast["seeded"].rules)).status_code == 404
    client.force_login(cast["officer"])
    assert client.get(f"{cast['base']}new/").status_code == 403
    assert client.get(f"{cast['base']}import/").status_code == 403
    assert client.post(f"{cast['base']}new/", formset(cast["seeded"].rules)).status_code == 403
    assert written() == before


def test_the_legal_office_changes_removes_and_adds_rules_with_a_reason(cast, client, db):
    client.force_login(cast["reviewer"])
    editor = client.get(f"{cast['base']}new/")
    assert editor.status_code == 200 and "一般程序行政处罚决定均须法制审核" in editor.content.decode()
    rules = [dict(r) for r in cast["seeded"].rules]
    plan = next(r for r in rules if r["key"] == "random_inspection_plan")
    plan["label"] = "双随机年度抽查计划（修订）"
    data = formset(rules, delete={"all_general_procedure_penalties"}, reason="改按罚款数额确定审核范围")
    n = len(rules)
    data.update({f"rule-{n}-key": "large_fine", f"rule-{n}-label": "罚款1万元（组织10万元）以上",
                 f"rule-{n}-citation": "本局审核目录（2027年修订）第三项", f"rule-{n}-kinds": ["penalty"],
                 f"rule-{n}-fine_person": "10000", f"rule-{n}-fine_org": "100000", f"rule-{n}-levels": ["city"]})
    before = written()
    made = client.post(f"{cast['base']}new/", data)
    assert made.status_code == 302, made.content.decode()
    row = CatalogueVersion.objects.filter(agency=cast["agency"]).order_by("-version").first()
    assert row.version == 2 and row.reason == "改按罚款数额确定审核范围" and str(row.effective_from) == "2027-01-01"
    keys = [r["key"] for r in row.rules]
    assert "all_general_procedure_penalties" not in keys and keys[-1] == "large_fine"
    assert row.rules[-1]["condition"] == {"kinds": ["penalty"], "fine_at_least": {"person": 10000, "org": 100000},
                                          "levels": ["city"]}
    assert written() == (before[0] + 1, before[1] + 1)
    assert LedgerEntry.objects.filter(action="adopt_review_catalogue", object_id=str(row.pk)).exists() or \
        PendingEntry.objects.exists()

    html = client.get(made["Location"]).content.decode()
    assert "与第1版相比" in html and "新增" in html and "删除" in html and "修改" in html
    assert "罚款数额达到自然人 10,000 元以上、法人或其他组织 100,000 元以上；执法层级为设区的市级" in html
    assert "双随机年度抽查计划（修订）" in html
    agency_page = client.get(cast["base"]).content.decode()
    assert "已发布、尚未施行" in agency_page and "改按罚款数额确定审核范围" in agency_page


@pytest.mark.parametrize("change,words", [
    (dict(reason=""), "这个字段是必填项"),
    (dict(effective_from="2020-01-01"), "不能早于现行第"),
    (dict(effective_from="明年"), "日期"),
])
def test_a_refused_version_says_why_and_writes_nothing(cast, client, db, change, words):
    client.force_login(cast["reviewer"])
    data = formset(cast["seeded"].rules, **{"reason": "修订", "effective_from": "2027-06-01", **change})
    before = written()
    refused = client.post(f"{cast['base']}new/", data)
    assert refused.status_code == 400 and words in refused.content.decode()
    assert written() == before


def test_a_malformed_rule_in_the_editor_is_refused(cast, client, db):
    client.force_login(cast["reviewer"])
    data = formset(cast["seeded"].rules, effective_from="2027-06-01")
    n = len(cast["seeded"].rules)
    data.update({f"rule-{n}-key": "Large Fine", f"rule-{n}-label": "大额罚款", f"rule-{n}-citation": "第三项",
                 f"rule-{n}-fine_person": "10000"})
    before = written()
    refused = client.post(f"{cast['base']}new/", data)
    assert refused.status_code == 400 and "罚款数额下限须同时填写自然人和组织" in refused.content.decode()
    data[f"rule-{n}-fine_org"] = "100000"
    refused = client.post(f"{cast['base']}new/", data)
    assert refused.status_code == 400 and "小写英文字母开头" in refused.content.decode()
    assert written() == before


def test_an_xlsx_import_names_the_bad_row_or_publishes(cast, client, db):
    client.force_login(cast["reviewer"])
    book = load_workbook(io.BytesIO(export_rules(cast["seeded"].rules, title="目录")))
    book.active["E3"] = "特别程序"
    bad = io.BytesIO()
    book.save(bad)
    bad.seek(0)
    bad.name = "目录.xlsx"
    before = written()
    refused = client.post(f"{cast['base']}import/", {"reason": "导入", "effective_from": "2027-08-01", "file": bad})
    assert refused.status_code == 400 and "第 3 行第 E 列（程序）：“特别程序”不是可用的取值" in refused.content.decode()
    assert written() == before
    good = io.BytesIO(export_rules(cast["seeded"].rules, title="目录"))
    good.name = "目录.xlsx"
    made = client.post(f"{cast['base']}import/", {"reason": "导入定稿", "effective_from": "2027-08-01", "file": good})
    assert made.status_code == 302
    row = CatalogueVersion.objects.filter(agency=cast["agency"]).order_by("-version").first()
    assert row.reason == "导入定稿" and row.rules == cast["seeded"].rules


@pytest.mark.parametrize("query,status,words", [
    ("kind=penalty&party_kind=person&penalties=fine&fine=3000&hearing=none&on=2026-03-02", 200,
     ["须经法制审核后方可作出决定", "一般程序行政处罚决定均须法制审核", "二（三）2.明确审核范围"]),
    ("kind=penalty&party_kind=org&procedure=simplified&penalties=fine&fine=3000&hearing=none&on=2026-03-02", 200,
     ["不须法制审核"]),
    ("kind=penalty&party_kind=org&penalties=fine&fine=3000&hearing=none&on=2026-03-02", 400, ["须写明程序"]),
    ("kind=penalty&procedure=simplified&penalties=revocation&hearing=none", 400, ["不能适用简易程序"]),
    ("kind=permit&hearing=none", 400, ["选择一个有效的选项"]),
])
def test_anyone_in_the_agency_asks_whether_review_is_needed(cast, client, db, query, status, words):
    client.force_login(cast["officer"])
    page = client.get(f"{cast['base']}check/?{query}")
    html = page.content.decode()
    assert page.status_code == status and all(w in html for w in words), html
    assert "本机关执法层级：设区的市级" in html
