"""`sanxiang cases list [--agency KEY] [--state STATE] --json` (issue 8 §5): cases for scripts."""

import json

import pytest
from archive_cast import run
from cases_cast import new_case, reach

from sanxiang.workflow import get_table

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def cases(env, blocker):
    with blocker.unblock():
        filed, _ = reach(env, get_table("penalty_general"), "filed")
        clue = new_case(env)
        return filed, clue


def listed(*args):
    code, out, err = run("cases", "list", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_agencys_cases_as_json(env, cases):
    filed, clue = cases
    a = {"agency": env.agency.code, "agency_name": env.agency.name, "kind": "penalty", "cause": "销售超过保质期的食品",
         "parties": ["张三"]}
    assert listed("--agency", env.agency.code) == [
        {"id": filed.pk, "number": filed.number, **a, "state": "filed"},
        {"id": clue.pk, "number": None, **a, "state": "clue"},
    ]
    assert env.agency.code in {r["agency"] for r in listed()}
    # s24 tester8 #2: the name the text output shows selects the agency as well
    assert [r["id"] for r in listed("--agency", env.agency.name)] == [filed.pk, clue.pk]


def test_filtered_by_state(env, cases):
    rows = listed("--agency", env.agency.code, "--state", "filed")
    assert [r["number"] for r in rows] == [cases[0].number]
    assert listed("--agency", env.agency.code, "--state", "closed") == []


def test_bad_filters_are_refused_with_a_message(env, cases):
    code, out, err = run("cases", "list", "--agency", "no-such-agency", "--json")
    assert code == 2 and "没有代码或名称为“no-such-agency”的执法机关" in err and out == ""
    assert f"{env.agency.code}（{env.agency.name}）" in err  # the valid codes, with their names
    code, out, err = run("cases", "list", "--state", "archived-ish", "--json")
    assert code == 2 and "没有“archived-ish”这个案件状态" in err and out == ""
