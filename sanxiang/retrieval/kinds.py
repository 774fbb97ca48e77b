"""The kinds of record a case holds (案件记录), as the serving layer and 调阅 see them.

A record kind says how to find a record by id within a user's reach, which case it belongs to,
which files it has and how confidential it is. Documents (执法文书), evidence items (证据) and
audio-video records (音像记录) are registered here, at the end of this module.

A record's confidentiality is its own `confidentiality` field when it has one, else its case's mark —
raised to the strictest mark of any evidence item, audio-video record or paper original's scan (s23
tester8 #9, decision 0088) of the same agency holding the
same stored file (the same SHA-256; another agency's records never count, decision 0081): an evidence copy or a correction that reuses a confidential record's file never
serves it less guarded than its source (s21 tester8 #1, decision 0076).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sanxiang.orgs.marks import Confidentiality

# Marks above 内部: a purpose is asked for each look, and downloads carry a watermark.
CONFIDENTIAL = {Confidentiality.WORK_SECRET, Confidentiality.BUSINESS_SECRET, Confidentiality.PERSONAL_PRIVACY,
                Confidentiality.STATE_SECRET}


@dataclass(frozen=True)
class FileRef:
    """One stored file of a record: where it is, its digest and size, how to name and type it."""

    path: str
    sha256: str
    size: int
    content_type: str
    filename: str
    label: str

    @property
    def is_player_media(self) -> bool:
        return self.content_type.startswith(("video/", "audio/"))

    @property
    def is_watermarkable(self) -> bool:
        """A copy can carry the reader's name and time (PDF, images): what a guarded record serves."""
        from .watermark import applies_to

        return applies_to(self.content_type)

    @property
    def guarded_copy(self) -> str:
        """What a guarded look gets of this file: watermark, player, native or refused (serving.guarded_copy)."""
        from .serving import guarded_copy

        return guarded_copy(self)

    @property
    def download_only(self) -> bool:
        """电子数据 in its native form (text, HTML, e-mail, zip): served only as an attachment."""
        from sanxiang.records.content import is_electronic_data

        return is_electronic_data(self.content_type)

    @property
    def is_viewable(self) -> bool:
        """Shown in the browser (PDF, images, audio, video): what a view-only 调阅 grant may open; a
        Word file or anything else the browser can only save is a download in practice."""
        return self.content_type == "application/pdf" or self.content_type.startswith(("image/", "video/", "audio/"))


@dataclass(frozen=True)
class RecordKind:
    """记录种类 — one model whose rows are records of a case, and how to read them."""

    key: str
    label: str
    model: type
    files: Callable[[object], dict[str, FileRef]]
    case_path: str = "case"
    name: Callable[[object], str] = str
    related: tuple[str, ...] = field(default=("case", "case__agency", "case__unit"))

    def case_of(self, record):
        obj = record
        for part in self.case_path.split("__"):
            obj = getattr(obj, part)
        return obj


_kinds: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    _kinds[kind.key] = kind
    return kind


def get(key: str) -> RecordKind | None:
    return _kinds.get(key)


def all_kinds() -> list[RecordKind]:
    return list(_kinds.values())


def kind_of(record) -> RecordKind:
    for kind in _kinds.values():
        if isinstance(record, kind.model):
            return kind
    raise LookupError(f"{type(record).__name__} is not a registered record kind")


def own_mark(record, case) -> str:
    """The record's own mark (or its case's), not raised by records sharing its file."""
    return getattr(record, "confidentiality", None) or case.confidentiality


def file_marks(digests, agency_id) -> dict[str, list[str]]:
    """SHA-256 -> the marks of every evidence item and audio-video record **of the agency** `agency_id`
    holding a stored file with those bytes (two queries for any number of files). Another agency's
    records never raise a mark: a mark is the agency's own record's (decision 0081, s22 tester8 #1)."""
    from sanxiang.documents.models import PaperOriginal
    from sanxiang.records.models import AudioVideoRecord, EvidenceItem

    digests = {d for d in digests if d}
    out: dict[str, list[str]] = {}
    if not digests:
        return out
    # paper originals' scans count too (s23 tester8 #9, decision 0088)
    for model, mine in ((EvidenceItem, {"case__agency_id": agency_id}), (AudioVideoRecord, {"agency_id": agency_id}),
                        (PaperOriginal, {"case__agency_id": agency_id})):
        for sha, mark in model.objects.filter(upload__sha256__in=digests, **mine).values_list("upload__sha256",
                                                                                            "confidentiality"):
            out.setdefault(sha, []).append(mark)
    return out


def _digest_of(record) -> str:
    upload = getattr(record, "upload", None) if hasattr(record, "upload_id") else None
    return upload.sha256 if upload is not None and upload.sha256 else ""


def confidentiality(record, case, shared: dict | None = None) -> str:
    """The mark a record is guarded by: its own, raised to the strictest of the records holding the same
    file (`shared`: a `file_marks` answer computed once for a list; else queried here)."""
    from sanxiang.orgs.marks import strictest

    own = own_mark(record, case)
    sha = _digest_of(record)
    if not sha or not isinstance(record, _shared_models()):
        return own
    marks = (shared if shared is not None else file_marks([sha], case.agency_id)).get(sha, [])
    return strictest(own, marks)


def _shared_models() -> tuple:
    from sanxiang.documents.models import PaperOriginal
    from sanxiang.records.models import AudioVideoRecord, EvidenceItem

    return (EvidenceItem, AudioVideoRecord, PaperOriginal)


def shared_marks_of(records, case) -> dict[str, list[str]]:
    """`file_marks` for the files of `records` (a case's list), within the case's agency."""
    return file_marks((_digest_of(r) for r in records if isinstance(r, _shared_models())), case.agency_id)


def is_confidential(mark: str) -> bool:
    return mark in CONFIDENTIAL


# ---- documents (执法文书) ---------------------------------------------------------------------------

def _document_files(document) -> dict[str, FileRef]:
    label = document.get_kind_display()
    files = {}
    if document.pdf_path:
        files["pdf"] = FileRef(document.pdf_path, document.pdf_sha256, document.pdf_size or 0, "application/pdf",
                               f"{label}.pdf", "PDF")
    if document.docx_path:
        files["docx"] = FileRef(
            document.docx_path, document.docx_sha256, document.docx_size,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", f"{label}.docx", "Word 文档")
    return files


def _register_documents():
    from sanxiang.documents.models import Document

    register(RecordKind("document", "执法文书", Document, files=_document_files,
                        name=lambda d: f"{d.get_kind_display()} {d.number}"))


_register_documents()


def _paper_files(row) -> dict[str, FileRef]:
    from sanxiang.documents.paper import scan_suffix

    upload = row.upload
    return {"scan": FileRef(upload.path, upload.sha256, upload.length, row.media_type,
                            f"{row.get_kind_display()}（纸质原件扫描件）.{scan_suffix(row)}", "扫描件")}


def _register_paper_originals():
    from sanxiang.documents.models import PaperOriginal

    register(RecordKind("paper", "纸质原件", PaperOriginal, files=_paper_files,
                        name=lambda r: f"{r.get_kind_display()}（纸质原件）{r.number}".rstrip(),
                        related=("case", "case__agency", "case__unit", "upload")))


_register_paper_originals()


# ---- evidence items and audio-video records (证据、音像记录) --------------------------------------

def _upload_file(upload, title) -> dict[str, FileRef]:
    from sanxiang.records.naming import download_name

    if upload is None or not upload.complete:
        return {}
    # Saved under the record's title, not the name it was uploaded under (DSC_0001.JPG).
    return {"file": FileRef(upload.path, upload.sha256, upload.length, upload.media_type or "application/octet-stream",
                            download_name(title, upload), "原件")}


def _register_records():
    from sanxiang.records.models import AudioVideoRecord, EvidenceItem

    register(RecordKind("evidence", "证据", EvidenceItem, files=lambda item: _upload_file(item.upload, item.title),
                        related=("case", "case__agency", "case__unit", "upload")))
    # A recording held unattached has no case yet: it is served once linked (its declarer sees it on
    # 我的音像记录 without the serving layer's case-bound log).
    register(RecordKind("recording", "音像记录", AudioVideoRecord,
                        files=lambda rec: _upload_file(rec.upload, rec.title),
                        related=("case", "case__agency", "case__unit", "upload")))


_register_records()
