"""A profile seen as of a date shows only the rules in force then, and a local document that is
silent on a rule does not repeal the national one."""

import datetime as dt

import pytest
from django.urls import reverse

from sanxiang.profiles.registry import get_profile, list_profiles

AGENCIES = [k for k in list_profiles() if k != "national"]
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize("key", AGENCIES)
def test_no_agency_value_applies_before_its_document(key):
    profile, national = get_profile(key), get_profile("national")
    start = profile.document.effective_from
    for name in profile.names():
        for version in profile.own_versions(name):
            assert version.effective_from is not None and version.effective_from >= start, (key, name)
        before = profile.entry(name, on=start - DAY)
        assert before.source == "national" and before.value == national.value(name, on=start - DAY), (key, name)


def test_documents_carry_the_seed_dates():
    dates = {k: get_profile(k).document.effective_from for k in AGENCIES}
    assert dates["zhuzhou-amr"] == dt.date(2021, 4, 19)
    assert dates["quanzhou-licheng-amr"] == dt.date(2023, 5, 12)
    assert dates["urumqi-gxq-amr"] == dt.date(2019, 11, 1)


@pytest.mark.parametrize("key", AGENCIES)
def test_a_silent_local_document_inherits_the_national_value(key):
    profile, national = get_profile(key), get_profile("national")
    on = dt.date(2025, 6, 1)
    for name in profile.names():
        own = [v for v in profile.own_versions(name) if v.effective_from <= on and
               (v.effective_to is None or on <= v.effective_to)]
        if own and own[0].value is None and not own[0].not_applicable:
            assert profile.value(name, on=on) == national.value(name, on=on), (key, name)


def test_zhuzhou_keeps_the_national_31_january():
    zhuzhou = get_profile("zhuzhou-amr")
    assert zhuzhou.value("publicity.annual_report.due", on="2025-06-01") == "01-31"
    assert zhuzhou.value("publicity.annual_report.unit_submission_due", on="2025-06-01") == "01-15"


@pytest.mark.django_db
def test_the_page_as_of_a_past_date_shows_the_national_rule(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    before = client.get(reverse("profiles:detail", args=["zhuzhou-amr"]) + "?on=2021-04-18").content.decode()
    after = client.get(reverse("profiles:detail", args=["zhuzhou-amr"]) + "?on=2021-04-19").content.decode()
    row = lambda page: page.split("延期后审核时限上限")[1].split("</tr>")[0]  # noqa: E731
    assert "20个工作日" not in row(before) and "沿用国家默认" in row(before)
    assert "20个工作日" in row(after) and "2021-04-19 ～ 今" in row(after)
    assert "《全面推行行政执法“三项制度”有关工作的安排》" in after
