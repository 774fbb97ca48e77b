"""`/api/v1/docs` works without internet: Swagger UI comes from this server's static files."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_docs_page_refers_only_to_local_static_files_and_they_are_served(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    assert all(url.startswith("/static/") for url in urls), urls
    assert "cdn" not in html.lower() and "//" not in "".join(urls)
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 100, url
    # The page points Swagger UI at this API's own OpenAPI document.
    assert "/api/v1/openapi.json" in html
