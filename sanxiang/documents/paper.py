"""纸质原件: registering a document made on paper, by its scan, as a document of its kind.

The scan is a completed upload of the handler's own (the records app's tus machinery: digests in one
pass, the type judged by the bytes). Registering freezes it: the row is never edited, its ledger entry
lists the scan's digests, and the case file counts it as that kind of document (archive/sources.py).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sanxiang.access.policy import can
from sanxiang.core import inputs
from sanxiang.core.errors import Conflict, NotPermitted, RuleViolation
from sanxiang.ledger.actions import append_entry

from . import kinds
from .actions import _supplement_reason, making_guard
from .models import Document, DocumentKind, DocumentStatus, PaperOriginal

# The usual scan formats (纸质档案数字化 practice, DA/T 31 — its text is not in legal-rules.md, not verified);
# judged by the upload's bytes.
SCAN_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/tiff": "tif"}


# The kinds whose paper original passes the whole guard of generating them (state and prerequisites): the
# decisions, and what presupposes a step done — a 送达回证 (something served), a 结案审批表 (the case ended),
# a 整改复查记录 (its issued order). Records of the investigation are registered whatever the state now.
STATE_BOUND = {*kinds.SERVED_KINDS, DocumentKind.SERVICE_RECEIPT, DocumentKind.CLOSING_APPROVAL,
                                    DocumentKind.RECTIFICATION_RECHECK}


def kinds_for(case) -> list[tuple[str, str]]:
    """The document kinds a paper original may be registered as in `case`: those its kind of case
    uses (any state), not the archive's own forms (generated at 立卷)."""
    table = case.workflow_table()
    return [(spec.kind, spec.label) for spec in kinds.SPECS.values()
            if table in spec.where and spec.kind not in kinds.ARCHIVE_KINDS]


def _text(value, label, field, *, required, max_length) -> str:
    return inputs.text(value, label=label, field=field, max_length=max_length, required=required,
                       empty="请写明{label}。")


def _day(value, case) -> dt.date:
    value = inputs.day(value, field="written_on", label="成文日期", empty=inputs.REQUIRED, not_after_today=True,
                       invalid="成文日期须写成“年-月-日”，如 2026-11-24。", required="请写明成文日期。")
    if value < case.clue_on:
        raise RuleViolation(f"成文日期 {value:%Y-%m-%d} 早于本案的开始日期（{case.clue_on:%Y-%m-%d}），"
                            "不是本案的文书。", field="written_on")
    return value


@transaction.atomic
def do_register_paper_original(case, upload, *, kind, written_on, signers, kept_at, number="", actor,
                               supplement_reason="", confidentiality=None) -> PaperOriginal:
    """登记纸质原件: the scan (`upload`, a completed PDF or image of the actor's own) of a document of
    `kind` made on paper, with its 文号 (if any), 成文日期, signers and where the paper is kept. Refused,
    writing nothing: a kind the case's kind does not use, a date before the case began or in the future,
    a scan that is not a PDF or an image, an upload already used. The rules of generated documents
    hold (documents/actions.py, one rule in one place): on an archived case only as 归档后补充 with its
    `supplement_reason`; any kind only where generating it would be allowed (`actions.making_guard`:
    the case's state offers the kind, it does not contradict the case's decision, what it presupposes
    exists — a 整改复查记录 its issued order); a 文号 another document or paper original of the agency holds.
    Its 保密标识 (`confidentiality`, s23 tester8 #9, decision 0088): the one chosen, else the case's — never
    below the strictest mark of the agency's other records holding the same bytes (the evidence floor of
    decisions 0076/0081; not chosen: that mark; lower: 400 `confidentiality_below_source`)."""
    from sanxiang.cases.models import Case
    from sanxiang.records.evidence import _floor_mark, _mark_for_copy, file_record, own_upload
    from sanxiang.records.models import AudioVideoRecord, EvidenceItem

    case = Case.objects.select_related("agency").select_for_update(of=("self",)).get(pk=case.pk)
    if not can(actor, "generate_documents", case):
        raise NotPermitted(f"您无权登记案件{case.title}的文书。")
    allowed = dict(kinds_for(case))
    if kind not in allowed:
        label = DocumentKind(kind).label if kind in DocumentKind.values else kind
        raise RuleViolation(f"{case.get_kind_display()}案件不使用“{label}”，不能登记为本案的文书。", field="kind")
    supplement_reason = _supplement_reason(case, supplement_reason, None, act="登记文书")
    if kind in STATE_BOUND:  # where the generated kind may be made, no elsewhere (one guard)
        making_guard(case, kinds.SPECS[kind], act="登记")
    else:  # a record of the investigation (笔录…) is often scanned after the case moved on: no state rule
        conflict = kinds.decision_conflict(case, kind)
        if conflict:
            raise RuleViolation(conflict, field="kind", code="decision_contradicts")
    written_on = _day(written_on, case)
    number = _text(number, "文号", "number", required=False, max_length=100)
    if number:
        holder = (Document.objects.filter(agency_id=case.agency_id, number=number).exclude(status=DocumentStatus.FAILED)
                  .first() or PaperOriginal.objects.filter(case__agency_id=case.agency_id, number=number).first())
        if holder is not None:
            raise Conflict(f"文号“{number}”已由{holder}使用，同一机关的文号不能重复。", code="number_taken", field="number")
    signers = _text(signers, "签名人", "signers", required=True, max_length=300)
    kept_at = _text(kept_at, "纸质原件的保存位置", "kept_at", required=True, max_length=300)
    upload = own_upload(upload, case.agency, actor)
    if upload.media_type not in SCAN_TYPES:
        raise RuleViolation(f"扫描件须为 PDF 或图片（JPEG、PNG、TIFF），“{upload}”不是。", field="upload")
    for used in (EvidenceItem.objects.filter(upload=upload).first(), AudioVideoRecord.objects.filter(upload=upload).first(),
                 PaperOriginal.objects.filter(upload=upload).first()):
        if used is not None:
            raise Conflict(f"该文件已登记为{used}，不能再登记为纸质原件。", code="upload_already_used", field="upload")
    same = PaperOriginal.objects.filter(case=case, upload__sha256=upload.sha256).first()
    if same is not None:
        raise Conflict(f"内容相同的扫描件已登记为本案的{same}，不能重复登记。", code="paper_duplicate", field="upload")
    mark = _mark_for_copy(confidentiality, case.confidentiality, _floor_mark(upload, None, None, set(), case.agency))
    row = PaperOriginal.objects.create(
        case=case, kind=kind, number=number, written_on=written_on, signers=signers, kept_at=kept_at, upload=upload,
        media_type=upload.media_type, confidentiality=mark, supplement_reason=supplement_reason,
        created_by=actor if getattr(actor, "pk", None) is not None else None, created_at=timezone.now())
    append_entry(action="register_paper_original", actor=actor, obj=row, files=[file_record(upload)], payload={
        "case": case.number, "kind": kind, "title": allowed[kind], "number": number,
        "written_on": written_on.isoformat(), "signers": signers, "kept_at": kept_at, "confidentiality": mark,
        **({"supplement_reason": supplement_reason} if supplement_reason else {})})
    return row


def scan_suffix(row: PaperOriginal) -> str:
    return SCAN_TYPES.get(row.media_type, "")
