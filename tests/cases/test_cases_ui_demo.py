"""The demo's cases through the pages: every seed role of one agency opens the workbench, the list
and each case it may see; nobody of another agency sees them."""

import pytest
from django.contrib.auth import get_user_model

from sanxiang.cases.models import Case


@pytest.mark.parametrize("username", ["zhuzhou-officer", "zhuzhou-head", "zhuzhou-reviewer", "zhuzhou-leader"])
def test_each_role_opens_the_workbench_the_list_and_its_cases(client, demo, username):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        pytest.fail(f"demo account {username} missing")
    client.force_login(user)
    assert client.get("/").status_code == 200
    listing = client.get("/cases/").content.decode()
    seen = [c for c in Case.objects.filter(agency__code="zhuzhou-amr") if f"/cases/{c.pk}/" in listing]
    if username != "zhuzhou-reviewer":
        assert seen, "the demo's cases are listed"
    for case in seen:
        html = client.get(f"/cases/{case.pk}/").content.decode()
        assert case.cause in html and "办案记录" in html


def test_the_head_waits_on_the_demo_cases_and_another_agency_sees_none(client, demo):
    users = get_user_model().objects
    client.force_login(users.get(username="zhuzhou-head"))
    assert 'id="case-approvals"' in client.get("/").content.decode()
    case = Case.objects.filter(agency__code="zhuzhou-amr").first()
    client.force_login(users.get(username="pingluo-officer"))
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert f"/cases/{case.pk}/" not in client.get("/cases/").content.decode()
