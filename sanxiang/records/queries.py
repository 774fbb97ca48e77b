"""Reads of uploads: only the uploader sees an upload (its access policy)."""

from sanxiang.access.policy import restrict
from sanxiang.core.ids import row_by_id

from .models import Upload


def upload_for(user, upload_id) -> Upload | None:
    """The upload `upload_id` if `user` may see it, else None (another's upload is simply not found)."""
    return row_by_id(restrict(Upload.objects.all(), user, "view"), upload_id)


def info(upload: Upload) -> dict:
    """What `GET /api/v1/uploads/<id>/info` answers: the digests only once the upload is complete."""
    return {"size": upload.length, "offset": upload.offset, "complete": upload.complete,
            "sha256": upload.sha256 or None, "sm3": upload.sm3 or None}


# ---- evidence items and recordings (read through their access policy) -------------------------

def evidence_of(user, case):
    from .models import EvidenceItem

    return (restrict(EvidenceItem.objects.filter(case=case), user)
            .select_related("upload", "replaces", "recording", "created_by").prefetch_related("corrections")
            .order_by("created_at", "id"))


def supplement_reasons(items) -> dict[int, str]:
    """归档后补充原因 of these evidence items, by id, as their `register_evidence` entries record it (the
    reason lives in the ledger entry, not in the row: one query on each of the two entry tables)."""
    import json

    from sanxiang.ledger.models import LedgerEntry, PendingEntry

    from .models import EvidenceItem

    ids = [str(i.pk) for i in items]
    out: dict[int, str] = {}
    if not ids:
        return out
    for model, column in ((LedgerEntry, "entry"), (PendingEntry, "body")):
        rows = model.objects.filter(action="register_evidence", object_type=EvidenceItem.ledger_type(),
                                    object_id__in=ids, **{f"{column}__contains": "supplement_reason"})
        for object_id, text in rows.values_list("object_id", column):
            reason = (json.loads(text).get("payload") or {}).get("supplement_reason") or ""
            if reason:
                out[int(object_id)] = reason
    return out


def evidence_for(user, pk):
    from .models import EvidenceItem

    return row_by_id(restrict(EvidenceItem.objects.select_related("case", "case__agency", "upload"), user), pk)


def recordings_of(user, case):
    from .models import AudioVideoRecord

    return (restrict(AudioVideoRecord.objects.filter(case=case), user)
            .select_related("upload", "declared_by", "agency").prefetch_related("handovers").order_by("started_at", "id"))


def recording_for(user, pk):
    from .models import AudioVideoRecord

    return row_by_id(restrict(AudioVideoRecord.objects.select_related("agency", "case", "upload"), user), pk)


def unattached_recordings(user):
    """我的音像记录: the recordings the user declared that wait for their case."""
    from .models import AudioVideoRecord

    return (AudioVideoRecord.objects.filter(declared_by_id=getattr(user, "pk", None), case__isnull=True)
            .select_related("agency", "upload").prefetch_related("handovers").order_by("-ended_at", "-id"))


def usable_uploads(user, agency):
    """The user's completed uploads for `agency` that no evidence item, recording or paper original uses yet."""
    return (Upload.objects.filter(owner_id=getattr(user, "pk", None), agency=agency, completed_at__isnull=False)
            .filter(evidence_items__isnull=True, recording__isnull=True, paper_original__isnull=True)
            .order_by("-completed_at", "-id"))
