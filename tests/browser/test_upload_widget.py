"""Journey of the upload widget (上传文件): a few-MB file sent in pieces, the connection cut mid-way
(the browser goes offline while a piece is under way), back online: the upload resumes by itself
from where the server stopped and completes; the page shows the digest the server computed, equal to
the file's own SHA-256, and lists the upload once."""

import hashlib
import os

import pytest
from journeys import cut_off_uploads, log_in

from sanxiang.lib.hashing import sm3_hex

pytestmark = pytest.mark.browser
PIECE = 512 << 10


@pytest.fixture
def officer(transactional_db, live_server, settings, tmp_path):
    from django.core.cache import cache

    from sanxiang.orgs import testing as T

    settings.DATA_DIR, settings.FILES_DIR = tmp_path, tmp_path / "files"
    settings.UPLOAD_BROWSER_CHUNK_BYTES = PIECE
    cache.clear()
    return T.member(T.agency("up-web"))


def test_an_upload_cut_off_mid_way_resumes_and_completes(officer, page, tmp_path, shoot):
    from sanxiang.records.models import Upload

    video = tmp_path / "执法记录仪.mp4"
    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(3 * (1 << 20))
    video.write_bytes(data)
    log_in(page, officer)
    problems = []  # CSP reports and script errors: the widget runs under the policy (decision 0006)
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(page.base + "/records/uploads/")

    patches = cut_off_uploads(page, at_piece=3)
    page.set_input_files("input[type=file]", str(video))
    status = page.locator("[data-upload-status]")
    status.filter(has_text="网络已断开").wait_for()
    received = Upload.objects.get().offset
    assert 0 < received < len(data)
    assert page.locator("[data-upload-percent]").inner_text() != "100%"
    shoot(page, "upload-offline")

    page.context.set_offline(False)
    status.filter(has_text="上传完成").wait_for(timeout=60_000)
    sha256 = hashlib.sha256(data).hexdigest()
    assert page.locator("[data-upload-digest]").inner_text().split("\n") == [f"SHA-256：{sha256}", f"SM3：{sm3_hex(data)}"]
    assert page.locator("[data-upload-percent]").inner_text() == "100%"
    # The pieces after the cut continued from the server's offset: nothing was sent twice from 0.
    assert patches[3] == str(received) and patches.count("0") == 1
    upload = Upload.objects.get()
    assert upload.complete and upload.sha256 == sha256 and upload.filename == "执法记录仪.mp4"
    page.locator("#my-uploads", has_text=f"{sha256[:12]}…").wait_for()
    assert page.locator("#my-uploads").inner_text().count("执法记录仪.mp4") == 1
    shoot(page, "upload-complete")
    assert problems == []


def test_the_digests_are_asked_for_again_until_the_server_answers(officer, page, tmp_path):
    """s22 tester8 #10: the connection dropped while the widget asked for the digests (「正在核对摘要」) and
    it gave up with 「未能取得摘要」, showing only the SHA-256. The first three /info requests fail here:
    the widget asks again with growing delays, then shows the SHA-256 and the SM3 the server computed."""
    video = tmp_path / "询问录音.mp3"
    data = b"ID3\x04\x00\x00\x00\x00\x00\x00" + os.urandom(200 << 10)
    video.write_bytes(data)
    log_in(page, officer)
    page.goto(page.base + "/records/uploads/")
    asked = []

    def drop_first_three(route):
        asked.append(route.request.url)
        if len(asked) <= 3:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/uploads/*/info", drop_first_three)
    page.set_input_files("input[type=file]", str(video))
    status = page.locator("[data-upload-status]")
    status.filter(has_text="正在核对摘要：连接中断").wait_for()
    status.filter(has_text="上传完成").wait_for(timeout=30_000)
    assert len(asked) == 4
    assert page.locator("[data-upload-digest]").inner_text().split("\n") == [
        f"SHA-256：{hashlib.sha256(data).hexdigest()}", f"SM3：{sm3_hex(data)}"]
    assert "未能取得摘要" not in status.inner_text()
