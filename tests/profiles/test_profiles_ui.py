"""Profile pages: /profiles/ and /profiles/<key>/ (login required, read-only)."""

import re

import pytest


@pytest.fixture
def user_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="viewer", password="x-123456789")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_login_required(client):
    for url in ("/profiles/", "/profiles/zhuzhou-amr/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_list_links_every_profile(user_client):
    page = user_client.get("/profiles/").content.decode()
    for key in ("national", "urumqi-gxq-amr", "zhuzhou-amr", "pingluo-commerce", "urumqi-gxq-hrss",
                "quanzhou-licheng-amr"):
        assert f'href="/profiles/{key}/"' in page
    assert "泉州市鲤城区市场监督管理局" in page


@pytest.mark.django_db
def test_detail_shows_values_with_citations_grouped_by_section(user_client):
    response = user_client.get("/profiles/zhuzhou-amr/?on=2024-06-01")
    assert response.status_code == 200
    page = response.content.decode()
    for title in ("公示", "全过程记录", "法制审核", "时限", "人员装备", "职责分工"):
        assert f"<h2>{title}</h2>" in page
    assert "延期后审核时限上限" in page and "20个工作日" in page
    assert "《全面推行行政执法“三项制度”有关工作的安排》 二（三）4.明确审核程序 3）" in page
    assert "001_e535f9fa007604fa.txt" not in page  # people read the document's title, not a file name
    assert "<td>执法支队</td><td>合计</td><td>10</td><td>20</td><td>10</td>" in page
    text = re.sub(r"<[^>]+>", " ", page.split("<main>")[1])
    assert "沿用国家默认" in text and "national" not in text
    assert "review.time_limit" not in text  # keys stay in the API and the CLI
    assert 'name="viewport"' in page  # phone-readable frame
    assert "按日期查看" in page and 'value="2024-06-01"' in page


@pytest.mark.django_db
def test_date_picker_shows_the_rule_in_force(user_client):
    before = user_client.get("/profiles/urumqi-gxq-amr/?on=2019-10-01").content.decode()
    after = user_client.get("/profiles/urumqi-gxq-amr/?on=2019-11-01").content.decode()
    assert "市政府门户网站行政执法公示专栏" not in before.split("统一公示平台")[1].split("</tr>")[0]
    row = after.split("统一公示平台")[1].split("</tr>")[0]
    assert "市政府门户网站行政执法公示专栏" in row
    assert "2019-11-01 ～ 今" in row
    assert "从2019年11月1日起" in row


@pytest.mark.django_db
def test_bad_date_and_unknown_profile(user_client):
    response = user_client.get("/profiles/national/?on=2019-99-01")
    assert response.status_code == 400
    assert "日期格式错误" in response.content.decode()
    assert user_client.get("/profiles/atlantis/").status_code == 404


@pytest.mark.django_db
def test_api_lists_and_shows_profiles(client):
    keys = [p["key"] for p in client.get("/api/v1/profiles/").json()]
    assert keys[0] == "national" and len(keys) == 6
    data = client.get("/api/v1/profiles/urumqi-gxq-amr?on=2019-11-01").json()
    assert data["values"]["publicity.unified_platform"]["effective_from"] == "2019-11-01"
    assert data["values"]["records.archive_limit"]["value"] == {"count": 30, "unit": "days"}
    missing = client.get("/api/v1/profiles/atlantis")
    assert missing.status_code == 404
    assert missing.json() == {"code": "unknown_profile", "message": "未知的规则配置：atlantis", "field": None,
                              "reasons": ["未知的规则配置：atlantis"]}
    bad = client.get("/api/v1/profiles/national?on=yesterday")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_date"
