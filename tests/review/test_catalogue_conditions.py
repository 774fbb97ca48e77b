"""执法层级 and 执法领域 as catalogue conditions: a rule applies to the agency's level and field only;
the level comes from the profile (`other.enforcement_level`), the field from the case's category
or the agency's one field category; bad values are refused; conditions read in Chinese."""

import datetime as dt

import pytest
from django.db import transaction

from sanxiang.access.actors import OPERATOR
from sanxiang.cases import actions as C
from sanxiang.orgs import actions as A
from sanxiang.orgs import testing as T
from sanxiang.review.conditions import Condition, ShapeError, describe, parse_proposal, parse_rules
from sanxiang.review.determination import check_agency, check_profile, review_required

ON = dt.date(2026, 3, 2)

COUNTY_MARKET = [
    {"key": "county_market_large_fine", "label": "县级市场监管罚款5万元以上",
     "citation": "本局审核目录第一项",
     "condition": {"kinds": ["penalty"], "levels": ["county"], "fields": ["市场监督管理"],
                   "fine_at_least": {"person": 50000, "org": 50000}}},
    {"key": "city_any_revocation", "label": "市级吊销许可证件", "citation": "本局审核目录第二项",
     "condition": {"levels": ["city"], "penalties_any": ["revocation"]}},
]
RULES = parse_rules(COUNTY_MARKET)


def fine(amount, **more):
    return {"kind": "penalty", "party_kind": "org", "penalties": ["fine"], "fine": amount, **more}


# (proposal, the keys that match) — the level and field as the proposal gives them
TABLE = [
    (fine(50000, level="county", field="市场监督管理"), ["county_market_large_fine"]),
    (fine(49999, level="county", field="市场监督管理"), []),
    (fine(50000, level="city", field="市场监督管理"), []),
    (fine(50000, level="county", field="劳动保障监察"), []),
    (fine(50000, level="county"), []),  # no field known: a field rule does not match
    (fine(50000, field="市场监督管理"), []),  # no level known
    ({"kind": "penalty", "penalties": ["revocation"], "level": "city"}, ["city_any_revocation"]),
    ({"kind": "penalty", "penalties": ["revocation"], "level": "township"}, []),
]


@pytest.mark.parametrize("proposal,keys", TABLE)
def test_level_and_field_narrow_a_rule(proposal, keys):
    p = parse_proposal(proposal)
    assert [r.key for r in RULES if r.condition.matches(p, "general")] == keys


@pytest.mark.parametrize("profile,level", [
    ("zhuzhou-amr", "city"), ("pingluo-commerce", "county"), ("urumqi-gxq-amr", "county"),
    ("urumqi-gxq-hrss", "county"), ("quanzhou-licheng-amr", "county"), ("national", None)])
def test_each_profile_states_its_level(profile, level):
    from sanxiang.profiles.registry import get_profile

    entry = get_profile(profile).entry("other.enforcement_level", on=ON)
    assert entry.value == level and entry.citation


def test_the_cli_takes_the_level_from_the_profile():
    # 株洲 is a city-level bureau; its own catalogue has no level rule, so Art.58 still answers
    assert check_profile("zhuzhou-amr", {"kind": "penalty", "level": "county", "hearing": "held"}, ON)["required"]
    assert check_profile("zhuzhou-amr", {"kind": "inspection", "field": "市场监督管理"}, ON) == \
        {"required": False, "rules": []}


@pytest.mark.parametrize("proposal,words", [
    ({"kind": "penalty", "level": "district"}, "“执法层级”的取值 'district' 不可用"),
    ({"kind": "penalty", "field": ""}, "“执法领域”（field）"),
    ({"kind": "penalty", "field": 5}, "“执法领域”（field）格式不正确"),
])
def test_a_bad_level_or_field_is_refused(proposal, words):
    with pytest.raises(ShapeError) as refused:
        parse_proposal(proposal)
    assert words in refused.value.message


@pytest.mark.parametrize("condition,words", [
    ({"levels": ["prefecture"]}, "'prefecture' 不可用"),
    ({"fields": [" 市场监督管理"]}, "首尾不能有空格"),
    ({"fields": "市场监督管理"}, "执法领域"),
])
def test_a_bad_level_or_field_condition_is_refused(condition, words):
    with pytest.raises(ShapeError) as refused:
        parse_rules([{"key": "x", "label": "规则", "citation": "依据", "condition": condition}])
    assert words in refused.value.message


def test_a_condition_reads_in_chinese_without_keys():
    text = "；".join(describe(RULES[0].condition))
    assert text == ("执法行为为行政处罚；罚款数额达到自然人 50,000 元以上、法人或其他组织 50,000 元以上；"
                    "执法层级为县级；执法领域为市场监督管理")
    assert describe(Condition(flags_any=("public_interest", "complex"))) == \
        ["存在情形：涉及重大公共利益、案件情况疑难复杂、涉及多个法律关系（任一）"]


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """A 泉州-profile (county) and a 株洲-profile (city) market bureau, and a county one with two fields, each with the
    county-market catalogue, and a case of each."""
    from sanxiang.review.actions import do_adopt_catalogue_version

    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as mp:
        mp.setattr("sanxiang.review.actions.adoption_day", lambda: dt.date(2026, 1, 1))  # as tests/review/conftest.py
        made = {}
        for name, profile, categories in (("county", "quanzhou-licheng-amr", ["行政处罚", "市场监督管理"]),
                                          ("city", "zhuzhou-amr", ["行政处罚", "市场监督管理"]),
                                          ("two_fields", "quanzhou-licheng-amr", ["行政处罚", "市场监督管理", "商务执法"])):
            agency = T.agency(profile_key=profile, categories=categories)
            unit = A.do_create_unit(agency, "执法一队", actor=OPERATOR)
            do_adopt_catalogue_version(agency, COUNTY_MARKET, effective_from="2026-01-01", reason="按层级、领域编制",
                                       actor=OPERATOR)
            case = C.do_create_case(agency, unit=unit, source="report", cause="销售超过保质期的食品",
                                    category="行政处罚", clue_on=dt.date(2026, 2, 1), actor=OPERATOR)
            made[name] = (agency, case)
        yield made
        transaction.set_rollback(True)


@pytest.mark.parametrize("which,required", [("county", True), ("city", False), ("two_fields", False)])
def test_a_case_is_answered_with_its_agency_level_and_field(county, db, which, required):
    agency, case = county[which]
    proposal = {"kind": "penalty", "procedure": "general", "penalties": ["fine"], "fine": "60000.00"}
    assert review_required(case, proposal, on=ON)[0] is required
    assert check_agency(agency, {**proposal, "party_kind": "org"}, ON)["required"] is required
    # the agency with two fields: the proposal names the field itself
    if which == "two_fields":
        assert check_agency(agency, {**proposal, "field": "市场监督管理"}, ON)["required"]


def test_a_rule_may_name_the_later_decisions_of_a_kind():
    """决定事项 (`decisions`): 变更、延续、撤销、注销许可 and the 处理决定 on seized goods; a proposal without a
    decision is the kind's main decision and never matches such a rule."""
    condition = Condition.model_validate({"kinds": ("licence",), "decisions": ("revocation", "deregistration")})
    assert describe(condition) == ["执法行为为行政许可", "决定事项为撤销许可、注销许可"]
    assert condition.matches(parse_proposal({"kind": "licence", "decision": "revocation"}), "general")
    assert not condition.matches(parse_proposal({"kind": "licence", "decision": "extension"}), "general")
    assert not condition.matches(parse_proposal({"kind": "licence"}), "general")
    with pytest.raises(ShapeError) as refused:
        parse_proposal({"kind": "licence", "decision": "renewal"})
    assert "决定事项" in refused.value.message
    with pytest.raises(ShapeError):
        parse_rules([{"key": "x", "label": "续期", "citation": "依据", "condition": {"decisions": ["renewal"]}}])
