import pytest


@pytest.mark.django_db
def test_health_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_anonymous_home_offers_login_and_public_check(client):
    page = client.get("/").content.decode()
    assert "工作人员登录" in page
    assert "/public/certificate/" in page


@pytest.mark.django_db
def test_health_is_public_and_minimal(client, django_assert_num_queries):
    """The bench's anchor and the probes' target: no login, one query, no cookie, never cached."""
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] in ("sqlite", "postgresql")
    assert not response.cookies
    from sanxiang.core.public_cache import cache

    assert len(cache._entries) == 0
