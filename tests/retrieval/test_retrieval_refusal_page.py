"""A person who follows a page's 查看/下载 link and is refused gets a 中文 page, not the API's JSON (s18 tester
T1: a tampered file answered `{"code": "file_modified", …}` in the browser). Programs still get the JSON."""

from pathlib import Path

import pytest

from sanxiang import storage

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def internal(env, django_db_blocker):
    from retrieval_cast import case_with_pdf

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        return case_with_pdf(env, mp)


def test_a_refused_file_is_a_page_for_a_person_and_json_for_a_program(client, env, internal):
    case, document, _ = internal
    stored = Path(storage.backend().location) / document.pdf_path
    good = stored.read_bytes()
    client.force_login(env.officer)
    try:
        damaged = bytearray(good)
        damaged[len(damaged) // 2] ^= 0xFF
        stored.write_bytes(bytes(damaged))
        page = client.get(f"/retrieval/records/document/{document.pk}/pdf/", follow=True,
                          HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8", HTTP_SEC_FETCH_MODE="navigate")
        text = page.content.decode()
        assert page.status_code == 409 and page["Content-Type"].startswith("text/html")
        assert "文件与留痕记录不符" in text and "file_modified" not in text and '"code"' not in text
        program = client.get(f"/api/v1/retrieval/files/document/{document.pk}/pdf", HTTP_ACCEPT="application/json")
        assert program.status_code == 409 and program.json()["code"] == "file_modified"
    finally:
        stored.write_bytes(good)
