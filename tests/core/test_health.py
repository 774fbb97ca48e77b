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
