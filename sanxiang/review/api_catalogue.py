"""法制审核目录清单 API (`/api/v1/review/catalogue/`): an agency's versions, one version's rules, a new
version (JSON rules or an xlsx workbook), a version as xlsx, and "does this proposal need review?"
— the same actions, access policy and error shape as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import ConfigDict, Field

from sanxiang.api.errors import error_responses
from sanxiang.core.inputs import request_user

from . import catalogue_queries as Q
from .actions import do_adopt_catalogue_version, do_import_catalogue_version
from .catalogue_xlsx import MAX_BYTES, XLSX_TYPE, export_rules, export_version
from .conditions import VALUE_LABELS, Flag, Hearing, Kind, Level, PartyKind, Penalty, ProcedureName
from .determination import agency_field, check_agency, level_of

router = Router(tags=["review"])

_XLSX_RESPONSE = {"description": "审核目录（Excel 工作簿）",
                  "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}


_user = request_user


class CatalogueVersionOut(Schema):
    """法制审核目录清单版本 (without its rules)."""

    version: int
    effective_from: dt.date | None
    reason: str
    origin: str
    origin_label: str
    made_by: str
    made_at: dt.datetime
    rule_count: int
    in_force: bool


class CatalogueRuleOut(Schema):
    key: str
    label: str
    citation: str
    condition: dict
    condition_text: str


class CatalogueVersionDetailOut(CatalogueVersionOut):
    rules: list[CatalogueRuleOut]


class CatalogueVersionIn(Schema):
    """A new version: its rules (`{key, label, citation, condition}`, docs/review.md), the reason and
    the date it is in force from (not before the current version's)."""

    model_config = ConfigDict(extra="forbid")

    rules: list[dict] = Field(..., max_length=500)
    reason: str = Field(..., max_length=300)
    effective_from: dt.date


class CatalogueProposalIn(Schema):
    """拟作出的决定 (PROPOSAL.json of issue 9 §1); the level and field default to the agency's."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind
    procedure: ProcedureName | None = None
    party_kind: PartyKind | None = None
    penalties: list[Penalty] = Field([], max_length=20)
    fine: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    confiscation_value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    hearing: Hearing = "none"
    flags: list[Flag] = Field([], max_length=20)
    level: Level | None = None
    field: str | None = Field(None, min_length=1, max_length=64)


class CatalogueRuleHitOut(Schema):
    key: str
    label: str
    citation: str


class CatalogueCheckOut(Schema):
    """The answer of issue 9 §1: required or not, and the rules that matched with their citations."""

    required: bool
    rules: list[CatalogueRuleHitOut]
    note: str | None = None  # 该日没有施行的审核目录清单时：按当日施行的国家规定确定（决定 0082）


def _out(row, current, *, rules=False) -> dict:
    out = {"version": row.version, "effective_from": row.effective_from, "reason": row.reason, "origin": row.origin,
           "origin_label": row.get_origin_display(), "made_by": row.made_by_name, "made_at": row.made_at,
           "rule_count": len(row.rules), "in_force": current is not None and row.pk == current.pk}
    if rules:
        words = {r["key"]: r["condition"] for r in Q.shown_rules(row.rules)}
        out["rules"] = [{**r, "condition_text": words[r["key"]]} for r in row.rules]
    return out


@router.get("/{code}/versions", response={200: list[CatalogueVersionOut], **error_responses(401, 404)},
            summary="执法主体的法制审核目录清单版本（最新在前）")
def list_versions(request, code: str):
    agency = Q.agency_for(_user(request), code)
    current = Q.in_force(agency)
    return Status(200, [_out(v, current) for v in Q.versions(agency)])


# Before "/{code}/versions/{version}", which would otherwise take the path.
@router.get("/{code}/versions/xlsx", response={**error_responses(401, 404)},
            summary="导入用的空白工作簿（表头）", openapi_extra={"responses": {200: _XLSX_RESPONSE}})
def import_template(request, code: str):
    agency = Q.agency_for(_user(request), code)
    response = HttpResponse(export_rules([], title=f"{agency.name}重大执法决定法制审核目录清单"), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('法制审核目录清单导入模板.xlsx')}"
    return response


@router.post("/{code}/versions/xlsx", response={201: CatalogueVersionDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="导入 xlsx 为新版本（逐行校验，有误则不导入）")
def import_xlsx(request, code: str, reason: Form[str], effective_from: Form[dt.date], file: File[UploadedFile]):
    user = _user(request)
    agency = Q.agency_for(user, code)
    row = do_import_catalogue_version(agency, file.read(MAX_BYTES + 1), effective_from=effective_from, reason=reason,
                                      actor=user)
    return Status(201, _out(row, Q.in_force(agency), rules=True))


def _version(agency, version: str):
    return Q.version_of(agency, int(version) if version.isdigit() else None)


@router.get("/{code}/versions/{version}", response={200: CatalogueVersionDetailOut, **error_responses(401, 404)},
            summary="一个版本的全部规则")
def get_version(request, code: str, version: str):
    agency = Q.agency_for(_user(request), code)
    return Status(200, _out(_version(agency, version), Q.in_force(agency), rules=True))


@router.get("/{code}/versions/{version}/xlsx", response={**error_responses(401, 404)},
            summary="导出一个版本（xlsx）", openapi_extra={"responses": {200: _XLSX_RESPONSE}})
def export_xlsx(request, code: str, version: str):
    agency = Q.agency_for(_user(request), code)
    row = _version(agency, version)
    response = HttpResponse(export_version(row), content_type=XLSX_TYPE)
    name = f"{agency.name}法制审核目录清单第{row.version}版.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@router.post("/{code}/versions", response={201: CatalogueVersionDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="发布新版本（JSON 规则）")
def create_version(request, code: str, data: CatalogueVersionIn):
    user = _user(request)
    agency = Q.agency_for(user, code)
    row = do_adopt_catalogue_version(agency, data.rules, effective_from=data.effective_from, reason=data.reason,
                                     actor=user)
    return Status(201, _out(row, Q.in_force(agency), rules=True))


class CatalogueCheckInfoOut(Schema):
    """What the check assumes when the proposal does not say: the agency's level and field, and the
    version in force today."""

    level: str | None
    level_label: str | None
    field: str | None
    version_in_force: int | None


@router.get("/{code}/check", response={200: CatalogueCheckInfoOut, **error_responses(401, 404)},
            summary="查询时默认的执法层级、执法领域与现行版本")
def check_info(request, code: str):
    from django.utils import timezone

    from sanxiang.deadlines.queries import profile_key_of

    agency = Q.agency_for(_user(request), code)
    level = level_of(profile_key_of(agency), timezone.localdate())
    current = Q.in_force(agency)
    return Status(200, {"level": level, "level_label": VALUE_LABELS["level"].get(level) if level else None,
                        "field": agency_field(agency), "version_in_force": current.version if current else None})


@router.post("/{code}/check", response={200: CatalogueCheckOut, **error_responses(400, 401, 404, 422)},
             summary="拟作出的决定是否须法制审核（PROPOSAL.json）")
def check(request, code: str, proposal: CatalogueProposalIn, on: dt.date | None = None):
    agency = Q.agency_for(_user(request), code)
    return Status(200, check_agency(agency, proposal.model_dump(exclude_none=True), on))
