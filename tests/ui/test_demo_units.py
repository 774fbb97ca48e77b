"""Every duty of every agency profile names units that exist in that agency's demo org chart, and
the demo creates no unit that is not in its agency's structure."""

import pytest

from sanxiang.orgs.actions import duty_unit_names
from sanxiang.orgs.demo import AGENCIES
from sanxiang.orgs.models import Equipment, Unit
from sanxiang.profiles.registry import get_profile

pytestmark = pytest.mark.django_db

COLLECTIVE = ("各", "其他", "相关")


def test_every_duty_names_a_unit_of_the_demo_org_chart(demo):
    for spec in AGENCIES:
        code = spec["code"]
        units = set(Unit.objects.filter(agency__code=code).values_list("name", flat=True))
        assert units == {name for name, _, _ in spec["units"]}, code  # nothing invented from duty text
        profile = get_profile(code)
        duties = [n.removeprefix("duties.") for n in profile.names() if n.startswith("duties.")]
        assert len(duties) == 10
        for duty in duties:
            entry = profile.entry(f"duties.{duty}")
            assert entry.source == code, f"{code}: duties.{duty} falls back to the national placeholder"
            named = duty_unit_names(entry.value["unit"])
            for name in named:
                assert name in units, f"{code}: duties.{duty} names {name!r}, not in {sorted(units)}"
            if not named:  # "各股室、各市场监管所": every unit, each for the cases it handles
                parts = entry.value["unit"].replace("，", "、").split("、")
                assert all(p.strip().startswith(COLLECTIVE) for p in parts), (code, duty, entry.value)


def test_no_invented_or_duplicate_units(demo):
    names = set(Unit.objects.values_list("name", flat=True))
    for invented in ("执法承办机构", "公示发布部门", "法制审核机构", "法制机构", "注册与行政审批股",
                     "三项制度领导小组负责法制审核工作的机构"):
        assert invented not in names
    assert "登记注册与行政审批股" in names


def test_reviewers_sit_in_the_unit_their_profile_names_for_legal_review(demo):
    from sanxiang.orgs.models import Role, RoleAssignment

    for spec in AGENCIES:
        duty = get_profile(spec["code"]).value("duties.legal_review")
        role = RoleAssignment.objects.get(agency__code=spec["code"], role=Role.REVIEWER)
        assert role.unit.name in duty_unit_names(duty["unit"]), spec["code"]


def test_equipment_serials_look_like_serials_not_codes(demo):
    serials = list(Equipment.objects.values_list("serial", flat=True))
    assert serials
    for serial in serials:
        assert serial.startswith(("DSJ-", "XJ-", "LYB-")), serial
        assert "_" not in serial and not any(s["prefix"] in serial for s in AGENCIES), serial
