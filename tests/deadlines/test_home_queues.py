"""Duties routed by the profile land in the unit head's queue; late ones escalate to the leader."""

import pytest
from django.utils import timezone

from sanxiang.deadlines.models import Obligation

OPEN = (Obligation.OPEN, Obligation.OVERDUE)

pytestmark = pytest.mark.django_db


def home_of(client, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    return client.get("/").content.decode()


def test_unit_head_sees_the_obligations_routed_to_the_unit(client, demo):
    page = home_of(client, "zhuzhou-head")
    assert "本科室时限待办" in page
    assert "公示行政处罚决定（演示）" in page
    assert "已逾期" in page  # the 20-working-day one opened 40 days ago


def test_leader_sees_overdue_obligations_escalated_and_not_other_agencies(client, demo):
    page = home_of(client, "zhuzhou-leader")
    assert "逾期督办" in page
    assert "公示其他执法决定（演示）" in page
    late = Obligation.objects.get(object_type="demo", object_id="zhuzhou-amr-2")
    assert late.leader in page
    escalated = page.split('id="escalated"')[1].split("</div>")[0]
    # Open, past due and the agency's (the demo cases' met deadlines are not overdue; a party's period
    # that has passed is 已届满, not escalated).
    overdue_here = Obligation.objects.filter(agency="zhuzhou-amr", due__lt=timezone.localdate(),
                                             status__in=OPEN, bearer=Obligation.AGENCY).count()
    assert overdue_here >= 1
    assert escalated.count('class="status-bad"') == overdue_here
    other = home_of(client, "pingluo-leader").split('id="escalated"')[1].split("</div>")[0]
    assert other.count('class="status-bad"') == Obligation.objects.filter(
        agency="pingluo-commerce", due__lt=timezone.localdate(), status__in=OPEN, bearer=Obligation.AGENCY).count()


def test_officer_workbench_shows_the_unit_queue_but_not_the_agency_escalation(client, demo):
    page = home_of(client, "zhuzhou-officer")
    assert "本科室时限待办" in page and "公示行政处罚决定（演示）" in page
    assert 'id="escalated"' not in page
