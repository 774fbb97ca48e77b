"""Builders of the evidence and recording tests: completed uploads of small real media files, and
what a refusal must leave unchanged."""

import itertools

from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry, PendingEntry
from sanxiang.records import samples
from sanxiang.records.models import AudioVideoRecord, EvidenceItem, RecordingHandover, RecordingWaiver

_seed = itertools.count(1)


def photo(actor, name="现场照片.png", agency_code=""):
    return samples.completed_upload(samples.png(seed=next(_seed)), name, actor=actor, agency_code=agency_code)


def audio(actor, name="询问录音.mp3"):
    return samples.completed_upload(samples.mp3(seed=next(_seed)), name, actor=actor)


def video(actor, name="执法记录仪.mp4", agency_code=""):
    return samples.completed_upload(samples.mp4(seed=next(_seed)), name, actor=actor, agency_code=agency_code)


def counts() -> tuple:
    """Everything an action of records may write."""
    return (EvidenceItem.objects.count(), AudioVideoRecord.objects.count(), RecordingWaiver.objects.count(),
            RecordingHandover.objects.count(), Obligation.objects.count(),
            LedgerEntry.objects.count() + PendingEntry.objects.count())


EVIDENCE = {"kind": "documentary", "title": "进货单据", "source": "当事人提供", "collected_on": "2026-09-02",
            "collected_by": "王执法、李执法", "content": "2026年8月进货单据3张", "place": "当事人经营场所",
            "occurred_at": "2026-09-02T10:00", "officers": "王执法、李执法", "recorder": "李执法",
            "purpose": "证明进货数量和时间"}


def client_of(user):
    """A test client signed in as `user`."""
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c
