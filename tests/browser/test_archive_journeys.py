"""Journeys of the case archive on the demo (issue 8 §5, §8): 株洲市市场监管局's finished inspection
立卷 by the unit head, archived and exported by the records keeper, the package downloaded through
the page and verified by `sanxiang archive verify` and the Library of Congress `bagit` validator; and
an on-site inspection's video uploaded on the case page, cut off mid-way, resumed, and attached to
the inspection with its metadata."""

import datetime as dt
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import bagit
import pytest
from journeys import cut_off_uploads, fill, follow, submit
from test_record_journeys import log_in, option_value

pytestmark = pytest.mark.browser
PIECE = 512 << 10


def inspection(status):
    from sanxiang.cases.models import Case

    return Case.objects.filter(agency__code="zhuzhou-amr", kind="inspection", status=status).order_by("id").first()


def signed_inspection_record(case):
    """The precondition of the first journey: the 检查记录 made, signed on site and rendered (the head
    issues it in the browser: pyHanko's seal runs its own event loop, which Playwright's thread has)."""
    from django.contrib.auth import get_user_model

    from sanxiang.access.actors import JOBS
    from sanxiang.documents import actions as D
    from sanxiang.documents.demo import _stroke  # a drawn signature: blank ones are refused
    from sanxiang.documents.models import Document

    officer = get_user_model().objects.get(username="zhuzhou-officer")
    record = (Document.objects.filter(case=case, kind="inspection_record").first()
              or D.do_generate_document(case, "inspection_record", actor=officer))
    me = D._officer_name(record, officer)  # each other officer the record names signs too (s18 tester 9)
    D.do_sign_document(record, officer_png=_stroke(me), party_png=_stroke("刘建", ink=(0, 0, 160)),
                       party_name="刘建", officer_pngs={n: _stroke(n) for n in D.named_officers(record) if n != me}, actor=officer)
    record.refresh_from_db()
    assert D.do_render_document(record, actor=JOBS).status == "generated", record.failure
    others = Document.objects.filter(case=case).exclude(pk=record.pk)
    assert not others.exists(), list(others)  # the journey's case holds this one document
    return record


def test_an_inspection_archived_exported_downloaded_and_verified(demo, page, settings, tmp_path, shoot):
    from sanxiang.access.actors import JOBS
    from sanxiang.archive.models import ArchivedCaseFile, ArchiveExport
    from sanxiang.archive.package import verification_keys
    from sanxiang.archive.tasks import build_archive_exports
    from sanxiang.documents.actions import do_render_document
    from sanxiang.documents.models import Document
    from sanxiang.jobs.tasks import sign_checkpoint

    settings.ARCHIVE_EXPORT_DIR = tmp_path / "exports"
    case = inspection("closed")
    record = signed_inspection_record(case)

    # 立卷 by the unit head: the 正卷's 卷宗封面, 卷内文件目录, 卷内备考表 (an inspection has no 副卷 items);
    # he issues the 检查记录 and the three forms (签发: the agency's seal).
    log_in(page, "zhuzhou-head")
    page.goto(f"{page.base}/cases/{case.pk}/#case-file")
    section = page.locator("#case-file")
    assert "应归档的材料齐全" in section.inner_text()
    submit(page, section.locator("button", has_text="生成卷宗封面、卷内文件目录和备考表"))
    assert "已生成正卷卷宗封面、正卷卷内文件目录、正卷卷内备考表" in page.locator("body").inner_text()
    forms = list(Document.objects.filter(case=case, kind__in=("file_cover", "file_catalogue", "file_notes")))
    assert len(forms) == 3
    for form in forms:  # the job runner's render_documents, for these three
        assert do_render_document(form, actor=JOBS).status == "generated", form.failure
    page.reload()
    for form in (record, *forms):
        submit(page, page.locator(f"#document-{form.pk} button", has_text="签发"))
        assert "已签发" in page.locator(f"#document-{form.pk}").inner_text()
    sign_checkpoint.call()  # the job's next checkpoint covers the issue entries

    # 四性检测 and 归档 by the records keeper.
    log_in(page, "zhuzhou-records")
    page.goto(f"{page.base}/cases/{case.pk}/#case-file")
    follow(page, page.locator("#case-file a", has_text="四性检测并归档"))
    check = page.locator("#archive-check")
    assert "全部通过" in check.inner_text(), check.inner_text()
    assert "签发文书的电子印章有效" in check.inner_text()
    shoot(page, "archive-check")
    submit(page, check.locator("button", has_text="归档"))
    archived = ArchivedCaseFile.objects.get(case=case)
    assert f"档号 {archived.archive_number}" in page.locator("#case-file").inner_text()

    # 导出归档信息包: asked for on the page, built by the job runner, downloaded through the page.
    submit(page, page.locator("#case-file button", has_text="导出归档信息包"))
    assert "正在后台生成" in page.locator("body").inner_text()
    assert "排队中" in page.locator("#archive-exports").inner_text()
    assert build_archive_exports.call()["done"] == 1
    page.reload()
    row = page.locator("#archive-exports tr", has_text="可以下载")
    shoot(page, "archive-export-ready")
    row.locator("input[name=purpose]").fill("移交档案馆前核验")  # the package holds every record: a purpose, logged
    with page.expect_download() as waiting:
        row.locator("button", has_text="下载归档信息包").click()
    download = waiting.value
    assert download.suggested_filename == f"归档信息包-{archived.archive_number}.zip"
    package = tmp_path / "package.zip"
    download.save_as(package)
    export = ArchiveExport.objects.get(case=case)
    assert hashlib.sha256(package.read_bytes()).hexdigest() == export.sha256

    # An archive office verifies it: `sanxiang archive verify` with the pinned key (no database) …
    keys = tmp_path / "agency.vkey"
    keys.write_text(verification_keys())
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("SANXIANG_")}
    env.update(PYTHONIOENCODING="utf-8", SANXIANG_DATA_DIR=str(tmp_path / "outsider"))
    done = subprocess.run([str(Path(sys.executable).with_name("sanxiang")), "archive", "verify", str(package),
                           "--key", str(keys)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "核验通过" in done.stdout
    # … and the Library of Congress validator on the unpacked bag.
    with zipfile.ZipFile(package) as zf:
        zf.extractall(tmp_path / "bag")
    bag = bagit.Bag(str(tmp_path / "bag" / f"case-{case.pk}"))
    bag.validate()
    assert bag.info["External-Identifier"] == case.number
    titles = "\n".join(bag.payload_files())
    assert "document-inspection_record-pdf.pdf" in titles and "document-file_catalogue-pdf.pdf" in titles


def test_an_inspection_video_cut_off_mid_way_resumes_and_is_attached(demo, page, settings, tmp_path, shoot):
    from django.utils import timezone

    from sanxiang.records.models import AudioVideoRecord, Upload

    settings.UPLOAD_BROWSER_CHUNK_BYTES = PIECE
    case = inspection("rectifying")  # on site, 检查结果 recorded (problems found), rectification ordered
    video = tmp_path / "现场检查录像_续传.mp4"  # a name no demo upload has
    from sanxiang.records import samples

    data = samples.mp4(seed=142, padding=os.urandom(3 * (1 << 20)))  # a playable MP4: moov with a duration
    video.write_bytes(data)
    log_in(page, "zhuzhou-officer")
    page.goto(f"{page.base}/cases/{case.pk}/")

    patches = cut_off_uploads(page, at_piece=3)
    page.set_input_files("#case-evidence input[type=file]", str(video))
    status = page.locator("#case-evidence [data-upload-status]")
    status.filter(has_text="网络已断开").wait_for()
    received = Upload.objects.get(filename=video.name).offset
    assert 0 < received < len(data)
    shoot(page, "inspection-upload-offline")
    page.context.set_offline(False)
    status.filter(has_text="上传完成").wait_for(timeout=60_000)
    assert patches[3] == str(received) and patches.count("0") == 1  # resumed from the server's offset

    page.reload()
    box = page.locator("#declare-recording")
    box.locator("summary").click()
    end = timezone.localtime() - dt.timedelta(hours=1)
    fill(box, **{"recording-upload": option_value(box, "recording-upload", video.name), "recording-act": "onsite",
                 "recording-title": "现场检查执法记录仪录像", "recording-officers": "刘执法、张执法",
                 "recording-recorder": "张执法", "recording-place": "企业经营场所",
                 "recording-content": "出示执法证件，说明检查依据，检查经营场所和进货台账",
                 "recording-purpose": "证明现场检查的过程和发现的问题",
                 "recording-started_at": f"{end - dt.timedelta(minutes=20):%Y-%m-%dT%H:%M}",
                 "recording-ended_at": f"{end:%Y-%m-%dT%H:%M}", "recording-device": "执法记录仪 DSJ-05",
                 "recording-party_informed": True})
    submit(page, box.locator("button[type=submit]"))
    row = page.locator("#case-evidence table.recordings tr", has_text="现场检查执法记录仪录像")
    assert "现场执法" in row.inner_text() and row.locator("text=播放").count() == 1
    shoot(page, "inspection-recording")
    recording = AudioVideoRecord.objects.get(case=case, title="现场检查执法记录仪录像")
    assert recording.upload.sha256 == hashlib.sha256(data).hexdigest() and recording.upload.length == len(data)
    assert (recording.act, recording.place, recording.device, recording.recorder, recording.party_informed) == (
        "onsite", "企业经营场所", "执法记录仪 DSJ-05", "张执法", True)
    assert recording.officers == "刘执法、张执法" and recording.purpose == "证明现场检查的过程和发现的问题"

    # At phone width (375 px) the party-copy pages fit the screen: registering a party's request and
    # answering it scroll nothing sideways (s17 #18: the 「申请复制的记录」 textarea was 422 px wide).
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{page.base}/retrieval/cases/{case.pk}/party-copies/")
    form = page.locator("#party-copies form")
    assert form.locator("textarea[name=records]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    fill(form, records="现场检查执法记录仪录像", reason="申请行政复议需要")
    form.locator("label:has-text('现场检查执法记录仪录像') input[name=asked]").check()  # the records asked for
    submit(page, form.locator("button[type=submit]"))
    assert page.locator("textarea").count() >= 1 and "现场检查执法记录仪录像" in page.locator("body").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
