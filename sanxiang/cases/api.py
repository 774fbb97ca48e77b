"""案件 API: the same actions, guards and errors as every other interface."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotAuthenticated, NotFound, RuleViolation
from sanxiang.workflow import available

from . import actions as C
from . import queries
from .models import Case
from .workflows import table_of

router = Router(tags=["cases"])


def _user(request):
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    return request.user


def _case(request, case_id) -> Case:
    found = queries.case_for(_user(request), case_id)
    if found is None:
        raise NotFound("未找到该案件，或您无权查看。", code="case_not_found")
    return found


class PartyOut(Schema):
    id: int
    name: str
    kind: str
    electronic_consent: bool


class HandlerOut(Schema):
    id: int
    person: str
    certificate: str
    lead: bool
    since: dt.date
    until: dt.date | None


class CaseOut(Schema):
    id: int
    number: str
    agency: str
    unit: str
    kind: str
    procedure: str
    source: str
    cause: str
    category: str
    status: str
    status_label: str
    confidentiality: str
    clue_on: dt.date
    filed_on: dt.date | None
    proposed_penalties: list[str]
    proposed_fine: Decimal | None
    decided_penalties: list[str]
    decided_fine: Decimal | None
    decided_on: dt.date | None
    served_on: dt.date | None
    closed_on: dt.date | None
    version: int


class CaseDetailOut(CaseOut):
    parties: list[PartyOut]
    handlers: list[HandlerOut]


class CaseIn(Schema):
    agency: str
    unit_id: int
    source: str
    cause: str
    category: str
    clue_on: dt.date | None = None
    confidentiality: str = "internal"


class ParamOut(Schema):
    name: str
    label: str
    required: bool


class ActionOut(Schema):
    action: str
    label: str
    allowed: bool
    reason: str
    params: list[ParamOut]


class ActionIn(Schema):
    """The action's inputs (see `GET …/actions/{action}`); `version` refuses a stale copy."""

    model_config = ConfigDict(extra="allow")
    version: int | None = None
    on: dt.date | None = None


class HandlerIn(Schema):
    person_id: int
    certificate_id: int | None = None
    lead: bool = False
    on: dt.date | None = None


class PartyIn(Schema):
    party_id: int
    electronic_address: str = ""
    address_consent_on: dt.date | None = None


class EntryOut(Schema):
    index: int | None
    at: dt.datetime
    actor: str
    action: str
    label: str
    object_type: str
    payload: dict[str, Any]


def _out(case: Case) -> dict:
    return {**{f: getattr(case, f) for f in CaseOut.model_fields if hasattr(case, f) and f not in ("agency", "unit")},
            "agency": case.agency.code, "unit": case.unit.name, "status_label": case.status_label}


def _detail(case: Case) -> dict:
    parties = [{"id": cp.party_id, "name": cp.party.name, "kind": cp.party.kind,
                "electronic_consent": bool(cp.address_consent_on)} for cp in case.case_parties.select_related("party")]
    handlers = [{"id": h.pk, "person": h.person.name, "certificate": h.certificate.number, "lead": h.lead,
                 "since": h.since, "until": h.until} for h in case.handlers.select_related("person", "certificate")]
    return {**_out(case), "parties": parties, "handlers": handlers}


@router.get("/", response={200: list[CaseOut], **error_responses(401, 422)}, summary="案件列表")
def list_cases(request, status: str | None = None, mine: bool = False):
    """The cases the caller may read (their unit's, assigned, supervised…), newest first."""
    return Status(200, [_out(c) for c in queries.cases_for(_user(request), status=status, mine=mine)[:500]])


@router.post("/", response={201: CaseDetailOut, **error_responses(400, 401, 403, 404, 422)}, summary="登记线索")
def create_case(request, data: CaseIn):
    from sanxiang.orgs.models import Agency, Unit

    user = _user(request)
    agency = Agency.objects.filter(code=data.agency).first()
    unit = Unit.objects.filter(pk=data.unit_id).first()
    if agency is None:
        raise NotFound(f"未找到执法主体“{data.agency}”。", code="agency_not_found")
    case = C.do_create_case(agency, unit=unit, source=data.source, cause=data.cause, category=data.category,
                            clue_on=data.clue_on, confidentiality=data.confidentiality, actor=user)
    return Status(201, _detail(case))


@router.get("/{case_id}", response={200: CaseDetailOut, **error_responses(401, 404)}, summary="案件详情")
def get_case(request, case_id: str):
    return Status(200, _detail(_case(request, case_id)))


@router.get("/{case_id}/actions", response={200: list[ActionOut], **error_responses(401, 404)},
            summary="当前可办理的操作")
def case_actions(request, case_id: str):
    """The moves of the case's current state, each allowed for the caller or refused with the reason."""
    return Status(200, _options(request, _case(request, case_id)))


def _options(request, case) -> list[dict]:
    options = []
    for option in available(case, request.user, table=table_of(case)):
        params = [{"name": name, "label": p.label, "required": p.required}
                  for name, p in option.transition.params.items()]
        options.append({"action": option.action, "label": option.label, "allowed": option.allowed,
                        "reason": option.reason, "params": params})
    return options


@router.get("/{case_id}/actions/{action}", response={200: ActionOut, **error_responses(401, 404)},
            summary="某一操作能否办理及其输入")
def case_action(request, case_id: str, action: str):
    case = _case(request, case_id)
    for option in _options(request, case):
        if option["action"] == action:
            return Status(200, option)
    raise NotFound(f"案件当前状态下没有“{action}”这一操作。", code="action_not_available")


@router.post("/{case_id}/actions/{action}", response={200: CaseDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="办理（状态流转）")
def act(request, case_id: str, action: str, data: ActionIn):
    """Perform `action` with its inputs (`on`, `reason`, `penalties`, `fine`, `method`…; `version`
    to refuse a stale copy). Refusals: 400 with the reasons, 403, 409 when the case changed."""
    user = _user(request)
    case = _case(request, case_id)
    if action not in table_of(case).actions():
        raise RuleViolation(f"“{table_of(case).label}”没有“{action}”这一操作。", code="unknown_action", field="action")
    # The declared fields are validated by the schema; the action's own inputs are read as sent.
    raw = json.loads(request.body or b"{}")
    params = {k: v for k, v in raw.items() if k not in ("version", "on")}
    if data.on:
        params["on"] = data.on
    case = C.move_case(case, action, actor=user, version=data.version, **params)
    return Status(200, _detail(case))


@router.get("/{case_id}/handlers", response={200: list[HandlerOut], **error_responses(401, 404)}, summary="承办人")
def list_handlers(request, case_id: str):
    return Status(200, _detail(_case(request, case_id))["handlers"])


@router.post("/{case_id}/handlers", response={201: HandlerOut, **error_responses(400, 401, 403, 404, 422)},
             summary="指定承办人")
def add_handler(request, case_id: str, data: HandlerIn):
    from sanxiang.orgs.models import Certificate, Person

    user = _user(request)
    case = _case(request, case_id)
    person = Person.objects.filter(pk=data.person_id, agency=case.agency).first()
    if person is None:
        raise NotFound("未找到该人员。", code="person_not_found")
    cert = Certificate.objects.filter(pk=data.certificate_id).first() if data.certificate_id else None
    h = C.do_assign_case_handler(case, person, certificate=cert, lead=data.lead, on=data.on, actor=user)
    return Status(201, {"id": h.pk, "person": person.name, "certificate": h.certificate.number, "lead": h.lead,
                        "since": h.since, "until": h.until})


@router.get("/{case_id}/parties", response={200: list[PartyOut], **error_responses(401, 404)}, summary="当事人")
def list_parties(request, case_id: str):
    return Status(200, _detail(_case(request, case_id))["parties"])


@router.post("/{case_id}/parties", response={201: PartyOut, **error_responses(400, 401, 403, 404, 422)},
             summary="列明当事人")
def add_party(request, case_id: str, data: PartyIn):
    from sanxiang.parties.models import Party

    user = _user(request)
    case = _case(request, case_id)
    party = Party.objects.filter(pk=data.party_id, agency=case.agency).first()
    if party is None:
        raise NotFound("未找到该当事人。", code="party_not_found")
    link = C.do_add_case_party(case, party, electronic_address=data.electronic_address,
                               address_consent_on=data.address_consent_on, actor=user)
    return Status(201, {"id": party.pk, "name": party.name, "kind": party.kind,
                        "electronic_consent": bool(link.address_consent_on)})


@router.get("/{case_id}/timeline", response={200: list[EntryOut], **error_responses(401, 404)},
            summary="办案过程（留痕）")
def case_timeline(request, case_id: str):
    return Status(200, queries.timeline(_case(request, case_id)))
