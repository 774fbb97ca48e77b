"""执法文书 API (`/api/v1/documents/`): the same actions, access policy and errors as the pages."""

from __future__ import annotations

import datetime as dt

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from sanxiang.access.policy import restrict
from sanxiang.api.errors import error_responses
from sanxiang.cases.queries import api_case as case_api_case
from sanxiang.core.errors import Conflict, NotFound
from sanxiang.core.inputs import request_user

from . import actions, kinds, queries
from .fill import MAX_TEMPLATE_BYTES
from .models import Document, DocumentStatus, DocumentTemplate

router = Router(tags=["documents"])

_PDF_RESPONSE = {"description": "文书的 PDF", "content": {"application/pdf": {"schema": {"type": "string",
                                                                                      "format": "binary"}}}}


_user = request_user


def _case(request, case_id):
    return case_api_case(request, case_id, required=True)


def _document(request, document_id) -> Document:
    found = queries.document_for(_user(request), document_id)
    if found is None:
        raise NotFound("未找到该文书，或您无权查看。", code="document_not_found")
    return found


class DocumentOut(Schema):
    id: int
    case_id: int
    kind: str
    kind_label: str
    number: str
    status: str
    status_label: str
    template_version: int
    national_template: bool
    fields: dict
    confidentiality: str
    docx_sha256: str
    pdf_sha256: str
    failure: str
    replaces_id: int | None
    correction_reason: str = ""
    order_superseded: str = ""  # a 整改复查记录 whose order was later corrected: says so (the record is unchanged)
    supplement_reason: str = ""  # 归档后补充原因 (a document made after its case was archived)
    created_at: dt.datetime
    issued_at: dt.datetime | None
    content_withheld: bool = False  # `fields` read at content_url, with a purpose and 查阅留痕
    content_url: str | None = None


def _out(document: Document, request=None, withheld=None) -> dict:
    """DocumentOut; the filled inputs (`fields`) withheld from a caller for whom a look at the PDF asks a
    purpose (retrieval/content.py: read at `content_url` with the purpose, in the 查阅留痕)."""
    out = _fields_out(document)
    if request is not None:
        from sanxiang.retrieval.content import withholder

        hidden = (withheld or withholder(request.user, document.case))(document)
        out["content_withheld"] = hidden
        if hidden:
            out["fields"] = {}
            out["content_url"] = f"/api/v1/retrieval/records/document/{document.pk}/content"
    return out


def _fields_out(document: Document) -> dict:
    return {"id": document.pk, "case_id": document.case_id, "kind": document.kind,
            "kind_label": document.get_kind_display(), "number": document.number, "status": document.status,
            "status_label": document.get_status_display(), "template_version": document.template.version,
            "national_template": document.template.agency_id is None, "fields": document.fields.get("inputs", {}),
            "confidentiality": document.mark,
            "docx_sha256": document.docx_sha256, "pdf_sha256": document.pdf_sha256, "failure": document.failure,
            "replaces_id": document.replaces_id, "correction_reason": document.fields.get("correction_reason", ""),
            "order_superseded": actions.superseded_order(document),
            "supplement_reason": document.fields.get("supplement_reason", ""),
            "created_at": document.created_at, "issued_at": document.issued_at}


class GenerateIn(Schema):
    case_id: int
    kind: str
    inputs: dict[str, str] = {}
    replaces_id: int | None = None
    measure_id: int | None = None  # the coercive measure of a measure kind; default the newest fitting
    supplement_reason: str = ""  # 归档后补充: required on an archived case, refused on any other
    correction_reason: str = ""  # 更正原因: required with `replaces_id`


class KindOut(Schema):
    kind: str
    label: str
    inputs: list[dict]
    measures: list[dict] = []  # for the measure kinds: the case's measures it may be made for (`measure_id`)
    repeatable: bool = False
    signable: bool = False
    supplement_required: bool = False  # an archived case: generated only as 归档后补充 with `supplement_reason`
    unavailable: str = ""  # why it cannot be made yet although the state offers it (a 复查 before its order is issued)


class TemplateOut(Schema):
    id: int
    kind: str
    version: int
    sha256: str
    reason: str
    active: bool
    deactivation_reason: str


@router.get("/", response={200: list[DocumentOut], **error_responses(400, 401, 404, 422)}, summary="案件的执法文书")
def list_documents(request, case_id: int | None = None):
    case = _case(request, case_id)
    from sanxiang.retrieval.content import withholder

    withheld = withholder(request.user, case)
    return Status(200, [_out(d, request, withheld) for d in queries.documents_of(request.user, case)])


@router.get("/kinds", response={200: list[KindOut], **error_responses(400, 401, 404, 422)},
            summary="案件当前可生成的文书种类")
def available(request, case_id: int | None = None):
    case = _case(request, case_id)
    from .views import measure_label

    archived = actions._archived(case)  # the archived file's own forms are not made again
    return Status(200, [{"kind": s.kind, "label": s.label, "supplement_required": archived,
                         "inputs": [{"name": i.name, "label": i.label, "required": i.required, "help": i.help}
                                    for i in s.inputs],
                         "measures": [{"id": m.pk, "label": measure_label(m)} for m in kinds.measures_for(case, s)],
                         "repeatable": s.repeatable, "signable": s.signable,
                         "unavailable": actions.prerequisite_refusal(case, s)} for s in kinds.available_kinds(case)
                        if not (archived and s.kind in kinds.ARCHIVE_KINDS)])


@router.post("/", response={201: DocumentOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="生成执法文书（PDF 由后台任务生成）")
def generate(request, data: GenerateIn):
    case = _case(request, data.case_id)
    replaces = None
    if data.replaces_id is not None:
        replaces = queries.document_for(request.user, data.replaces_id)
        if replaces is None:
            raise NotFound("未找到被更正的文书，或您无权查看。", code="document_not_found")
    document = actions.do_generate_document(case, data.kind, inputs=data.inputs, replaces=replaces,
                                            measure=data.measure_id, supplement_reason=data.supplement_reason,
                                            correction_reason=data.correction_reason, actor=request.user)
    return Status(201, _out(document, request))


@router.get("/templates", response={200: list[TemplateOut], **error_responses(400, 401, 404, 422)},
            summary="本机关上传的文书模板版本")
def list_templates(request, agency: str = ""):
    from sanxiang.orgs.models import Agency

    user = _user(request)
    found = restrict(Agency.objects.filter(code=agency), user).first() if agency else None
    if found is None:
        raise NotFound(f"未找到执法主体“{agency}”。", code="agency_not_found")
    rows = restrict(DocumentTemplate.objects.filter(agency=found), user).order_by("kind", "-version")
    return Status(200, [_template_out(row) for row in rows])


def _template_out(row) -> dict:
    return {"id": row.pk, "kind": row.kind, "version": row.version, "sha256": row.sha256, "reason": row.reason,
            "active": row.active, "deactivation_reason": row.deactivation_reason}


class PaperIn(Schema):
    case_id: int
    kind: str
    number: str = ""
    written_on: str  # 成文日期, YYYY-MM-DD
    signers: str
    kept_at: str
    upload_id: int  # a completed upload of the caller's own (tus, /api/v1/uploads/)
    supplement_reason: str = ""  # 归档后补充: required on an archived case, refused on any other
    confidentiality: str = ""  # 保密标识; empty: the case's, never below the same bytes' strictest mark (0088)


class PaperOut(Schema):
    id: int
    case_id: int
    kind: str
    kind_label: str
    number: str
    written_on: dt.date
    signers: str
    kept_at: str
    sha256: str
    sm3: str
    size: int
    media_type: str
    confidentiality: str
    confidentiality_label: str
    created_at: dt.datetime


def _paper_out(row) -> dict:
    return {"id": row.pk, "case_id": row.case_id, "kind": row.kind, "kind_label": row.get_kind_display(),
            "number": row.number, "written_on": row.written_on, "signers": row.signers, "kept_at": row.kept_at,
            "sha256": row.upload.sha256, "sm3": row.upload.sm3, "size": row.upload.length,
            "media_type": row.media_type, "confidentiality": row.confidentiality,
            "confidentiality_label": row.get_confidentiality_display(), "created_at": row.created_at}


@router.get("/paper-originals", response={200: list[PaperOut], **error_responses(400, 401, 404, 422)},
            summary="案件的纸质原件（扫描件）")
def list_paper_originals(request, case_id: int | None = None):
    from .models import PaperOriginal

    case = _case(request, case_id)
    rows = restrict(PaperOriginal.objects.filter(case=case), request.user, "view").select_related("upload")
    return Status(200, [_paper_out(r) for r in rows.order_by("written_on", "id")])


@router.post("/paper-originals", response={201: PaperOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="登记纸质原件（扫描件须为本人已上传完成的 PDF 或图片）")
def register_paper_original(request, data: PaperIn):
    from sanxiang.records.queries import upload_for

    from . import paper

    case = _case(request, data.case_id)
    upload = upload_for(request.user, data.upload_id)
    if upload is None:
        raise NotFound("未找到该上传，或您无权查看。", code="upload_not_found")
    row = paper.do_register_paper_original(case, upload, kind=data.kind, number=data.number,
                                           written_on=data.written_on, signers=data.signers, kept_at=data.kept_at,
                                           actor=request.user, supplement_reason=data.supplement_reason,
                                           confidentiality=data.confidentiality)
    return Status(201, _paper_out(row))


@router.get("/{document_id}", response={200: DocumentOut, **error_responses(401, 404)}, summary="执法文书")
def get_document(request, document_id: str):
    return Status(200, _out(_document(request, document_id), request))


class IssueCheckOut(Schema):
    may_issue: bool
    reason: str


@router.get("/{document_id}/issue", response={200: IssueCheckOut, **error_responses(401, 404)},
            summary="能否签发（及不能的原因）")
def issue_check(request, document_id: str):
    from sanxiang.access.policy import can

    document = _document(request, document_id)
    if document.status == DocumentStatus.ISSUED:
        reason = "已签发，不能重复签发；如需更正，请生成更正文书。"
    elif document.status != DocumentStatus.GENERATED:
        reason = f"{document.get_status_display()}，PDF 生成后才能签发。"
    elif problem := actions.signature_problem(document):
        reason = problem
    elif not can(request.user, "issue", document):
        reason = "只有承办机构负责人或单位领导可以签发执法文书。"
    else:
        reason = ""
    return Status(200, {"may_issue": not reason, "reason": reason})


@router.post("/{document_id}/issue", response={200: DocumentOut, **error_responses(400, 401, 403, 404, 409)},
             summary="签发执法文书")
def issue(request, document_id: str):
    document = actions.do_issue_document(_document(request, document_id), actor=request.user)
    return Status(200, _out(document, request))


@router.get("/{document_id}/pdf", response={**error_responses(400, 401, 403, 404, 409)}, summary="文书 PDF（经统一调取服务，留痕）",
            openapi_extra={"responses": {200: _PDF_RESPONSE}})
def download_pdf(request, document_id: str):
    document = _document(request, document_id)
    if not document.pdf_path:
        raise Conflict(f"{document}的 PDF 尚未生成（{document.get_status_display()}）。", code="pdf_not_ready")
    from sanxiang.retrieval import serving  # one way to serve a record's file: ledgered, ranges, watermarks

    return serving.serve(request, "document", document.pk, "pdf")


@router.post("/templates", response={201: TemplateOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="上传本机关的文书模板（新版本）")
def upload_template(request, agency: Form[str], kind: Form[str], reason: Form[str], file: File[UploadedFile]):
    from sanxiang.orgs.models import Agency

    user = _user(request)
    found = Agency.objects.filter(code=agency).first()
    if found is None:
        raise NotFound(f"未找到执法主体“{agency}”。", code="agency_not_found")
    data = file.read(MAX_TEMPLATE_BYTES + 1)
    row = actions.do_upload_document_template(found, kind, data, reason=reason, actor=user)
    return Status(201, _template_out(row))



class SignCheckOut(Schema):
    may_sign: bool
    reason: str
    signatures: list[dict]
    officers: list[str] = []  # the officers the document names: each signs (行政处罚法 第四十二条)
    other_officers: list[str] = []  # of those, the ones besides you (the officer at this device): `officers` of POST
    party_refusal: dict | None = None  # 当事人拒绝签名 noted by the officer


@router.get("/{document_id}/sign", response={200: SignCheckOut, **error_responses(401, 404)},
            summary="能否手写签名（及不能的原因），已有的签名")
def sign_check(request, document_id: str):
    return Status(200, _sign_state(request, _document(request, document_id)))


def _sign_state(request, document) -> dict:
    from sanxiang.access.policy import can

    signatures = [{"role": s.role, "role_label": s.get_role_display(), "name": s.signer_name,
                   "png_sha256": s.png_sha256, "signed_at": s.signed_at.isoformat()}
                  for s in document.signatures.order_by("role")]
    if not kinds.SPECS[document.kind].signable:
        reason = f"{document.get_kind_display()}不需要当事人手写签名。"
    elif signatures:
        reason = "已签名（或已注明当事人拒绝签名），不能再次签名。"
    elif document.status not in (DocumentStatus.PENDING, DocumentStatus.GENERATED):
        reason = f"{document.get_status_display()}，不能签名。"
    elif not can(request.user, "generate_documents", document.case):
        reason = "您无权为该文书签名。"
    else:
        reason = ""
    named = actions.named_officers(document)
    return {"may_sign": not reason, "reason": reason, "signatures": signatures,
            "officers": named, "other_officers": [n for n in named if n != actions.officer_name(document, request.user)],
            "party_refusal": document.fields.get("party_refusal")}


class OfficerSignatureIn(Schema):
    name: str  # one of the other officers the document names (GET …/sign: officers)
    png: str


class SignIn(Schema):
    officer_png: str  # base64 PNG (or a canvas's data URL): the officer at the device
    party_png: str
    party_name: str
    officers: list[OfficerSignatureIn] = []  # each other officer the 笔录 names signs too


def _officer_pngs(officers) -> dict[str, bytes]:
    return {o.name.strip(): _png(o.png) for o in officers}


def _png(value: str) -> bytes:
    import base64
    import binascii

    value = value.split(",", 1)[1] if value.startswith("data:") else value
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return b""


@router.post("/{document_id}/sign", response={200: DocumentOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="执法人员与当事人手写签名（笔录、送达回证）")
def sign(request, document_id: str, data: SignIn):
    document = actions.do_sign_document(_document(request, document_id), officer_png=_png(data.officer_png),
                                        party_png=_png(data.party_png), party_name=data.party_name,
                                        officer_pngs=_officer_pngs(data.officers), actor=request.user)
    return Status(200, _out(document, request))


class RefusalIn(Schema):
    officer_png: str  # base64 PNG (or a canvas's data URL): the officer signs the note
    party_name: str
    reason: str
    refused_on: str  # YYYY-MM-DD
    witnesses: str = ""
    recorded: bool = False  # 拍照、录像 recorded the refusal (送达回证, Art.82)
    officers: list[OfficerSignatureIn] = []  # each other officer the 笔录 names signs too


class RefusalCheckOut(Schema):
    may_note: bool
    reason: str
    party_refusal: dict | None = None


@router.get("/{document_id}/refusal", response={200: RefusalCheckOut, **error_responses(401, 404)},
            summary="能否注明当事人拒绝签名（及不能的原因），已注明的内容")
def refusal_check(request, document_id: str):
    body = _sign_state(request, _document(request, document_id))
    return Status(200, {"may_note": body["may_sign"], "reason": body["reason"],
                        "party_refusal": body["party_refusal"]})


@router.post("/{document_id}/refusal", response={200: DocumentOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="注明当事人拒绝签名（执法人员签名；送达回证为拒绝签收）")
def note_refusal(request, document_id: str, data: RefusalIn):
    document = actions.do_note_signature_refusal(
        _document(request, document_id), officer_png=_png(data.officer_png), party_name=data.party_name,
        reason=data.reason, refused_on=data.refused_on, witnesses=data.witnesses, recorded=data.recorded,
        officer_pngs=_officer_pngs(data.officers), actor=request.user)
    return Status(200, _out(document, request))


class DeactivateIn(Schema):
    reason: str


def _own_template(request, template_id: str) -> DocumentTemplate:
    user = _user(request)
    pk = int(template_id) if template_id.isdigit() else 0
    found = restrict(DocumentTemplate.objects.filter(pk=pk, agency__isnull=False), user).first()
    if found is None:
        raise NotFound("未找到该模板版本，或您无权查看。", code="template_not_found")
    return found


@router.get("/templates/{template_id}/deactivate", response={200: TemplateOut, **error_responses(401, 404, 422)},
            summary="本机关的文书模板版本（是否启用、停用原因）")
def template_state(request, template_id: str):
    return Status(200, _template_out(_own_template(request, template_id)))


@router.post("/templates/{template_id}/deactivate",
             response={200: TemplateOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="停用本机关的文书模板版本")
def deactivate_template(request, template_id: str, data: DeactivateIn):
    row = actions.do_deactivate_document_template(_own_template(request, template_id), reason=data.reason,
                                                  actor=request.user)
    return Status(200, _template_out(row))
