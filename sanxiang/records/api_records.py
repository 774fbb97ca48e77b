"""证据与音像记录 API (`/api/v1/records/`): the same actions, access policy and errors as the pages."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.responses import Status

from sanxiang.api.errors import error_responses
from sanxiang.cases.queries import api_case as case_api_case
from sanxiang.core.errors import NotFound, RuleViolation
from sanxiang.core.inputs import request_user

from . import catalogue, queries
from . import evidence as E
from .actions import upload_agencies
from .models import AudioVideoRecord, EvidenceItem

router = Router(tags=["records"])
WRITE = error_responses(400, 401, 403, 404, 409, 422)


_user = request_user


def _case(request, case_id):
    return case_api_case(request, case_id, required=True)


def _upload(request, upload_id):
    if upload_id in (None, ""):
        return None
    found = queries.upload_for(_user(request), upload_id)
    if found is None:
        raise NotFound("未找到该上传，或您无权查看。", code="upload_not_found")
    return found


def _item(request, pk) -> EvidenceItem:
    found = queries.evidence_for(_user(request), pk)
    if found is None:
        raise NotFound("未找到该证据，或您无权查看。", code="evidence_not_found")
    return found


def _recording(request, pk) -> AudioVideoRecord:
    found = queries.recording_for(_user(request), pk)
    if found is None:
        raise NotFound("未找到该音像记录，或您无权查看。", code="recording_not_found")
    return found


class StoredFileOut(Schema):
    upload_id: int
    filename: str
    media_type: str
    type_label: str
    size: int
    sha256: str
    sm3: str


def _file(upload) -> dict | None:
    if upload is None:
        return None
    return {"upload_id": upload.pk, "filename": upload.filename, "media_type": upload.media_type,
            "type_label": upload.type_label, "size": upload.length, "sha256": upload.sha256, "sm3": upload.sm3}


class ExtractionIn(Schema):
    method: str = ""
    medium: str = ""
    extracted_at: str = ""
    digest: str = ""
    officers: str = ""


class EvidenceFields(Schema):
    kind: str
    title: str
    source: str
    collected_on: str
    collected_by: str
    content: str = ""
    occurred_at: str | None = None
    place: str = ""
    officers: str = ""
    recorder: str = ""
    purpose: str = ""
    transcript: str = ""
    confidentiality: str | None = None
    extraction: ExtractionIn | None = None


class EvidenceIn(EvidenceFields):
    case_id: int
    upload_id: int | None = None
    recording_id: int | None = None
    supplement_reason: str = ""  # 归档后补充: required on an archived case, refused on any other


class CorrectionIn(EvidenceFields):
    upload_id: int | None = None
    correction_reason: str = ""  # 更正原因: required (what was wrong, how it is corrected)


class EvidenceOut(Schema):
    id: int
    case_id: int
    kind: str
    kind_label: str
    title: str
    content: str
    occurred_at: dt.datetime | None
    place: str
    officers: str
    recorder: str
    purpose: str
    source: str
    collected_on: dt.date
    collected_by: str
    transcript: str
    confidentiality: str
    extraction: dict | None
    recording_id: int | None
    copy_note: str
    party_confirmed_on: dt.date | None
    party_confirmation: str = ""
    party_signer: str = ""  # who signed (or refused to sign) the confirmation
    party_signature_sha256: str = ""  # the handwritten signature's digest; "" for a refusal
    party_refusal_reason: str = ""
    party_signature_status: str = ""  # signed | refused | not_captured (confirmed before decision 0089) | ""
    party_signature_label: str = ""  # 当事人手写签名 / 当事人拒绝签名（…） / 确认时未采集签名
    replaces_id: int | None
    corrected_by_id: int | None
    correction_reason: str = ""
    file: StoredFileOut
    created_at: dt.datetime
    content_withheld: bool = False  # its text is read at content_url, with a purpose and 查阅留痕
    content_url: str | None = None
    supplement_reason: str = ""  # 归档后补充原因 (an item registered after its case was archived)


def _withholder(request, case):
    """`f(record) -> bool`: the record's text is withheld from this caller (retrieval/content.py)."""
    from sanxiang.retrieval.content import withholder

    return withholder(request.user, case)


def _withhold(out: dict, kind: str, names, withheld: bool) -> dict:
    """A guarded record's text goes out blank, saying where it is read (purpose and 查阅留痕)."""
    from sanxiang.retrieval.content import BLANK

    out["content_withheld"] = withheld
    out["content_url"] = f"/api/v1/retrieval/records/{kind}/{out['id']}/content" if withheld else None
    if withheld:
        out.update({name: BLANK.get(name, "") for name in names})
    return out


def _evidence_out(item: EvidenceItem, withheld: bool = False, reasons: dict | None = None) -> dict:
    from sanxiang.retrieval.content import EVIDENCE_FIELDS

    return _withhold(_evidence_fields(item, reasons), "evidence", EVIDENCE_FIELDS, withheld)


def _ev(request, item: EvidenceItem, withheld=None, reasons: dict | None = None) -> dict:
    """EvidenceOut for this caller: the text withheld where a look at the file asks a purpose."""
    withheld = withheld or _withholder(request, item.case)
    return _evidence_out(item, withheld(item), reasons)


def _evidence_fields(item: EvidenceItem, reasons: dict | None = None) -> dict:
    reasons = queries.supplement_reasons([item]) if reasons is None else reasons
    correction = min(item.corrections.all(), key=lambda c: c.pk, default=None)  # prefetched on lists
    extraction = None
    if item.kind == "electronic":
        extraction = {"method": item.extraction_method, "medium": item.extraction_medium,
                      "extracted_at": item.extracted_at, "digest": item.extraction_digest,
                      "officers": item.extraction_officers}
    return {"id": item.pk, "case_id": item.case_id, "kind": item.kind, "kind_label": item.get_kind_display(),
            "title": item.title, "content": item.content, "occurred_at": item.occurred_at, "place": item.place,
            "officers": item.officers, "recorder": item.recorder, "purpose": item.purpose, "source": item.source,
            "collected_on": item.collected_on, "collected_by": item.collected_by, "transcript": item.transcript,
            "confidentiality": item.confidentiality, "extraction": extraction, "recording_id": item.recording_id,
            "copy_note": item.copy_note, **_confirmation_fields(item),
            "replaces_id": item.replaces_id, "corrected_by_id": correction.pk if correction else None,
            "correction_reason": item.correction_reason, "file": _file(item.upload), "created_at": item.created_at,
            "supplement_reason": reasons.get(item.pk, "")}


def _confirmation_fields(row) -> dict:
    """当事人签名确认 of an evidence item or a recording, as the API gives it (decision 0089): a confirmation made
    before the signature was required says so (`not_captured`, 确认时未采集签名), not an empty signature."""
    return {"party_confirmed_on": row.party_confirmed_on, "party_confirmation": row.party_confirmation,
            "party_signer": row.party_signer, "party_signature_sha256": row.party_signature_sha256,
            "party_refusal_reason": row.party_refusal_reason, "party_signature_status": row.party_signature_status,
            "party_signature_label": row.party_signature_label}


def _fields(data: EvidenceFields) -> dict:
    fields = data.dict(exclude={"case_id", "upload_id", "recording_id"})
    fields["extraction"] = data.extraction.dict() if data.extraction else None
    return fields


@router.get("/evidence", response={200: list[EvidenceOut], **error_responses(400, 401, 404, 422)}, summary="案件的证据")
def list_evidence(request, case_id: int | None = None):
    case = _case(request, case_id)
    withheld = _withholder(request, case)
    items = list(queries.evidence_of(request.user, case))
    reasons = queries.supplement_reasons(items)
    return Status(200, [_ev(request, i, withheld, reasons) for i in items])


@router.post("/evidence", response={201: EvidenceOut, **WRITE}, summary="登记证据（来自本人已完成的上传）")
def register_evidence(request, data: EvidenceIn):
    case = _case(request, data.case_id)
    recording = _recording(request, data.recording_id) if data.recording_id is not None else None
    item = E.do_register_evidence(case, _upload(request, data.upload_id), recording=recording, actor=request.user,
                                  **_fields(data))
    return Status(201, _ev(request, item))


@router.get("/evidence/{item_id}", response={200: EvidenceOut, **error_responses(401, 404)}, summary="证据")
def get_evidence(request, item_id: str):
    return Status(200, _ev(request, _item(request, item_id)))


@router.post("/evidence/{item_id}/correct", response={201: EvidenceOut, **WRITE},
             summary="更正证据（新证据替代原证据，原证据保留并标为已更正）")
def correct_evidence(request, item_id: str, data: CorrectionIn):
    item = E.do_correct_evidence(_item(request, item_id), _upload(request, data.upload_id), actor=request.user,
                                 **_fields(data))
    return Status(201, _ev(request, item))


class ConfirmIn(Schema):
    on: str
    party_name: str = ""
    party_png: str = ""  # the party's handwritten signature: a PNG, base64 or a data URL (the 笔录's pad)
    refusal_reason: str = ""  # instead of party_png: the party refused to sign, and why
    note: str = ""


def _confirm(request, record, data: ConfirmIn):
    """当事人签名确认 of an evidence item or a recording: the page's service call (`do_confirm_by_party`, its guards
    and errors); a signature that is not base64 or a data URL is refused as such, not taken as missing."""
    from sanxiang.documents.api import _png

    png = None
    if data.party_png.strip():
        png = _png(data.party_png.strip())
        if not png:
            raise RuleViolation("当事人签名（party_png）应为 PNG 图片的 base64 编码或 data URL。", field="party_png")
    return E.do_confirm_by_party(record, on=data.on, party_name=data.party_name, party_png=png,
                                 refusal_reason=data.refusal_reason, note=data.note, actor=request.user)


@router.post("/evidence/{item_id}/confirm", response={200: EvidenceOut, **WRITE},
             summary="登记当事人签名确认（手写签名，或注明拒绝签名的理由）")
def confirm_evidence(request, item_id: str, data: ConfirmIn):
    return Status(200, _ev(request, _confirm(request, _item(request, item_id), data)))


# ---- 音像记录 -----------------------------------------------------------------------------------

class HandoverOut(Schema):
    handed_by: str
    received_by: str
    received_by_user: str | None = None  # the receiver's account (username), when the receiver is a user
    handed_at: dt.datetime
    medium: str
    place: str
    note: str


class RecordingOut(Schema):
    id: int
    case_id: int | None
    act: str
    act_label: str
    title: str
    content: str
    party: str
    officers: str
    recorder: str
    started_at: dt.datetime
    ended_at: dt.datetime
    place: str
    device: str
    purpose: str
    opening_statement: str
    party_informed: bool
    interruptions: str
    remote_work: bool
    returned_at: dt.datetime | None
    transcript: str
    confidentiality: str
    stored_at: dt.datetime | None
    stored_late: bool
    late_reason: str
    upload_due: str | None
    missing_metadata: list[str]
    uncovered_act: str  # the act named that the case has not done when this was recorded ("" if none)
    file: StoredFileOut | None
    handovers: list[HandoverOut]
    party_confirmed_on: dt.date | None = None  # 当事人签名确认 (株洲 records.av_print_and_sign), as on evidence
    party_confirmation: str = ""
    party_signer: str = ""
    party_signature_sha256: str = ""
    party_refusal_reason: str = ""
    party_signature_status: str = ""  # signed | refused | not_captured (confirmed before decision 0089) | ""
    party_signature_label: str = ""
    content_withheld: bool = False  # its text is read at content_url, with a purpose and 查阅留痕
    content_url: str | None = None


def _recording_out(rec: AudioVideoRecord, duties: dict | None = None, acts: list | None = None, *,
                   withheld: bool = False) -> dict:
    from sanxiang.retrieval.content import RECORDING_FIELDS

    return _withhold(_recording_fields(rec, duties, acts), "recording", RECORDING_FIELDS, withheld)


def _rec(request, rec: AudioVideoRecord, duties=None, acts=None, withheld=None) -> dict:
    """RecordingOut for this caller (its text withheld as for evidence; unattached: its declarer's)."""
    from sanxiang.retrieval.content import withheld_unattached

    if rec.case_id is None:
        hidden = withheld_unattached(request.user, rec)
    else:
        hidden = (withheld or _withholder(request, rec.case))(rec)
    return _recording_out(rec, duties, acts, withheld=hidden)


def _recording_fields(rec: AudioVideoRecord, duties: dict | None = None, acts: list | None = None) -> dict:
    ob = duties.get(rec.pk) if duties is not None else E.upload_obligation(rec)
    due = None
    if ob is not None:
        due = (ob.due_at or ob.due).isoformat()
    return {"id": rec.pk, "case_id": rec.case_id, "act": rec.act, "act_label": catalogue.ACTS.get(rec.act, ""),
            **{f: getattr(rec, f) for f in ("title", "content", "party", "officers", "recorder", "started_at",
                                            "ended_at", "place", "device", "purpose", "opening_statement",
                                            "party_informed", "interruptions", "remote_work", "returned_at",
                                            "transcript", "confidentiality", "stored_at", "stored_late",
                                            "late_reason")},
            "upload_due": due, "missing_metadata": E.missing_metadata(rec), "file": _file(rec.upload),
            "uncovered_act": catalogue.uncovered_act(rec, acts), **_confirmation_fields(rec),
            "handovers": [{f: getattr(h, f) for f in ("handed_by", "received_by", "handed_at", "medium", "place",
                                                       "note")}
                          | {"received_by_user": h.received_by_user.get_username() if h.received_by_user_id else None}
                          for h in rec.handovers.all()]}


class RecordingIn(Schema):
    case_id: int | None = None
    agency: str = ""  # the agency's code, when the recording has no case and the officer serves several
    upload_id: int | None = None
    act: str = ""
    title: str
    officers: str
    recorder: str
    started_at: str
    ended_at: str
    place: str
    device: str
    content: str = ""
    party: str = ""
    purpose: str = ""
    opening_statement: str = ""
    party_informed: bool = False
    interruptions: str = ""
    remote_work: bool = False
    returned_at: str | None = None
    transcript: str = ""
    confidentiality: str | None = None
    late_reason: str = ""  # required when the file given is stored late (逾期存储)
    return_reason: str = ""  # remote work: required when the return is days after the recording (s23 #11)


@router.get("/recordings", response={200: list[RecordingOut], **error_responses(400, 401, 404, 422)},
            summary="案件的音像记录；不带 case_id 时为本人待关联案件的音像记录")
def list_recordings(request, case_id: int | None = None):
    user = _user(request)
    rows = list(queries.recordings_of(user, _case(request, case_id)) if case_id is not None
                else queries.unattached_recordings(user))
    duties = E.upload_obligations(rows)
    acts = catalogue.occurrences(rows[0].case) if case_id is not None and rows else None
    withheld = _withholder(request, rows[0].case) if case_id is not None and rows else None
    return Status(200, [_rec(request, r, duties, acts, withheld) for r in rows])


@router.post("/recordings", response={201: RecordingOut, **WRITE},
             summary="登记音像记录（存储时限自记录结束起算；带 upload_id 则同时存储）")
def declare_recording(request, data: RecordingIn):
    user = _user(request)
    case = _case(request, data.case_id) if data.case_id is not None else None
    if case is not None:
        agency = case.agency
    else:
        agencies = [a for a in upload_agencies(user) if not data.agency or a.code == data.agency]
        if not agencies:
            raise NotFound("未找到该执法主体，或您不是其在职工作人员。", code="agency_not_found")
        if len(agencies) > 1:
            raise RuleViolation("您在多个执法主体任职，请指定执法主体（agency）。", field="agency")
        agency = agencies[0]
    fields = data.dict(exclude={"case_id", "agency", "upload_id"})
    rec = E.do_declare_recording(agency, case=case, upload=_upload(request, data.upload_id), actor=user, **fields)
    return Status(201, _rec(request, rec))


@router.get("/recordings/{recording_id}", response={200: RecordingOut, **error_responses(401, 404)},
            summary="音像记录")
def get_recording(request, recording_id: str):
    return Status(200, _rec(request, _recording(request, recording_id)))


class StoreIn(Schema):
    upload_id: int
    late_reason: str = ""  # required when stored late (逾期存储): the reason of the delay


@router.post("/recordings/{recording_id}/upload", response={200: RecordingOut, **WRITE},
             summary="存储音像记录的文件（履行存储时限）")
def store_recording(request, recording_id: str, data: StoreIn):
    rec = E.do_attach_recording_upload(_recording(request, recording_id), _upload(request, data.upload_id),
                                       late_reason=data.late_reason, actor=request.user)
    return Status(200, _rec(request, rec))


class CaseRef(Schema):
    case_id: int


@router.post("/recordings/{recording_id}/link", response={200: RecordingOut, **WRITE}, summary="音像记录关联案件")
def link_recording(request, recording_id: str, data: CaseRef):
    rec = E.do_link_recording(_recording(request, recording_id), _case(request, data.case_id), actor=request.user)
    return Status(200, _rec(request, rec))


class HandoverIn(Schema):
    handed_by: str | None = None  # the 移交人 is the caller: if given, the caller's name (decision 0085)
    received_by: str
    handed_at: str
    medium: str
    place: str
    note: str = ""
    receiver_id: int | None = None  # the receiver's account (a user of the agency who may hold the original);
    # default: the only user of the agency with that name


@router.post("/recordings/{recording_id}/handovers", response={201: RecordingOut, **WRITE},
             summary="登记音像记录原件移交")
def hand_over(request, recording_id: str, data: HandoverIn):
    rec = _recording(request, recording_id)
    fields = data.dict()
    E.do_hand_over_recording(rec, actor=request.user, receiver=fields.pop("receiver_id"), **fields)
    return Status(201, _rec(request, queries.recording_for(request.user, rec.pk)))


@router.post("/recordings/{recording_id}/confirm", response={200: RecordingOut, **WRITE},
             summary="登记当事人对音像记录（文字记录）的签名确认（手写签名，或注明拒绝签名的理由）")
def confirm_recording(request, recording_id: str, data: ConfirmIn):
    return Status(200, _rec(request, _confirm(request, _recording(request, recording_id), data)))


# ---- 音像记录事项清单 and the acts not recorded ----------------------------------------------------

class MissingOut(Schema):
    occurrence: str
    act: str
    act_label: str
    on: dt.date
    description: str
    tier: str
    tier_label: str
    blocks_closing: bool
    needs_reason: bool
    status_label: str
    pending_recording_id: int | None = None
    waiver: dict | None


def _missing_out(m: catalogue.Missing) -> dict:
    waiver = None
    if m.waiver is not None:
        waiver = {"kind": m.waiver.kind, "kind_label": m.waiver.get_kind_display(), "reason": m.waiver.reason,
                  "given_at": m.waiver.given_at.isoformat()}
    return {"occurrence": m.occurrence.ref, "act": m.occurrence.act, "act_label": catalogue.ACTS[m.occurrence.act],
            "on": m.occurrence.on, "description": m.occurrence.description, "tier": m.tier,
            "tier_label": m.tier_label, "blocks_closing": m.blocks_closing, "needs_reason": m.needs_reason,
            "status_label": m.status_label, "pending_recording_id": m.pending.pk if m.pending is not None else None,
            "waiver": waiver}


@router.get("/cases/{case_id}/missing", response={200: list[MissingOut], **error_responses(401, 404)},
            summary="本案未音像记录的执法活动（按本机关音像记录事项清单）")
def missing(request, case_id: str):
    return Status(200, [_missing_out(m) for m in catalogue.missing_recordings(_case(request, case_id))])


class WaiverIn(Schema):
    occurrence: str
    reason: str


@router.post("/cases/{case_id}/missing/exception", response={200: list[MissingOut], **WRITE},
             summary="批准例外（应全程音像记录而未记录，负责人说明理由）")
def approve_exception(request, case_id: str, data: WaiverIn):
    case = _case(request, case_id)
    E.do_approve_recording_exception(case, data.occurrence, reason=data.reason, actor=request.user)
    return Status(200, [_missing_out(m) for m in catalogue.missing_recordings(case)])


@router.post("/cases/{case_id}/missing/reason", response={200: list[MissingOut], **WRITE},
             summary="说明未音像记录的理由（宜音像记录的事项）")
def explain_missing(request, case_id: str, data: WaiverIn):
    case = _case(request, case_id)
    E.do_explain_missing_recording(case, data.occurrence, reason=data.reason, actor=request.user)
    return Status(200, [_missing_out(m) for m in catalogue.missing_recordings(case)])


class CatalogueEntryOut(Schema):
    act: str
    label: str
    tier: str
    tier_label: str
    phrases: list[str]


class CatalogueOut(Schema):
    agency: str
    entries: list[CatalogueEntryOut]
    principles: list[str]


@router.get("/catalogue", response={200: CatalogueOut, **error_responses(401, 404)},
            summary="本机关的音像记录事项清单（来自规则配置）")
def show_catalogue(request, agency: str = ""):
    user = _user(request)
    agencies = [a for a in upload_agencies(user) if not agency or a.code == agency]
    if not agencies:
        raise NotFound("未找到该执法主体，或您不是其在职工作人员。", code="agency_not_found")
    listed = catalogue.catalogue(agencies[0])
    return Status(200, {"agency": agencies[0].code, "principles": listed.principles,
                        "entries": [{"act": e.act, "label": e.label, "tier": e.tier, "tier_label": e.tier_label,
                                     "phrases": e.phrases} for e in listed.entries.values()]})


@router.get("/uploads", response={200: list[StoredFileOut], **error_responses(400, 401, 404, 422)},
            summary="本人已完成、尚未登记的上传（用于登记证据或音像记录）")
def my_uploads(request, case_id: int | None = None):
    case = _case(request, case_id)
    return Status(200, [_file(u) for u in queries.usable_uploads(request.user, case.agency)])


# ---- GET on the paths of the acts: what the act would change (every API path answers GET) ----------

@router.get("/evidence/{item_id}/correct", response={200: EvidenceOut, **error_responses(401, 404)},
            summary="待更正的证据")
def correction_target(request, item_id: str):
    return Status(200, _ev(request, _item(request, item_id)))


@router.get("/evidence/{item_id}/confirm", response={200: EvidenceOut, **error_responses(401, 404)},
            summary="证据的当事人确认情况")
def confirmation_of(request, item_id: str):
    return Status(200, _ev(request, _item(request, item_id)))


@router.get("/recordings/{recording_id}/confirm", response={200: RecordingOut, **error_responses(401, 404)},
            summary="音像记录的当事人确认情况")
def recording_confirmation_of(request, recording_id: str):
    return Status(200, _rec(request, _recording(request, recording_id)))


@router.get("/recordings/{recording_id}/upload", response={200: RecordingOut, **error_responses(401, 404)},
            summary="音像记录的存储情况")
def storage_of(request, recording_id: str):
    return Status(200, _rec(request, _recording(request, recording_id)))


@router.get("/recordings/{recording_id}/link", response={200: RecordingOut, **error_responses(401, 404)},
            summary="音像记录关联的案件")
def link_of(request, recording_id: str):
    return Status(200, _rec(request, _recording(request, recording_id)))


@router.get("/recordings/{recording_id}/handovers", response={200: list[HandoverOut], **error_responses(401, 404)},
            summary="音像记录原件的移交")
def handovers_of(request, recording_id: str):
    return Status(200, _rec(request, _recording(request, recording_id))["handovers"])


@router.get("/cases/{case_id}/missing/exception", response={200: list[MissingOut], **error_responses(401, 404)},
            summary="本案未音像记录的执法活动（批准例外前查看）")
def missing_before_exception(request, case_id: str):
    return Status(200, [_missing_out(m) for m in catalogue.missing_recordings(_case(request, case_id))])


@router.get("/cases/{case_id}/missing/reason", response={200: list[MissingOut], **error_responses(401, 404)},
            summary="本案未音像记录的执法活动（说明理由前查看）")
def missing_before_reason(request, case_id: str):
    return Status(200, [_missing_out(m) for m in catalogue.missing_recordings(_case(request, case_id))])
