"""s25 defects10c #3: the staff party page of a 不予行政处罚决定 does not offer the paper early-stop form (a
不予行政处罚决定 is no 行政处罚信息 and never may be stopped early, decision 0098): no form, no six-month date, no
doubled 「。；」."""

import pytest
from test_no_penalty_is_no_penalty import no_penalty, publish, zhuzhou  # noqa: F401 (zhuzhou: a fixture)

from sanxiang.publicity import requests as R

pytestmark = pytest.mark.django_db


def test_the_staff_party_page_of_a_no_penalty_decision_offers_no_early_stop(zhuzhou, client):  # noqa: F811
    agency, (editor, head, _leader), company = zhuzhou
    pub = publish(no_penalty(agency, "first_offence", the_party=company).publication, editor, head)
    rules = R.early_stop_rules(pub)
    assert rules["offered"] is False and rules["failures"] == ["只有行政处罚信息可以申请提前停止公示。"]
    client.force_login(editor)
    page = client.get(f"/publicity/party/{pub.pk}/").content.decode()
    assert 'id="paper-correction"' in page  # a correction may still be registered
    assert 'id="paper-early-stop"' not in page and "登记书面提前停止公示申请" not in page
    assert "方可申请提前停止公示" not in page and "。；" not in page
    assert "只有行政处罚信息可以申请" in page
    refused = client.post(f"/publicity/party/{pub.pk}/early-stop/", {"statement": "已改正", "contact": "0731-1"})
    assert "只有行政处罚信息可以申请提前停止公示" in refused.content.decode()
    assert not pub.early_stop_requests.exists()
