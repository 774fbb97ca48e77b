"""法制审核目录清单 and `review_required`: each seed agency's catalogue answers real proposals on
real dates; a new version changes the answer from its date only; bad rules and proposals are
refused with nothing written; the CLI answers from a profile alone."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from sanxiang.access.actors import MIGRATION, OPERATOR
from sanxiang.cases import actions as C
from sanxiang.core.errors import NotPermitted, RuleViolation
from sanxiang.ledger.models import LedgerEntry, PendingEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import AgencyKind, Role
from sanxiang.parties.actions import do_register_party
from sanxiang.review.actions import do_adopt_catalogue_version, do_seed_catalogue, seed_catalogues
from sanxiang.review.conditions import ShapeError
from sanxiang.review.determination import check_profile, review_required
from sanxiang.review.models import CatalogueVersion

ALL_GENERAL = "all_general_procedure_penalties"


def fine(amount, party_kind, **more):
    return {"kind": "penalty", "party_kind": party_kind, "penalties": ["fine"], "fine": amount, **more}


# (profile, decision date, proposal, the keys of the rules that require review — empty: none)
CASES = [
    # 株洲: every penalty except the simplified procedure; the procedure follows Art.51's ceilings
    ("zhuzhou-amr", "2026-03-02", fine(3000, "person"), [ALL_GENERAL]),
    ("zhuzhou-amr", "2026-03-02", fine(3000, "org", procedure="simplified"), []),
    ("zhuzhou-amr", "2026-03-02", fine(3000, "org", procedure="general"), [ALL_GENERAL]),
    ("zhuzhou-amr", "2026-03-02", fine(3001, "org"), [ALL_GENERAL]),
    ("zhuzhou-amr", "2026-03-02", fine(200, "person", procedure="simplified"), []),
    ("zhuzhou-amr", "2026-03-02", fine(201, "person"), [ALL_GENERAL]),
    ("zhuzhou-amr", "2026-03-02", fine(3000, "individual_business"), [ALL_GENERAL]),
    ("zhuzhou-amr", "2026-03-02", fine(100, "person", procedure="general"), [ALL_GENERAL]),
    ("zhuzhou-amr", "2026-03-02", {"kind": "penalty", "party_kind": "org", "penalties": ["revocation"]}, [ALL_GENERAL]),
    # 行政处罚法第五十八条 is general procedure (第五章第三节): a 简易程序 penalty is outside it (decision 0056)
    ("zhuzhou-amr", "2026-03-02", fine(200, "person", procedure="simplified", flags=["complex"]), []),
    ("zhuzhou-amr", "2026-06-15", {"kind": "inspection_plan"}, ["random_inspection_plan"]),
    ("zhuzhou-amr", "2026-06-15", {"kind": "licence", "hearing": "requested"}, ["licence_hearing_requested"]),
    ("zhuzhou-amr", "2026-06-15", {"kind": "licence", "hearing": "held"},
     ["licence_statutory_hearing", "licence_hearing_requested", "other_hearing"]),  # 5）D reaches licences (0082)
    ("zhuzhou-amr", "2026-06-15", {"kind": "coercion", "flags": ["party_major_impact"]}, ["coercion_major_impact"]),
    ("zhuzhou-amr", "2026-06-15", {"kind": "inspection"}, []),
    ("zhuzhou-amr", "2026-06-15", {"kind": "adjudication", "flags": ["changes_decision"]}, ["other_changes_decision"]),
    # 乌鲁木齐高新区市场监管局: general-procedure penalties and its list, from its plan (2019-11-01) on
    ("urumqi-gxq-amr", "2026-03-02", fine(3000, "person"), [ALL_GENERAL]),
    ("urumqi-gxq-amr", "2026-03-02", fine(3000, "org", procedure="simplified"), []),
    ("urumqi-gxq-amr", "2026-03-02", {"kind": "penalty", "party_kind": "org", "penalties": ["warning"],
                                      "procedure": "simplified", "flags": ["social_risk"]}, ["social_risk"]),
    ("urumqi-gxq-amr", "2026-03-02", {"kind": "licence", "hearing": "requested"}, ["licence_hearing"]),
    ("urumqi-gxq-amr", "2026-03-02", fine(50000, "org", hearing="held"), ["hearing", "hearing_held", ALL_GENERAL]),
    ("urumqi-gxq-amr", "2019-10-31", fine(3000, "person"), []),  # before the plan: national law only
    # 平罗县商务局: no review section — 行政处罚法 Art.58 only
    ("pingluo-commerce", "2026-03-02", fine(3000, "person", procedure="general"), []),
    ("pingluo-commerce", "2026-03-02", {"kind": "penalty", "party_kind": "org", "penalties": ["revocation"]}, []),
    ("pingluo-commerce", "2026-03-02", {"kind": "penalty", "party_kind": "org", "penalties": ["revocation"],
                                        "hearing": "held"}, ["hearing"]),
    ("pingluo-commerce", "2026-03-02", {"kind": "penalty", "hearing": "requested"}, []),
    ("pingluo-commerce", "2026-03-02", fine(500, "person", flags=["complex", "public_interest"]),
     ["public_interest", "complex"]),
    ("pingluo-commerce", "2026-03-02", {"kind": "inspection_plan"}, []),
    # 乌鲁木齐高新区人社局: its plan lists no scope of its own — Art.58 for its labour-inspection penalties
    ("urumqi-gxq-hrss", "2026-03-02", {"kind": "labour_inspection", "party_kind": "org", "penalties": ["fine"],
                                       "fine": 20000, "hearing": "held"}, ["hearing"]),
    ("urumqi-gxq-hrss", "2026-03-02", fine(3000, "person", procedure="general"), []),
    # 泉州鲤城区市场监管局: its catalogue is still to be compiled by the bureau — Art.58, and 市场监督管理行政处罚程序
    # 规定 第四十九条 (every 普通程序 case is reviewed: 法制审核 or 案件审核)
    ("quanzhou-licheng-amr", "2026-03-02", fine(80000, "org", procedure="general"), ["all_general_procedure_penalties"]),
    ("quanzhou-licheng-amr", "2026-03-02", fine(80000, "org", flags=["other_statutory"]),
     ["other_statutory", "all_general_procedure_penalties"]),
    ("quanzhou-licheng-amr", "2026-03-02", fine(100, "person", procedure="simplified"), []),
]


@pytest.mark.parametrize("profile,on,proposal,keys", CASES)
def test_each_agency_answers_from_its_own_catalogue(profile, on, proposal, keys):
    result = check_profile(profile, proposal, dt.date.fromisoformat(on))
    assert result["required"] == bool(keys)
    assert [r["key"] for r in result["rules"]] == keys
    assert all(r["label"] and r["citation"] for r in result["rules"])


def test_citations_name_the_law_and_the_plan():
    rules = check_profile("zhuzhou-amr", {"kind": "penalty", "hearing": "held", "flags": ["complex"]},
                          dt.date(2026, 3, 2))["rules"]
    assert [r["citation"] for r in rules][:2] == ["行政处罚法第五十八条第一款第（二）项", "行政处罚法第五十八条第一款第（三）项"]
    assert "二（三）2.明确审核范围 1）" in rules[2]["citation"] and ".txt" not in rules[2]["citation"]


@pytest.mark.parametrize("proposal,words", [
    ({"kind": "penalty", "fine_amount": 3000}, "未知字段“fine_amount”"),
    ({"kind": "penalty", "flags": ["urgent"]}, "'urgent' 不可用"),
    ({"kind": "penalty", "penalties": ["fine", "banishment"]}, "'banishment' 不可用"),
    ({"kind": "permit"}, "'permit' 不可用"),
    ({"party_kind": "person"}, "缺少“执法类别”"),
    ({"kind": "penalty", "fine": -5}, "不能为负数"),
    ({"kind": "penalty", "fine": "三千"}, "应为金额"),
    (fine(3000, "person", procedure="simplified"), "不能适用简易程序"),
    # 第五十一条 "可以": within its ceiling the procedure is the agency's choice — it must be named (decision 0075)
    (fine(3000, "org"), "须写明程序"),
    (fine(200, "person"), "须写明程序"),
    ({"kind": "penalty", "party_kind": "org", "penalties": ["warning"]}, "须写明程序"),
    (fine(1000, None), "须写明程序"),  # the party's kind unknown: an organisation's ceiling may apply
    ([], "应为 JSON 对象"),
])
def test_a_proposal_outside_the_vocabulary_is_refused(proposal, words):
    with pytest.raises(ShapeError) as refused:
        check_profile("zhuzhou-amr", proposal, dt.date(2026, 3, 2))
    assert words in refused.value.message


# ---- an agency's catalogue in the database ---------------------------------------------------------

LARGE_FINES = [
    {"key": "public_interest", "label": "涉及重大公共利益", "citation": "行政处罚法第五十八条第一款第（一）项",
     "condition": {"kinds": ["penalty"], "flags_any": ["public_interest"]}},
    {"key": "large_fine", "label": "对公民处1万元以上、对法人或者其他组织处10万元以上罚款",
     "citation": "本局重大执法决定法制审核目录清单（2026年修订）第三项",
     "condition": {"kinds": ["penalty"], "fine_at_least": {"person": 10000, "org": 100000}}},
]


@pytest.fixture(scope="module")
def zz(django_db_setup, django_db_blocker):
    """A 株洲-profile agency with two cases (a person's, an organisation's), its reviewer and officer,
    and another agency's reviewer; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        agency = T.agency(profile_key="zhuzhou-amr")
        unit = A.do_create_unit(agency, "执法一队", actor=OPERATOR)
        person = do_register_party(agency, kind="person", name="张三", id_kind="ric",
                                   id_number="11010519491231002X", actor=OPERATOR)
        org = do_register_party(agency, kind="org", name="某某食品有限公司", credit_code="91110105MA01ABCD13",
                                legal_representative="孙某", actor=OPERATOR)
        cases = {}
        for name, parties in (("person", [person]), ("org", [org]), ("both", [org, person])):
            case = C.do_create_case(agency, unit=unit, source="report", cause="销售超过保质期的食品",
                                    category="行政处罚", clue_on=dt.date(2026, 9, 1), actor=OPERATOR)
            for party in parties:
                C.do_add_case_party(case, party, actor=OPERATOR)
            cases[name] = case
        yield {"agency": agency, "cases": cases, "reviewer": T.member(agency, Role.REVIEWER),
               "officer": T.member(agency, Role.OFFICER, unit=unit),
               "outsider": T.member(T.agency(), Role.REVIEWER)}
        transaction.set_rollback(True)


def keys(case, proposal, on):
    required, rules = review_required(case, proposal, on=on)
    assert required == bool(rules)
    return [r["key"] for r in rules]


def written():
    return CatalogueVersion.objects.count(), LedgerEntry.objects.count() + PendingEntry.objects.count()


GENERAL_3000 = {"kind": "penalty", "procedure": "general", "penalties": ["fine"], "fine": "3000.00"}


def test_a_new_version_changes_the_answer_from_its_date_only(zz, db):
    person, org = zz["cases"]["person"], zz["cases"]["org"]
    assert keys(person, GENERAL_3000, dt.date(2026, 11, 30)) == [ALL_GENERAL]  # no catalogue yet: the profile's

    first = do_seed_catalogue(zz["agency"], actor=OPERATOR)
    # in force from the day its last rule took effect: 行政处罚法第五十八条 on 2021-07-15 (decision 0082); before it
    # the profile answers on the date (株洲's plan from 2021-04-19, national law before)
    assert (first.version, first.effective_from, first.origin) == (1, dt.date(2021, 7, 15), CatalogueVersion.SEEDED)
    assert keys(person, GENERAL_3000, dt.date(2021, 4, 18)) == []
    assert {"random_inspection_plan", ALL_GENERAL} <= {r["key"] for r in first.rules}
    assert do_seed_catalogue(zz["agency"], actor=OPERATOR) is None  # seeded once
    entry = LedgerEntry.objects.filter(action="seed_review_catalogue", object_id=str(first.pk)).get()
    assert "random_inspection_plan" in entry.entry and "按规则配置“株洲市市场监督管理局”生成" in entry.entry

    second = do_adopt_catalogue_version(zz["agency"], LARGE_FINES, effective_from="2026-12-01",
                                        reason="局务会议修订审核目录：改按罚款数额确定", actor=zz["reviewer"])
    entry = LedgerEntry.objects.filter(action="adopt_review_catalogue", object_id=str(second.pk)).get()
    assert second.version == 2 and "局务会议修订审核目录" in entry.entry and "large_fine" in entry.entry

    before, after = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
    assert keys(person, GENERAL_3000, before) == [ALL_GENERAL]
    assert keys(person, GENERAL_3000, after) == []
    assert keys(person, {**GENERAL_3000, "fine": "9999.99"}, after) == []
    assert keys(person, {**GENERAL_3000, "fine": "10000.00"}, after) == ["large_fine"]
    assert keys(org, {**GENERAL_3000, "fine": "10000.00"}, after) == []
    assert keys(org, {**GENERAL_3000, "fine": "99999.99"}, after) == []
    assert keys(org, {**GENERAL_3000, "fine": "100000.00"}, after) == ["large_fine"]
    # an organisation and a person together: the natural-person amounts, as the cases app reads them
    assert keys(zz["cases"]["both"], {**GENERAL_3000, "fine": "10000.00"}, after) == ["large_fine"]
    assert keys(org, {"kind": "inspection_plan"}, before) == ["random_inspection_plan"]
    assert keys(org, {"kind": "inspection_plan"}, after) == []


def test_seeding_gives_each_enforcement_agency_one_first_version(zz, db):
    supervisor = T.agency(kind=AgencyKind.SUPERVISORY)
    made = seed_catalogues(actor=MIGRATION)
    agencies = {v.agency_id for v in made}
    assert zz["agency"].pk in agencies and supervisor.pk not in agencies
    assert all(v.version == 1 and v.made_by_name == "system:migrate" for v in made)
    assert seed_catalogues(actor=MIGRATION) == []  # safe to re-run


@pytest.mark.parametrize("rules,words", [
    ([], "至少包含一条规则"),
    ([{"key": "x", "label": "空条件", "citation": "依据", "condition": {}}], "条件不能为空"),
    ([{"key": "x", "label": "未知条件", "citation": "依据", "condition": {"amount_over": 5}}], "未知字段“amount_over”"),
    ([{"key": "x", "label": "未知情形", "citation": "依据", "condition": {"flags_any": ["urgent"]}}], "'urgent' 不可用"),
    ([{"key": "x", "label": "缺依据", "condition": {"kinds": ["penalty"]}}], "缺少“依据”"),
    ([{"key": "X 1", "label": "代码", "citation": "依据", "condition": {"kinds": ["penalty"]}}], "小写英文字母开头"),
    ([{"key": "x", "label": "负数", "citation": "依据", "condition": {"fine_at_least": {"person": -1, "org": 5}}}],
     "不能为负数"),
    (LARGE_FINES + LARGE_FINES[:1], "规则代码重复：public_interest"),
    ("large_fine", "至少包含一条规则的列表"),
])
def test_a_malformed_rule_is_refused_and_nothing_is_written(zz, db, rules, words):
    before = written()
    with pytest.raises(RuleViolation) as refused:
        do_adopt_catalogue_version(zz["agency"], rules, effective_from="2027-01-01", reason="修订",
                                   actor=zz["reviewer"])
    assert words in refused.value.message and refused.value.field == "rules"
    assert written() == before


def test_refusals_of_reason_date_and_person_write_nothing(zz, db):
    agency = zz["agency"]
    do_adopt_catalogue_version(agency, LARGE_FINES, effective_from="2027-03-01", reason="修订", actor=zz["reviewer"])
    pingluo = T.agency(profile_key="pingluo-commerce")
    before = written()
    attempts = [
        (dict(effective_from="2027-03-02", reason="  ", actor=zz["reviewer"]), RuleViolation, "原因"),
        (dict(effective_from="2027-02-28", reason="修订", actor=zz["reviewer"]), RuleViolation, "不能早于现行第"),
        (dict(effective_from="明年", reason="修订", actor=zz["reviewer"]), RuleViolation, "YYYY-MM-DD"),
        (dict(effective_from=None, reason="修订", actor=zz["reviewer"]), RuleViolation, "施行日期"),
        (dict(effective_from="2027-03-02", reason="修订", actor=zz["officer"]), NotPermitted, "法制审核人员或单位领导"),
        (dict(effective_from="2027-03-02", reason="修订", actor=zz["outsider"]), NotPermitted, "法制审核人员或单位领导"),
    ]
    for kwargs, error, words in attempts:
        with pytest.raises(error) as refused:
            do_adopt_catalogue_version(agency, LARGE_FINES, **kwargs)
        assert words in refused.value.message
    with pytest.raises(NotPermitted):
        do_seed_catalogue(pingluo, actor=zz["outsider"])
    assert written() == before


def test_review_required_refuses_an_unknown_field_of_the_proposal(zz, db):
    with pytest.raises(RuleViolation) as refused:
        review_required(zz["cases"]["person"], {**GENERAL_3000, "urgency": "high"}, on=dt.date(2026, 9, 2))
    assert "未知字段“urgency”" in refused.value.message


# ---- the CLI ----------------------------------------------------------------------------------------

def test_cli_check_prints_the_answer(tmp_path):
    proposal = json.dumps({"kind": "penalty", "party_kind": "person", "penalties": ["fine"], "fine": 3000})
    env = {**os.environ, "SANXIANG_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sanxiang.settings"}
    done = subprocess.run([str(Path(sys.executable).parent / "sanxiang"), "review", "check", "--profile", "zhuzhou-amr",
                           "--on", "2026-03-02", "--json"], input=proposal, capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["required"] is True and [r["key"] for r in answer["rules"]] == [ALL_GENERAL]
    assert set(answer["rules"][0]) == {"key", "label", "citation"}


@pytest.mark.parametrize("argv,stdin,words", [
    (["--profile", "zhuzhou-amr"], '{"kind": "penalty", "colour": "red"}', "未知字段“colour”"),
    (["--profile", "zhuzhou-amr"], "not json", "不是有效的 JSON"),
    (["--profile", "nowhere"], '{"kind": "penalty"}', "未知的规则配置"),
    (["--profile", "zhuzhou-amr", "--on", "2026-13-01"], '{"kind": "penalty"}', "格式不正确"),
    # no procedure where 第五十一条 leaves the choice: refused, never assumed 简易程序 (decision 0075)
    (["--profile", "zhuzhou-amr", "--on", "2026-03-02"],
     '{"kind": "penalty", "party_kind": "org", "penalties": ["fine"], "fine": 3000}', "须写明程序"),
])
def test_cli_check_refuses_with_a_message_and_exit_code(monkeypatch, capsys, argv, stdin, words):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as ended:
        call_command("review", "check", *argv, "--json")
    assert ended.value.code == 2
    assert words in capsys.readouterr().err


def test_a_version_may_not_take_effect_before_the_day_it_is_published(zz, db, monkeypatch):
    """No back-dating: a new version takes effect today at the earliest, so it never changes the answer
    for a decision already made (参照立法法第一百零四条, 不溯及既往)."""
    agency = zz["agency"]
    monkeypatch.setattr("sanxiang.review.actions.adoption_day", lambda: dt.date(2026, 11, 24))
    before = written()
    with pytest.raises(RuleViolation) as refused:
        do_adopt_catalogue_version(agency, LARGE_FINES, effective_from="2026-11-23", reason="修订", actor=zz["reviewer"])
    assert "施行日期不能早于今天（2026-11-24）" in refused.value.message and "不溯及既往" in refused.value.message
    assert refused.value.field == "effective_from" and written() == before
    today = do_adopt_catalogue_version(agency, LARGE_FINES, effective_from="2026-11-24", reason="修订", actor=zz["reviewer"])
    later = do_adopt_catalogue_version(agency, LARGE_FINES, effective_from="2027-01-01", reason="再修订",
                                       actor=zz["reviewer"])
    assert (today.effective_from, later.effective_from) == (dt.date(2026, 11, 24), dt.date(2027, 1, 1))
