"""株洲's "其他重大行政执法决定" (plan 二（三）2.明确审核范围 5）A–G) reach every decision kind that is not a
penalty — licences, coercion, inspections, confirmation, adjudication — as 国办发〔2018〕118号's criteria
define a 重大执法决定 of any kind (decision 0082): a 撤销/变更/注销 of a licence changes the decision that
granted it (5）F) and needs review; so does a licence or a coercive measure with social risk, major
third-party rights, a hearing or a complex case. Asked through `review_required` with a real case and
the agency's catalogue in the database, and through the CLI, on real dates. An installation seeded before
the correction gets a new version from the day it is migrated, never back-dated. Before any catalogue
is in force the answer is the national rule of that day — 行政处罚法 第五十八条 from 2021-07-15, nothing
before — and says so."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sanxiang.access.actors import MIGRATION, OPERATOR
from sanxiang.cases import actions as C
from sanxiang.cases.review_gate import proposal_of
from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role
from sanxiang.parties.actions import do_register_party
from sanxiang.review import actions as R
from sanxiang.review.catalogue import profile_catalogue
from sanxiang.review.conditions import rule_data
from sanxiang.review.determination import check_agency, review_required
from sanxiang.review.models import CatalogueVersion

OTHER = ("licence", "coercion", "inspection", "confirmation", "adjudication")


@pytest.fixture
def zz(db):
    agency = T.agency(profile_key="zhuzhou-amr")
    unit = A.do_create_unit(agency, "执法一队", actor=OPERATOR)
    org = do_register_party(agency, kind="org", name="某某食品有限公司", credit_code="91110105MA01ABCD13",
                            legal_representative="孙某", actor=OPERATOR)
    case = C.do_create_case(agency, unit=unit, source="report", cause="食品经营许可事项",
                            category="行政处罚", clue_on=dt.date(2026, 9, 1), actor=OPERATOR)
    C.do_add_case_party(case, org, actor=OPERATOR)
    return {"agency": agency, "case": case}


def later(decision, *flags):
    return {**proposal_of_flags(flags), "kind": "licence" if decision != "disposal" else "coercion",
            "decision": decision}


def proposal_of_flags(flags):
    return {"procedure": "general", "penalties": [], "fine": None, "confiscation_value": None, "hearing": "none",
            "flags": sorted(flags)}


def of_kind(kind, *flags, hearing="none"):
    return {**proposal_of_flags(flags), "kind": kind, "hearing": hearing}


# (proposal, the keys of the rules that require review in 株洲 on 2026-06-15 — empty: none)
ZHUZHOU = [
    # 5）F 改变原行政执法决定的决定: 变更、撤销许可 (the platform adds 变更、撤销原执法决定), 注销许可
    (later("revocation", "changes_decision"), ["other_changes_decision", "other_changes_licence"]),
    (later("change", "changes_decision"), ["other_changes_decision", "other_changes_licence"]),
    (later("deregistration"), ["other_changes_licence"]),
    (later("extension"), []),  # 延续 keeps the granted decision
    # a 处理决定 on seized goods that changes the earlier decision (flagged by the handler)
    (later("disposal", "changes_decision"), ["other_changes_decision"]),
    (later("disposal"), []),
    # 5）A–E for every kind that is not a penalty
    (of_kind("licence", "social_risk"), ["other_social_risk"]),
    (of_kind("coercion", "social_risk"), ["other_social_risk"]),
    (of_kind("licence", "third_party_rights"), ["other_third_party_rights"]),
    (of_kind("coercion", "complex"), ["other_complex"]),
    (of_kind("inspection", "complex"), ["other_complex"]),
    (of_kind("licence", "public_interest"), ["licence_public_interest", "other_public_interest"]),
    (of_kind("coercion", hearing="held"), ["other_hearing"]),
    (of_kind("confirmation", "changes_decision"), ["other_changes_decision"]),
    (of_kind("adjudication", "other_statutory"), ["other_statutory_other"]),
    (of_kind("licence"), []),
    (of_kind("coercion"), []),
]


@pytest.mark.parametrize("proposal,expected", ZHUZHOU)
def test_zhuzhou_reviews_other_major_decisions_of_every_kind(zz, proposal, expected):
    R.do_seed_catalogue(zz["agency"], actor=OPERATOR)
    required, rules = review_required(zz["case"], proposal, on=dt.date(2026, 6, 15))
    assert required == bool(expected)
    assert [r["key"] for r in rules] == expected
    assert all("5）" in r["citation"] and "国办发〔2018〕118号" in r["citation"]
               for r in rules if r["key"].startswith("other_"))


def test_the_case_proposal_of_a_revocation_needs_review(zz):
    """The proposal the decision gate builds for 撤销许可 (review_gate.proposal_of) is answered "required"."""
    R.do_seed_catalogue(zz["agency"], actor=OPERATOR)
    proposal = proposal_of(zz["case"], decision="revocation")
    required, rules = review_required(zz["case"], proposal, on=dt.date(2026, 6, 15))
    assert required and "other_changes_licence" in [r["key"] for r in rules]


def _uncorrected(rules):
    """The rules an installation seeded before decision 0082: 5）A–G for confirmation and adjudication only."""
    old = []
    for rule in rules:
        if rule["key"] == "other_changes_licence":
            continue
        if rule["key"].startswith("other_"):
            rule = {**rule, "condition": {**rule["condition"], "kinds": ["confirmation", "adjudication"]}}
        old.append(rule)
    return old


def test_an_installation_seeded_before_the_correction_gets_a_new_version_from_today(zz):
    agency = zz["agency"]
    current = [rule_data(r) for r in profile_catalogue("zhuzhou-amr", dt.date(2025, 6, 1))]
    first = R._create(agency, rules=_uncorrected(current), effective_from=dt.date(2021, 7, 15), reason="旧版",
                      origin=CatalogueVersion.SEEDED, profile_key="zhuzhou-amr", actor=MIGRATION)
    revocation = later("revocation", "changes_decision")
    assert review_required(zz["case"], revocation, on=dt.date(2025, 12, 31)) == (False, [])

    made = R.seed_catalogues(actor=MIGRATION)  # what `sanxiang migrate` runs
    second = [row for row in made if row.agency_id == agency.pk]
    assert [(r.version, r.effective_from, r.origin) for r in second] == [(2, dt.date(2026, 1, 1), CatalogueVersion.SEEDED)]
    entry = LedgerEntry.objects.filter(action="seed_review_catalogue", object_id=str(second[0].pk)).get()
    assert "other_changes_licence" in entry.entry and "更正" in entry.entry
    # never back-dated: a decision made before the new version keeps the old answer
    assert review_required(zz["case"], revocation, on=dt.date(2025, 12, 31)) == (False, [])
    assert review_required(zz["case"], revocation, on=dt.date(2026, 1, 1))[0] is True
    assert CatalogueVersion.objects.get(pk=first.pk).rules == _uncorrected(current)  # a version is never changed
    assert [r for r in R.seed_catalogues(actor=MIGRATION) if r.agency_id == agency.pk] == []  # safe to re-run


def test_a_version_the_agency_published_itself_is_not_replaced(zz):
    agency = zz["agency"]
    R.do_seed_catalogue(agency, actor=OPERATOR)
    reviewer = T.member(agency, Role.REVIEWER)
    own = [{"key": "large_fine", "label": "大额罚款", "citation": "本局目录第三项",
            "condition": {"kinds": ["penalty"], "fine_at_least": {"person": 10000, "org": 100000}}}]
    R.do_adopt_catalogue_version(agency, own, effective_from="2026-02-01", reason="局务会议修订", actor=reviewer)
    assert [r for r in R.seed_catalogues(actor=MIGRATION) if r.agency_id == agency.pk] == []


def _cli(tmp_path, profile, on, proposal):
    env = {**os.environ, "SANXIANG_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sanxiang.settings"}
    done = subprocess.run([str(Path(sys.executable).parent / "sanxiang"), "review", "check", "--profile", profile,
                           "--on", on, "--json"], input=json.dumps(proposal), capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_cli_answers_the_findings_proposals(tmp_path):
    """The tester's four proposals (finding 1) and the dates before any catalogue (finding 5)."""
    for proposal, key in (({"kind": "licence", "decision": "revocation", "flags": ["changes_decision"]},
                           "other_changes_licence"),
                          ({"kind": "licence", "decision": "change", "flags": ["changes_decision"]},
                           "other_changes_decision"),
                          ({"kind": "licence", "flags": ["social_risk"]}, "other_social_risk"),
                          ({"kind": "coercion", "flags": ["social_risk"]}, "other_social_risk")):
        answer = _cli(tmp_path, "zhuzhou-amr", "2026-11-25", proposal)
        assert answer["required"] is True and key in [r["key"] for r in answer["rules"]], proposal
        assert "note" not in answer
    complex_case = {"kind": "penalty", "procedure": "general", "hearing": "none", "flags": ["complex"]}
    before_law = _cli(tmp_path, "zhuzhou-amr", "2020-01-01", complex_case)
    assert before_law["required"] is False and before_law["rules"] == []
    assert "没有施行的审核目录清单" in before_law["note"] and "2021-07-15 起施行" in before_law["note"]


COMPLEX = {"kind": "penalty", "procedure": "general", "hearing": "none", "flags": ["complex"]}


@pytest.mark.parametrize("profile,on,keys,note", [
    ("zhuzhou-amr", "1990-01-01", [], "没有施行的审核目录清单（本机关的审核目录自 2021-04-19 起施行），也没有要求法制审核的国家规定"),
    ("zhuzhou-amr", "2021-07-14", ["all_general_procedure_penalties"], None),  # 株洲's plan in force, Art.58 not yet
    ("zhuzhou-amr", "2021-07-15", ["complex", "all_general_procedure_penalties"], None),
    ("pingluo-commerce", "2019-12-31", [], "也没有要求法制审核的国家规定（行政处罚法第五十八条自 2021-07-15 起施行）"),
    ("pingluo-commerce", "2020-01-01", [], None),  # its document in force; Art.58 not yet
    ("national", "2021-07-15", ["complex"], "按当日施行的国家规定确定（行政处罚法第五十八条，2021-07-15 起施行）"),
])
def test_before_any_catalogue_the_national_rule_of_the_day_answers_and_says_so(profile, on, keys, note):
    from sanxiang.review.determination import check_profile

    answer = check_profile(profile, COMPLEX, dt.date.fromisoformat(on))
    assert [r["key"] for r in answer["rules"]] == keys and answer["required"] is bool(keys)
    assert answer.get("note") is None if note is None else note in answer["note"]


def test_the_agency_check_and_its_page_say_when_no_catalogue_was_in_force(zz, client):
    R.do_seed_catalogue(zz["agency"], actor=OPERATOR)
    old = check_agency(zz["agency"], COMPLEX, dt.date(1990, 1, 1))
    assert old["required"] is False and "1990-01-01 没有施行的审核目录清单" in old["note"]
    assert "note" not in check_agency(zz["agency"], COMPLEX, dt.date(2026, 6, 15))
    client.force_login(T.member(zz["agency"], Role.REVIEWER))
    page = client.get(f"/review/catalogue/{zz['agency'].code}/check/", {
        "kind": "penalty", "procedure": "general", "hearing": "none", "flags": "complex", "on": "1990-01-01"})
    text = page.content.decode()
    assert page.status_code == 200 and "1990-01-01 没有施行的审核目录清单" in text
    assert "不符合审核目录中的任何情形" not in text
