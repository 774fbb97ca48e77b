"""Evidence and recordings where the other parts of issue 8 meet them: served and ledgered by the
retrieval layer, listed in the 卷内文件目录 and the 音像记录台账, uploaded from the case page."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from sanxiang.documents.kinds import case_records
from sanxiang.records.models import AudioVideoRecord, EvidenceItem
from sanxiang.retrieval.models import RecordAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(demo):
    """The demo's closed 行政处罚 case of 乌鲁木齐高新区市场监管局, with its evidence and recording."""
    item = EvidenceItem.objects.select_related("case").filter(case__agency__code="urumqi-gxq-amr").first()
    return item.case


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def test_an_evidence_file_is_served_and_each_look_is_ledgered(client, closed):
    item = EvidenceItem.objects.filter(case=closed, upload__filename="进货单据.png").get()
    login(client, "urumqi-amr-officer")
    response = client.get(f"/api/v1/retrieval/files/evidence/{item.pk}/file")
    assert response.status_code == 200, response.content[:300]
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    [look] = RecordAccess.objects.all()
    assert (look.record_kind, look.record_id, look.file_sha256) == ("evidence", item.pk, item.upload.sha256)

    login(client, "zhuzhou-officer")  # another agency learns nothing, and nothing is written
    assert client.get(f"/api/v1/retrieval/files/evidence/{item.pk}/file").status_code == 404
    assert RecordAccess.objects.count() == 1


def test_a_recording_not_yet_linked_is_not_served(client, demo):
    waiting = AudioVideoRecord.objects.filter(case__isnull=True).first()
    assert waiting is not None
    login(client, waiting.declared_by.username)
    assert client.get(f"/api/v1/retrieval/files/recording/{waiting.pk}/file").status_code == 404
    assert not RecordAccess.objects.exists()


def test_the_file_catalogue_lists_evidence_in_force_and_recordings(closed):
    titles = [entry["title"] for entry in case_records(closed)]
    assert any(t.endswith("：进货单据照片") for t in titles)
    assert any(t.startswith("音像记录：") for t in titles)
    assert any("行政处罚决定书" in t for t in titles)  # the documents are still there


def test_the_media_register_lists_the_agencys_recordings(client, closed):
    login(client, "urumqi-amr-head")
    body = client.get("/api/v1/registers/media").json()
    rows = body["rows"]
    assert any(row["case"] == closed.number and row["stored"] in ("已存储", "逾期存储") for row in rows)
    assert "原件移交" in [c["label"] for c in body["columns"]]
    late = [row for row in rows if row["stored"] == "逾期存储"]
    assert late and all(row["late_reason"] for row in late)  # defect #14f: the reason of the delay is kept
    login(client, "zhuzhou-head")
    assert not any(row["case"] == closed.number for row in client.get("/api/v1/registers/media").json()["rows"])


def test_the_records_keeper_reads_the_records_she_archives_and_receives_the_originals(client, closed):
    """archive/policies.py: the 档案管理人员 reads the agency's case files (documents, evidence,
    recordings, hand-overs) and records the hand-over of an original to the archive."""
    login(client, "urumqi-amr-records")
    kinds = {r["kind"] for r in client.get(f"/api/v1/retrieval/cases/{closed.pk}/records").json()}
    assert kinds == {"document", "evidence", "recording"}
    item = EvidenceItem.objects.filter(case=closed).first()
    assert client.get(f"/api/v1/records/evidence?case_id={closed.pk}").json()
    assert client.get(f"/api/v1/records/evidence/{item.pk}").status_code == 200
    recordings = client.get(f"/api/v1/records/recordings?case_id={closed.pk}").json()
    assert recordings
    rec = AudioVideoRecord.objects.filter(pk__in=[r["id"] for r in recordings], handovers__isnull=False).first()
    keeper = get_user_model().objects.get(username="urumqi-amr-records")
    keeper_name = keeper.people.get(agency=rec.agency).name
    last = rec.handovers.order_by("handed_at", "id").last()  # the demo's officer handed the original to her
    assert last.received_by_user == keeper and last.received_by == keeper_name
    # she holds it, and records handing it on (decision 0085: the 移交人 is the one who records it)
    officer = get_user_model().objects.get(username="urumqi-amr-officer")
    handed = client.post(f"/api/v1/records/recordings/{rec.pk}/handovers", {
        "received_by": officer.people.get(agency=rec.agency).name, "handed_at": timezone.now().isoformat(),
        "medium": "光盘", "place": "档案室", "note": "交承办人复制"}, content_type="application/json")
    assert handed.status_code == 201, handed.content
    assert handed.json()["handovers"][-1]["handed_by"] == keeper_name
    login(client, "urumqi-amr-officer")
    officer_rows = client.get("/api/v1/registers/media").json()["rows"]
    login(client, "urumqi-amr-records")
    assert client.get("/api/v1/registers/media").json()["rows"] == officer_rows
    page = client.get("/registers/media/").content.decode()
    assert f"共 {len(officer_rows)} 条" in page and keeper_name in page
    served = client.get(f"/api/v1/retrieval/files/evidence/{item.pk}/file")
    assert served.status_code == 200
    login(client, "zhuzhou-records")  # another agency's archivist learns nothing
    assert client.get(f"/api/v1/records/evidence/{item.pk}").status_code == 404
    assert client.get(f"/api/v1/retrieval/cases/{closed.pk}/records").status_code == 404


def test_the_case_page_offers_the_upload_widget_and_links_through_the_serving_layer(client, closed):
    login(client, "urumqi-amr-officer")
    page = client.get(f"/cases/{closed.pk}/").content.decode()
    assert "data-upload-widget" in page and "tus.min.js" in page
    item = EvidenceItem.objects.filter(case=closed).first()
    assert f"/retrieval/records/evidence/{item.pk}/file/" in page
