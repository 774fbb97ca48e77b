"""案卷与归档 API (`/api/v1/archive/`): the case file, the DA/T 70 check, archiving, legal holds, the
archivist's lists and the transfer lists — the same actions and access policy as the pages."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import StrictBool

from sanxiang.access.policy import can, restrict
from sanxiang.api.errors import error_responses
from sanxiang.cases.queries import api_case as case_api_case
from sanxiang.core.errors import NotFound
from sanxiang.core.inputs import request_user

from . import actions, exports, queries
from .models import ArchivedCaseFile, TransferList

router = Router(tags=["archive"])


_user = request_user


_case = case_api_case  # the shared resolver: a case within the caller's reach, or 404


def _agency(request, code: str):
    from sanxiang.orgs.models import Agency

    user = _user(request)
    found = restrict(Agency.objects.filter(code=code), user).first() if code else None
    if found is None:
        raise NotFound(f"未找到执法主体“{code}”。", code="agency_not_found")
    return found


class ArchivedOut(Schema):
    id: int
    case_id: int
    case_number: str
    archive_number: str
    outcome: str
    items: int
    pages: int
    catalogue_sha256: str
    retention: str
    retention_basis: str
    legal_hold: bool
    legal_hold_reason: str
    archived_at: dt.datetime
    archived_by: str
    transferred: bool
    catalogue: list[dict]
    notes: dict
    checks: dict


def _archived_out(row: ArchivedCaseFile) -> dict:
    return {"id": row.pk, "case_id": row.case_id, "case_number": row.case.number,
            "archive_number": row.archive_number, "outcome": row.outcome, "items": row.items, "pages": row.pages,
            "catalogue_sha256": row.catalogue_sha256, "retention": row.retention,
            "retention_basis": row.retention_basis, "legal_hold": row.legal_hold,
            "legal_hold_reason": row.legal_hold_reason, "archived_at": row.archived_at,
            "archived_by": row.archived_by_name, "transferred": row.transfer_id is not None,
            "catalogue": row.catalogue, "notes": row.notes, "checks": row.checks}


class CaseFileOut(Schema):
    case_id: int
    case_number: str
    ended: bool
    outcome: str
    outcome_label: str
    missing: list[str]
    unchecked: list[str]
    contradictions: list[str]
    stale_forms: list[str]
    catalogue: list[dict]
    archived: ArchivedOut | None
    supplements: list[dict]
    modified_files: list[dict]  # open flags of stored files found changed or missing (found_at, records)
    modified_file_resolutions: list[dict]  # their 已查明处理 (resolved_at, resolved_by, reason, records)


@router.get("/cases/{case_id}", response={200: CaseFileOut, **error_responses(401, 404)},
            summary="案件的案卷：卷内文件目录、完整性、归档情况")
def case_file(request, case_id: str):
    case = _case(request, case_id)
    view = queries.case_file_view(request.user, case)
    return Status(200, {
        "case_id": case.pk, "case_number": case.number, "ended": view.ended, "outcome": view.completeness.outcome,
        "outcome_label": view.completeness.outcome_label, "missing": view.completeness.missing,
        "unchecked": view.completeness.unchecked, "contradictions": view.completeness.contradictions,
        "stale_forms": view.stale_forms, "catalogue": view.catalogue,
        "archived": _archived_out(view.archived) if view.archived else None,
        "supplements": [{"title": r.title, "number": r.number, "kind": r.kind,
                         "supplement_reason": r.metadata.get("supplement_reason", "")} for r in view.supplements],
        "modified_files": [{"found_at": f["found_at"], "records": f["records"]} for f in view.modified_files],
        "modified_file_resolutions": view.resolutions})


class ResolveIn(Schema):
    reason: str


@router.get("/cases/{case_id}/check", response={200: dict, **error_responses(401, 404)},
            summary="四性检测（真实性、完整性、可用性、安全性），不作任何更改")
def check(request, case_id: str):
    case = _case(request, case_id)
    result = actions.check_case_file(case)
    return Status(200, {**result, "failed": actions.failed_items(result)})


class MayOut(Schema):
    allowed: bool
    reason: str


@router.get("/cases/{case_id}/modified-files/resolve", response={200: MayOut, **error_responses(401, 404)},
            summary="能否登记存储文件不符已查明处理（及不能的原因）")
def resolve_check(request, case_id: str):
    case = _case(request, case_id)
    if not can(_user(request), "resolve_modified_files", case):
        reason = "只有档案管理人员、承办机构负责人或机关负责人可以登记存储文件不符已查明处理。"
    elif not actions.modified_file_flags(case):
        reason = "本案没有待查明的存储文件不符。"
    else:
        reason = ""
    return Status(200, {"allowed": not reason, "reason": reason})


@router.post("/cases/{case_id}/modified-files/resolve",
             response={201: dict, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="登记存储文件与留痕记录不符已查明处理（原文件须已恢复；写明情况，记入留痕账本；此后再被改动将重新标示）")
def resolve_modified_files(request, case_id: str, data: ResolveIn):
    result = actions.do_resolve_modified_files(_case(request, case_id), reason=data.reason, actor=request.user)
    return Status(201, {"resolved_at": result["resolved_at"], "resolved_by": result["resolved_by"],
                        "records": result["records"], "reason": result["reason"]})


@router.get("/cases/{case_id}/archive", response={200: MayOut, **error_responses(401, 404)},
            summary="能否归档（及不能的原因；四性检测见 check）")
def archive_check(request, case_id: str):
    case = _case(request, case_id)
    view = queries.case_file_view(request.user, case)
    if view.archived is not None:
        reason = "本案已经归档。"
    elif not view.ended:
        reason = "案件尚未办结，不能归档。"
    elif not view.may_archive:
        reason = "只有档案管理人员、承办机构负责人或机关负责人可以归档。"
    else:
        reason = ""
    return Status(200, {"allowed": not reason, "reason": reason})


@router.post("/cases/{case_id}/archive", response={201: ArchivedOut, **error_responses(400, 401, 403, 404, 409)},
             summary="归档（未通过四性检测时拒绝，并列出未通过的项目）")
def archive(request, case_id: str):
    archived = actions.do_archive_case(_case(request, case_id), actor=request.user)
    return Status(201, _archived_out(archived))


class FormsOut(Schema):
    generated: list[dict]


@router.get("/cases/{case_id}/forms", response={200: MayOut, **error_responses(401, 404)},
            summary="可否立卷（生成卷宗封面、卷内文件目录和备考表）")
def forms_check(request, case_id: str):
    case = _case(request, case_id)
    allowed = can(_user(request), "generate_documents", case)
    return Status(200, {"allowed": allowed, "reason": "" if allowed else "只有本案承办人员或负责人可以立卷。"})


@router.post("/cases/{case_id}/forms", response={201: FormsOut, **error_responses(400, 401, 403, 404, 409)},
             summary="立卷：按当前案卷生成各卷的卷宗封面、卷内文件目录和卷内备考表（材料不全或为空时拒绝；"
                     "已签发但与卷内材料不符的生成更正，一致的不重复生成）")
def prepare_forms(request, case_id: str):
    made = actions.do_prepare_file_forms(_case(request, case_id), actor=request.user)
    return Status(201, {"generated": [{"id": d.pk, "kind": d.kind, "number": d.number} for d in made]})


@router.get("/files/{file_id}/check", response={200: dict, **error_responses(401, 404)},
            summary="归档案卷的最近一次重新检测（未重新检测过时为 null），以及能否重新检测")
def recheck_latest(request, file_id: str):
    from sanxiang.access.policy import can

    row = _archived(request, file_id)
    allowed = can(request.user, "recheck", row)
    return Status(200, {"latest": actions.latest_recheck(row), "allowed": allowed,
                        "reason": "" if allowed else "只有档案管理人员、承办机构负责人或机关负责人可以重新检测归档案卷。"})


@router.post("/files/{file_id}/check", response={200: dict, **error_responses(401, 403, 404)},
             summary="重新检测归档案卷（四性检测，结果记入留痕账本，并在检测页与归档时的结果并列显示）")
def recheck(request, file_id: str):
    return Status(200, actions.do_recheck_archived_file(_archived(request, file_id), actor=request.user))


class HoldIn(Schema):
    hold: StrictBool  # true or false, not "yes" (s18 tester 23)
    reason: str = ""


def _archived(request, file_id) -> ArchivedCaseFile:
    found = queries.archived_for(_user(request), file_id)
    if found is None:
        raise NotFound("未找到该归档案卷，或您无权查看。", code="archived_file_not_found")
    return found


@router.get("/files/{file_id}", response={200: ArchivedOut, **error_responses(401, 404)}, summary="归档案卷")
def archived_file(request, file_id: str):
    return Status(200, _archived_out(_archived(request, file_id)))


@router.get("/files/{file_id}/hold", response={200: MayOut, **error_responses(401, 404)},
            summary="能否设置或解除保全")
def hold_check(request, file_id: str):
    from sanxiang.access.policy import can

    row = _archived(request, file_id)
    allowed = can(request.user, "hold", row)
    return Status(200, {"allowed": allowed, "reason": "" if allowed else "只有档案管理人员或机关负责人可以设置保全。"})


@router.post("/files/{file_id}/hold", response={200: ArchivedOut, **error_responses(400, 401, 403, 404, 422)},
             summary="设置或解除保全")
def hold(request, file_id: str, data: HoldIn):
    row = actions.do_set_legal_hold(_archived(request, file_id), hold=data.hold, reason=data.reason,
                                    actor=request.user)
    return Status(200, _archived_out(row))


class WaitingOut(Schema):
    case_id: int
    case_number: str
    cause: str
    status_label: str
    ended_on: dt.date
    due: dt.date | None


class ArchivistOut(Schema):
    waiting: list[WaitingOut]
    archived: list[dict]
    transfer_month: int | None
    transfers: list[dict]


def _own_agency(request):
    """The one agency the user holds roles in (the `agency` parameter may then be left out)."""
    from sanxiang.access.policy import current_roles
    from sanxiang.core.errors import RuleViolation
    from sanxiang.orgs.models import Agency

    ids = set(current_roles(_user(request)).values_list("agency_id", flat=True))
    if len(ids) != 1:
        raise RuleViolation("请用 agency 参数指定执法主体（您在多个执法主体任职，或没有任职）。", field="agency")
    return Agency.objects.get(pk=ids.pop())


@router.get("/", response={200: ArchivistOut, **error_responses(400, 401, 404)},
            summary="档案管理：待归档的案件、已归档的案卷、移交清单（agency 可省略：本人任职的执法主体）")
def archivist(request, agency: str = ""):
    found = _agency(request, agency) if agency else _own_agency(request)
    lists = queries.archivist_lists(request.user, found)
    return Status(200, {
        "waiting": [{"case_id": w.case.pk, "case_number": w.case.number, "cause": w.case.cause,
                     "status_label": w.status_label, "ended_on": w.ended_on, "due": w.due} for w in lists.waiting],
        "archived": [{"id": a.pk, "archive_number": a.archive_number, "case_number": a.case.number,
                      "archive_year": a.archive_year, "items": a.items, "pages": a.pages, "retention": a.retention,
                      "legal_hold": a.legal_hold, "transferred": a.transfer_id is not None} for a in lists.archived],
        "transfer_month": lists.transfer_month,
        "transfers": [_transfer_out(t) for t in lists.transfers]})


class TransferIn(Schema):
    agency: str
    year: int
    received_by: str


def _transfer_out(row: TransferList) -> dict:
    return {"id": row.pk, "year": row.year, "items": row.items, "made_at": row.made_at.isoformat(),
            "made_by": row.made_by_name, "received_by": row.received_by}


@router.get("/transfers", response={200: list[dict], **error_responses(400, 401, 404)},
            summary="本机关的移交清单（agency 可省略：本人任职的执法主体）")
def transfers(request, agency: str = ""):
    found = _agency(request, agency) if agency else _own_agency(request)  # as GET / (s21 tester8 #13)
    rows = restrict(TransferList.objects.filter(agency=found), request.user).order_by("-year")
    return Status(200, [_transfer_out(t) for t in rows])


@router.post("/transfers", response={201: dict, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="制作移交清单（上年度案卷集中移交档案部门）")
def make_transfer(request, data: TransferIn):
    found = _agency(request, data.agency)
    row = actions.do_make_transfer_list(found, year=data.year, received_by=data.received_by, actor=request.user)
    return Status(201, _transfer_out(row))



# ---- the archive package from the API (归档信息包导出) -----------------------------------------

class ExportOut(Schema):
    id: int
    case_id: int
    case_number: str
    status: str
    status_label: str
    requested_by: str
    requested_at: dt.datetime
    ready_at: dt.datetime | None
    expires_at: dt.datetime | None
    size: int | None
    sha256: str
    records: int | None
    tree_size: int | None
    failure: str
    download: str | None


def _export(request, export_id):
    found = exports.export_for(_user(request), export_id)
    if found is None:
        raise NotFound("未找到该归档信息包，或您无权查看。", code="export_not_found")
    return found


@router.post("/cases/{case_id}/exports",
             response={200: ExportOut, 201: ExportOut, **error_responses(400, 401, 403, 404, 409)},
             summary="申请导出归档信息包（后台生成，生成后下载；案卷未变时返回已生成的包，200）")
def request_export(request, case_id: str):
    row = exports.do_request_export(_case(request, case_id), actor=request.user)
    return Status(200 if getattr(row, "reused", False) else 201, exports.export_out(row))


@router.get("/cases/{case_id}/exports", response={200: list[ExportOut], **error_responses(401, 404)},
            summary="本案最近的归档信息包导出")
def case_exports(request, case_id: str):
    case = _case(request, case_id)
    return Status(200, [exports.export_out(r) for r in exports.exports_of(request.user, case)])


@router.get("/exports/{export_id}", response={200: ExportOut, **error_responses(401, 404)},
            summary="归档信息包导出的状态")
def export_status(request, export_id: str):
    return Status(200, exports.export_out(_export(request, export_id)))


@router.get("/exports/{export_id}/download", response={200: None, **error_responses(401, 404, 409)},
            summary="下载归档信息包（zip，BagIt；每次下载留痕；含涉密记录时须带 purpose 用途）")
def export_download(request, export_id: str):
    return exports.stream(request, _export(request, export_id))
