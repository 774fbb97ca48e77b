"""Issue 10's third exploratory test (defects10 of session 23, decision 0087): 严重失信 take-down period,
the 决定书's full text, ... — each a user-visible behaviour that failed before its fix."""

import datetime as dt
from unittest import mock

import pytest
from publication_cast import walk

from sanxiang.access.actors import OPERATOR
from sanxiang.core.errors import RuleViolation
from sanxiang.deadlines.actions import seed_calendar
from sanxiang.orgs import testing as T
from sanxiang.publicity import actions as P
from sanxiang.publicity.testing import opened, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def cal():
    seed_calendar(actor=OPERATOR, years=[2026, 2027])


# ---- #0 乌鲁木齐: 涉及严重失信行为的行政处罚信息公示满3年方可撤下 ------------------------------------------

def test_a_serious_dishonesty_penalty_is_taken_down_after_three_years_not_one(cal):
    agency = T.agency(profile_key="urumqi-gxq-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, fine="300000").publication
    row = P.do_prepare_publication(pub, serious_dishonesty=True, actor=editor)
    assert row.serious_dishonesty
    walk(pub, editor, head, on="2026-03-10")
    pub.refresh_from_db()
    # 36 months, not the 1-year prompt (2027-03-10): the SAMR display period ends then too, so no earlier prompt
    assert (pub.takedown_prompt_on, pub.expires_on) == (None, dt.date(2029, 3, 10))
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2027, 3, 11)), \
            pytest.raises(RuleViolation, match="严重失信.*2029-03-10"):
        P.do_take_down_publication(pub, reason="公示满一年", on="2027-03-11", actor=head)
    # a correction that says it does not concern 严重失信 brings the 1-year prompt back, once approved and published
    P.do_correct_publication(pub, reason="经复核不属严重失信", actor=editor)
    P.do_prepare_publication(pub, serious_dishonesty=False, actor=editor)
    walk(pub, editor, head, on="2026-03-12")
    pub.refresh_from_db()
    assert pub.takedown_prompt_on == dt.date(2027, 3, 10)


def test_only_a_penalty_may_be_marked_serious_dishonesty_and_the_page_offers_it(cal, client):
    from sanxiang.publicity.models import PublicationObligation

    agency = T.agency(profile_key="urumqi-gxq-amr")
    editor, head, _ = staff(agency)
    pub = opened(agency, fine="300000").publication
    client.force_login(editor)
    page = client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    assert 'name="serious"' in page and "公示满3年方可撤下" in page
    client.post(f"/publicity/publications/{pub.pk}/prepare/", {"disclosure": "full", "serious": "on"})
    pub.refresh_from_db()
    assert pub.current().serious_dishonesty
    client.force_login(head)
    assert "涉及严重失信行为</th><td>是（公示满3年方可撤下）" in client.get(f"/publicity/publications/{pub.pk}/").content.decode()
    PublicationObligation.objects.filter(pk=pub.obligation_id).update(kind_label="许可")
    pub.obligation.refresh_from_db()
    with pytest.raises(RuleViolation, match="只有行政处罚"):
        P.do_prepare_publication(pub, serious_dishonesty=True, actor=editor)
