"""The decision list's and the agency search's kind filter offer the kinds the agency has (its 执法类别 and
the kinds it published decisions of), not every kind of the platform (s23 tester10 #17)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def offered(html: str) -> list[str]:
    select = re.search(r'<select id="id_kind" name="kind">(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option value=\"\w*\"[^>]*>([^<]+)</option>", select)


def test_a_market_regulator_is_not_offered_labour_inspection_confirmation_or_adjudication(client, demo):
    for path in ("/gk/zhuzhou-amr/jueding/", "/gk/zhuzhou-amr/search/"):
        kinds = offered(client.get(path).content.decode())
        assert kinds[0] == "全部" and {"行政处罚", "行政许可", "行政强制", "行政检查"} <= set(kinds), kinds
        assert not {"劳动保障监察", "行政确认", "行政裁决"} & set(kinds), kinds
    hrss = offered(client.get("/gk/urumqi-gxq-hrss/jueding/").content.decode())
    assert "劳动保障监察" in hrss and "行政许可" not in hrss and "行政裁决" not in hrss
    # across agencies every kind stays
    everything = offered(client.get("/gk/search/").content.decode())
    assert {"劳动保障监察", "行政确认", "行政裁决"} <= set(everything)


def test_a_kind_the_agency_published_decisions_of_stays_offered_after_its_category_is_dropped(client, demo):
    from sanxiang.core.public_cache import cache
    from sanxiang.orgs.models import Agency

    agency = Agency.objects.get(code="zhuzhou-amr")
    agency.categories = ["行政检查"]
    agency.save(update_fields=["categories"])
    cache.clear()
    kinds = offered(client.get("/gk/zhuzhou-amr/jueding/").content.decode())
    assert "行政检查" in kinds and "行政处罚" in kinds  # the demo published penalties of 株洲
    assert "行政许可" not in kinds
