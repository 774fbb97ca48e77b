"""API of parties (当事人): list and search, read, register, update — the same actions and reads as the pages."""

from datetime import datetime

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotFound
from sanxiang.core.inputs import request_user
from sanxiang.orgs.models import Agency

from . import actions, queries
from .models import IdKind, PartyKind

router = Router(tags=["parties"])


class PartyOut(Schema):
    """当事人 — the ID number masked unless the caller may change the party."""

    id: int
    agency: str
    agency_name: str
    kind: PartyKind
    kind_label: str
    name: str
    id_kind: str
    id_kind_label: str
    id_number: str
    id_number_masked: bool
    no_id_reason: str
    credit_code: str
    no_credit_code_reason: str
    legal_representative: str
    operator: str
    address: str
    phone: str
    created_at: datetime
    version: str | None = Field(None, description="修改时作为 expected 传回；无权修改时为空")


class PartyList(Schema):
    count: int
    items: list[PartyOut]


class PartyFields(Schema):
    name: str = Field(..., max_length=200)
    id_kind: IdKind | None = None
    id_number: str = Field("", max_length=64)
    no_id_reason: str = Field("", max_length=200)
    credit_code: str = Field("", max_length=40)
    no_credit_code_reason: str = Field("", max_length=200)
    legal_representative: str = Field("", max_length=100)
    operator: str = Field("", max_length=100)
    address: str = Field("", max_length=300)
    phone: str = Field("", max_length=40)


class PartyIn(PartyFields):
    agency: str = Field(..., max_length=64, description="登记单位的代码")
    kind: PartyKind


class PartyChanges(Schema):
    kind: PartyKind | None = None
    name: str | None = Field(None, max_length=200)
    id_kind: IdKind | None = None
    id_number: str | None = Field(None, max_length=64)
    no_id_reason: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=40)
    no_credit_code_reason: str | None = Field(None, max_length=200)
    legal_representative: str | None = Field(None, max_length=100)
    operator: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=40)


class PartyUpdate(Schema):
    expected: str = Field(..., max_length=64, description="读取时的 version：他人已修改则 409")
    changes: PartyChanges


_user = request_user


def _out(user, party, full=None):
    full = queries.may_change(user, party) if full is None else full
    return {**queries.display(party, full), "version": actions.version(party) if full else None}


@router.get("/", response={200: PartyList, **error_responses(401, 422)}, summary="查找当事人")
def list_parties(request, search: str = Query("", max_length=100, description="姓名、名称、证件号码或信用代码"),
                 limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000)):
    user = _user(request)
    rows = queries.parties_for(user, search)
    page = list(rows[offset:offset + limit])
    full = queries.editable_ids(user, page)
    return Status(200, {"count": rows.count(), "items": [_out(user, p, p.pk in full) for p in page]})


@router.get("/{party}", response={200: PartyOut, **error_responses(401, 404, 422)}, summary="当事人信息")
def get_party(request, party: int):
    user = _user(request)
    return Status(200, _out(user, queries.party_for(user, party)))


@router.post("/", response={201: PartyOut, **error_responses(400, 401, 403, 404, 409, 422)}, summary="登记当事人")
def register_party(request, body: PartyIn):
    """同一单位已有相同统一社会信用代码（或同一证件号码的自然人）时 409 `party_exists`，提示选用已登记的当事人。"""
    user = _user(request)
    agency = Agency.objects.filter(code=body.agency).first()
    if agency is None:
        raise NotFound(f"未找到执法主体“{body.agency}”。", code="agency_not_found", field="agency")
    fields = body.dict(exclude={"agency"})
    fields["id_kind"] = fields["id_kind"] or ""
    party = actions.do_register_party(agency, **fields, actor=user)
    return Status(201, _out(user, party))


@router.patch("/{party}", response={200: PartyOut, **error_responses(400, 401, 403, 404, 409, 422)},
              summary="修改当事人信息")
def update_party(request, party: int, body: PartyUpdate):
    """只修改 `changes` 中给出的字段；`expected` 与当前 version 不符（他人已修改）时 409 `stale_party`。"""
    user = _user(request)
    found = queries.party_for(user, party)
    changes = {k: ("" if v is None else v) for k, v in body.changes.dict(exclude_unset=True).items()}
    updated = actions.do_update_party(found, changes=changes, expected=body.expected, actor=user)
    return Status(200, _out(user, updated))
