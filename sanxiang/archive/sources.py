"""The records of a case (案件记录), whatever app keeps them: documents now, evidence items and
audio-video records when the records app has them.

Each app that keeps records of a case registers one function `source(case) -> list[CaseRecord]`
with `register_source`; the case file, the completeness check, archiving and the export all read
the records through `records_of(case)` and never import the record models themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class RecordFile:
    """One stored file of a record, as its ledger entry lists it (`files=`)."""

    role: str  # "pdf", "docx", "original", …: which rendition this is
    path: str  # in sanxiang.storage
    sha256: str
    sm3: str
    size: int
    suffix: str = ""  # the file's type as a name suffix ("mp4", "jpg"); stored paths have none

    @property
    def extension(self) -> str:
        return (self.suffix or self.role).lower().lstrip(".")


@dataclass(frozen=True)
class CaseRecord:
    """案件记录 — one document, evidence item or recording of a case, as the archive sees it."""

    kind: str            # e.g. "document:penalty_decision", "evidence:documentary", "av"
    title: str           # 题名, e.g. "行政处罚决定书"
    number: str          # 文号 or item number, "" if none
    made_on: dt.date | None
    object_type: str     # ledger object type of the record's row
    object_id: str
    files: tuple[RecordFile, ...] = ()
    volume_hint: str = ""  # "main" / "secondary" when the record knows its 卷 (else by kind)
    confidentiality: str = ""
    metadata: dict = field(default_factory=dict)
    # Other ledger objects whose entries belong to this record, e.g. the upload whose entry lists
    # the file's digests (records.upload `complete_upload`) for an evidence item made from it.
    also: tuple[tuple[str, str], ...] = ()


Source = Callable[[object], list[CaseRecord]]
_sources: dict[str, Source] = {}
_titles: dict[str, Callable[[], set[str]]] = {}


def register_source(name: str, source: Source, titles: Callable[[], set[str]] = set) -> None:
    """Register (or replace) the function that lists one app's records of a case, and the titles
    (题名) of the records it can make (what the completeness check may require)."""
    _sources[name] = source
    _titles[name] = titles


def known_titles() -> set[str]:
    return set().union(*(titles() for titles in _titles.values())) if _titles else set()


def records_of(case) -> list[CaseRecord]:
    """Every record of `case` from every registered source, oldest first."""
    out: list[CaseRecord] = []
    for source in _sources.values():
        out.extend(source(case))
    return sorted(out, key=lambda r: (r.made_on or dt.date.max, r.object_type, _numeric(r.object_id)))


def _numeric(value: str):
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


# ---- documents (执法文书) ---------------------------------------------------------------------

def _documents(case) -> list[CaseRecord]:
    from sanxiang.documents.dates import written_on  # 成文日期: the date the document states
    from sanxiang.documents.models import Document, DocumentStatus

    out = []
    docs = list(Document.objects.filter(case=case).exclude(status=DocumentStatus.FAILED).order_by("created_at", "id"))
    replaced = {d.replaces_id for d in docs if d.replaces_id}
    for doc in docs:
        files = [RecordFile("docx", doc.docx_path, doc.docx_sha256, doc.docx_sm3, doc.docx_size)]
        if doc.pdf_path:
            files.insert(0, RecordFile("pdf", doc.pdf_path, doc.pdf_sha256, doc.pdf_sm3, doc.pdf_size or 0))
        out.append(CaseRecord(
            kind=f"document:{doc.kind}", title=doc.get_kind_display(), number=doc.number,
            made_on=written_on(doc), object_type=doc.ledger_type(), object_id=str(doc.pk),
            files=tuple(files), confidentiality=doc.confidentiality or case.confidentiality,
            metadata={"status": doc.get_status_display(), "issued": doc.status == DocumentStatus.ISSUED,
                      "replaces": str(doc.replaces_id or ""),
                      **({"correction_reason": doc.fields.get("correction_reason", "")} if doc.replaces_id else {}),
                      **({"supplement_reason": doc.fields["supplement_reason"]}
                         if doc.fields.get("supplement_reason") else {}),
                      "seal_certificate_sha256": doc.seal_certificate_sha256,
                      "superseded": doc.pk in replaced, "created_at": doc.created_at.isoformat(), **_form_of(doc)}))
    return out


def _form_of(doc) -> dict:
    """An archive form's (卷宗封面, 卷内文件目录, 卷内备考表) volume and the entries it lists, to compare
    with the volume as it stands (a form made before the file changed is stale)."""
    from sanxiang.documents.kinds import ARCHIVE_KINDS

    from .casefile import form_keys

    if doc.kind not in ARCHIVE_KINDS:
        return {}
    context = (doc.fields or {}).get("context") or {}
    return {"form_volume": context.get("volume") or "正卷",
            "form_entries": form_keys(context.get("entries") or [])}


def _document_titles() -> set[str]:
    from sanxiang.documents.models import DocumentKind

    return set(DocumentKind.labels)


register_source("documents", _documents, _document_titles)


def _paper_originals(case) -> list[CaseRecord]:
    """纸质原件: a document made on paper, registered by its scan as a document of its kind — it meets
    the requirement of that kind like a generated one. Frozen when registered (no 签发, no seal; its
    文号 only if the paper has one). The scan is a PDF (its pages counted) or an image (one page)."""
    from sanxiang.documents.models import PaperOriginal
    from sanxiang.documents.paper import scan_suffix

    out = []
    for row in PaperOriginal.objects.filter(case=case).select_related("upload").order_by("written_on", "id"):
        suffix = scan_suffix(row)
        out.append(CaseRecord(
            kind=f"document:{row.kind}", title=row.get_kind_display(), number=row.number, made_on=row.written_on,
            object_type=row.ledger_type(), object_id=str(row.pk),
            files=(RecordFile("pdf" if suffix == "pdf" else "scan", row.upload.path, row.upload.sha256, row.upload.sm3,
                              row.upload.length, suffix=suffix),),
            confidentiality=row.confidentiality, also=((row.upload.ledger_type(), str(row.upload_id)),),
            metadata={"paper": True, "issued": True, "signers": row.signers, "kept_at": row.kept_at,
                      "status": "纸质原件（扫描件）",
                      **({"supplement_reason": row.supplement_reason} if row.supplement_reason else {})}))
    return out


register_source("paper_originals", _paper_originals)


# ---- evidence items and audio-video records (the records app, issue 8 §2) --------------------
# Their files are the completed uploads', whose `complete_upload` entries list the digests.

def _upload_file(upload) -> tuple[RecordFile, ...]:
    if upload is None or not upload.path:
        return ()
    name = upload.filename or ""
    suffix = name.rsplit(".", 1)[-1] if "." in name else (upload.media_type or "").rsplit("/", 1)[-1]
    return (RecordFile("original", upload.path, upload.sha256, upload.sm3, upload.length, suffix=suffix[:10]),)


def _evidence(case) -> list[CaseRecord]:
    from sanxiang.records.models import AudioVideoRecord, EvidenceItem
    from sanxiang.records.queries import supplement_reasons

    out = []
    items = list(EvidenceItem.objects.filter(case=case).select_related("upload").order_by("created_at", "id"))
    reasons = supplement_reasons(items)
    for item in items:
        out.append(CaseRecord(
            kind=f"evidence:{item.kind}", title=item.title, number="", made_on=item.collected_on,
            object_type=item.ledger_type(), object_id=str(item.pk), files=_upload_file(item.upload),
            confidentiality=item.confidentiality, also=((item.upload.ledger_type(), str(item.upload_id)),),
            metadata={"kind": item.get_kind_display(), "source": item.source, "collected_by": item.collected_by,
                      "replaces": str(item.replaces_id or ""), **_confirmation(item),
                      **({"supplement_reason": reasons[item.pk]} if item.pk in reasons else {})}))
    for rec in AudioVideoRecord.objects.filter(case=case).select_related("upload").order_by("started_at", "id"):
        out.append(CaseRecord(
            kind="av:recording", title=rec.title, number="", made_on=timezone.localdate(rec.started_at),
            object_type=rec.ledger_type(), object_id=str(rec.pk), files=_upload_file(rec.upload),
            confidentiality=rec.confidentiality or case.confidentiality,
            also=((rec.upload.ledger_type(), str(rec.upload_id)),) if rec.upload_id else (),
            metadata={"place": rec.place, "device": rec.device, "recorder": rec.recorder,
                      "officers": rec.officers, **_confirmation(rec)}))
    return out


def _confirmation(row) -> dict:
    """当事人签名确认 in the record's metadata (decision 0089): date, who, and the signature's digests (the PNG is
    listed in the `confirm_record_by_party` entry of the record) — or the refusal's reason. A confirmation made
    before the signature was required says so (`party_signature_status` `not_captured`, 确认时未采集签名)."""
    if row.party_confirmed_on is None:
        return {}
    out = {"party_confirmed_on": row.party_confirmed_on.isoformat(), "party_confirmation": row.party_confirmation,
           "party_signer": row.party_signer, "party_signature_status": row.party_signature_status,
           "party_signature_label": row.party_signature_label}
    if row.party_signature_sha256:
        out.update(party_signature_sha256=row.party_signature_sha256, party_signature_sm3=row.party_signature_sm3)
    if row.party_refusal_reason:
        out["party_refusal_reason"] = row.party_refusal_reason
    return out


register_source("records", _evidence)
