"""The demo's published decisions (`sanxiang demo`) carry their public attestation: once the job signs
a checkpoint, every one of them is proved with tamperlog against the served checkpoint, and every
agency's open data, credit export and feed answer."""

import base64
import csv
import hashlib
import io

import pytest
from tamperlog import merkle as tamperlog

from sanxiang.jobs.tasks import sign_checkpoint
from sanxiang.portal import open as opendata
from sanxiang.publicity.models import Publication, PublicationStatus

pytestmark = pytest.mark.django_db


def test_every_published_demo_decision_is_proved(client, demo):
    sign_checkpoint.call()
    shown = Publication.objects.filter(status__in=[PublicationStatus.PUBLISHED, PublicationStatus.CORRECTED])
    assert shown.count() >= 5
    for pub in shown.select_related("agency"):
        response = client.get(f"/gk/{pub.agency.code}/jueding/{opendata.public_number(pub)}/proof.json")
        assert response.status_code == 200, response.content.decode()
        proof = response.json()
        assert hashlib.sha256(base64.b64decode(proof["content_base64"])).hexdigest() == proof["content_sha256"]
        root = base64.b64decode(proof["checkpoint"].split("\n")[2])
        tamperlog.verify_inclusion(proof["inclusion"]["leaf_index"], proof["inclusion"]["tree_size"],
                                   tamperlog.hash_leaf(base64.b64decode(proof["entry"]["base64"])),
                                   [bytes.fromhex(h) for h in proof["inclusion"]["hashes"]], root)


def test_every_agency_answers_every_format(client, demo):
    codes = set(Publication.objects.filter(public_version__isnull=False).values_list("agency__code", flat=True))
    assert len(codes) >= 3
    for code in codes:
        for tail in ("data/decisions.json", "data/random-inspections.json", "feed.xml", "embed/"):
            assert client.get(f"/gk/{code}/{tail}").status_code == 200, tail
        rows = list(csv.reader(io.StringIO(client.get(f"/gk/{code}/data/decisions.csv").content.decode("utf-8-sig"))))
        assert rows[0][0] == "编号" and len(rows) > 1
        assert client.get(f"/gk/{code}/data/credit-penalties.xlsx").status_code == 200
