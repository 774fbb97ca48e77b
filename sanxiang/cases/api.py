"""案件 API: the same actions, guards and errors as every other interface."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from sanxiang.api.errors import error_responses
from sanxiang.cases.queries import api_case as case_api_case
from sanxiang.core.errors import NotFound, RuleViolation
from sanxiang.core.ids import row_by_id
from sanxiang.core.inputs import request_user
from sanxiang.workflow import available

from . import actions as C
from . import pages, queries
from .models import Case
from .workflows import table_of

router = Router(tags=["cases"])


_user = request_user


_case = case_api_case  # the shared resolver: a case within the caller's reach, or 404


class CasePartyOut(Schema):
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
    no_penalty_ground: str  # 拟不予行政处罚的情形 (empty: penalties proposed)
    decided_penalties: list[str]
    decided_fine: Decimal | None
    decided_on: dt.date | None
    served_on: dt.date | None
    closed_on: dt.date | None
    appeal_pending: bool  # 复议/诉讼中
    hearing_notice_on: dt.date | None
    hearing_on: dt.date | None
    # 行政许可、行政确认、行政裁决、劳动保障监察
    accepted_on: dt.date | None
    decision_outcome: str
    licence_number: str
    licence_valid_until: dt.date | None
    rectify_by: dt.date | None
    version: int


class CaseDeadlineOut(Schema):
    kind: str
    bearer: str  # agency 执法机关 / party 当事人 (a party's period expires, it is never late)
    start: dt.date
    due: dt.date
    status: str
    status_label: str
    level: str | None  # red 逾期 / yellow 临期 (the agency's only) / expired 已届满 (the party's)
    units: list[str]  # 责任科室 (the case's 承办机构)


class CaseDetailOut(CaseOut):
    parties: list[CasePartyOut]
    handlers: list[HandlerOut]
    paid_total: Decimal
    late_surcharge: Decimal  # 加处罚款 owed as of today on an unpaid fine past its payment period
    remakes: int | None  # the case whose decision this one remakes
    deadlines: list[CaseDeadlineOut]


class RemakeIn(Schema):
    cause: str = ""
    on: dt.date | None = None


class CaseIn(Schema):
    agency: str
    unit_id: int
    kind: str = "penalty"  # 行政许可 licence, 行政确认 confirmation, 行政裁决 adjudication, 劳动保障监察 labour_inspection
    source: str
    cause: str
    category: str
    clue_on: dt.date | None = None
    confidentiality: str = "internal"
    on_the_spot: bool = False  # 行政许可: the matter may be decided on the spot (行政许可法第三十四条第二款)


class ActionParamOut(Schema):
    name: str
    label: str
    required: bool


class CaseActionOut(Schema):
    action: str
    label: str
    allowed: bool
    reason: str
    params: list[ActionParamOut]


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


class CasePartyIn(Schema):
    party_id: int
    electronic_address: str = ""
    address_consent_on: dt.date | None = None


class TimelineEntryOut(Schema):
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
    return {**_out(case), "parties": parties, "handlers": handlers, "paid_total": case.paid_total,
            "late_surcharge": pages.surcharge_owed(case), "remakes": case.remakes_id,
            "deadlines": _deadlines(case)}


def _deadlines(case) -> list[dict]:
    from django.utils import timezone

    from sanxiang.deadlines.queries import Levels

    level_of = Levels(timezone.localdate())
    return [{"kind": ob.kind, "bearer": ob.bearer, "start": ob.start, "due": ob.due, "status": ob.status,
             "status_label": ob.get_status_display(), "level": level_of(ob),
             "units": [u.name for u in ob.responsible_units.all()]}
            for ob in queries.obligations_of(case).select_related("agency").prefetch_related("responsible_units")
            .order_by("start", "id")]


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
    case = C.do_create_case(agency, unit=unit, kind=data.kind, source=data.source, cause=data.cause,
                            category=data.category, clue_on=data.clue_on, confidentiality=data.confidentiality,
                            on_the_spot=data.on_the_spot, actor=user)
    return Status(201, _detail(case))


# Before "/{case_id}", which would otherwise take the path.
class OnSiteCaseIn(Schema):
    """当场处罚 (简易程序): the handlers are people (`person_ids`, at least two) of the agency."""

    agency: str
    unit_id: int
    cause: str = Field(..., max_length=300)
    category: str = Field(..., max_length=64)
    party_id: int
    person_ids: list[int]
    penalties: list[str]
    fine: str | None = None
    on: dt.date | None = None


@router.get("/on-site", response={200: list[CaseOut], **error_responses(401)}, summary="当场处罚（简易程序）案件列表")
def list_onsite_cases(request):
    """The simplified-procedure cases the caller may read, newest first."""
    found = queries.cases_for(_user(request)).filter(procedure="simplified")[:500]
    return Status(200, [_out(c) for c in found])


@router.post("/on-site", response={201: CaseDetailOut, **error_responses(400, 401, 403, 404, 409, 422)}, summary="当场处罚（简易程序）立案")
def create_onsite_case(request, data: OnSiteCaseIn):
    from sanxiang.orgs.models import Agency, Person, Unit
    from sanxiang.parties.models import Party

    user = _user(request)
    agency = Agency.objects.filter(code=data.agency).first()
    if agency is None:
        raise NotFound(f"未找到执法主体“{data.agency}”。", code="agency_not_found")
    unit = Unit.objects.filter(pk=data.unit_id, agency=agency).first()
    if unit is None:
        raise NotFound("未找到该承办机构。", code="unit_not_found")
    party = Party.objects.filter(pk=data.party_id, agency=agency).first()
    if party is None:
        raise NotFound("未找到该当事人。", code="party_not_found")
    people = {p.pk: p for p in Person.objects.filter(agency=agency, pk__in=data.person_ids)}
    missing = [i for i in data.person_ids if i not in people]
    if missing:
        raise NotFound("未找到所选的执法人员。", code="person_not_found")
    case = C.do_create_onsite_case(agency, unit=unit, cause=data.cause, category=data.category, party=party,
                                   handlers=[people[i] for i in dict.fromkeys(data.person_ids)],
                                   penalties=data.penalties, fine=data.fine, on=data.on, actor=user)
    return Status(201, _detail(case))


@router.get("/{case_id}", response={200: CaseDetailOut, **error_responses(401, 404)}, summary="案件详情")
def get_case(request, case_id: str):
    return Status(200, _detail(_case(request, case_id)))


@router.get("/{case_id}/actions", response={200: list[CaseActionOut], **error_responses(401, 404)},
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


@router.get("/{case_id}/actions/{action}", response={200: CaseActionOut, **error_responses(401, 404)},
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
    cert = None
    if data.certificate_id is not None:
        cert = Certificate.objects.filter(pk=data.certificate_id, person=person).first()
        if cert is None:
            raise NotFound(f"未找到{person.name}的该执法证。", code="certificate_not_found")
    h = C.do_assign_case_handler(case, person, certificate=cert, lead=data.lead, on=data.on, actor=user)
    return Status(201, {"id": h.pk, "person": person.name, "certificate": h.certificate.number, "lead": h.lead,
                        "since": h.since, "until": h.until})


@router.get("/{case_id}/parties", response={200: list[CasePartyOut], **error_responses(401, 404)}, summary="当事人")
def list_parties(request, case_id: str):
    return Status(200, _detail(_case(request, case_id))["parties"])


@router.post("/{case_id}/parties", response={201: CasePartyOut, **error_responses(400, 401, 403, 404, 422)},
             summary="列明当事人")
def add_party(request, case_id: str, data: CasePartyIn):
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


class CasePartyAddressIn(Schema):
    """送达地址确认书 signed after listing: the consented electronic address (e-mail, phone or fax)."""

    electronic_address: str = ""
    address_consent_on: dt.date | None = None


def _case_party(request, case_id, party_id):
    link = row_by_id(_case(request, case_id).case_parties.select_related("party"), party_id, field="party_id")
    if link is None:
        raise NotFound("该当事人不是本案当事人。", code="party_not_found")
    return link


def _party_out(link) -> dict:
    return {"id": link.party_id, "name": link.party.name, "kind": link.party.kind,
            "electronic_consent": bool(link.address_consent_on)}


@router.get("/{case_id}/parties/{party_id}", response={200: CasePartyOut, **error_responses(401, 404)},
            summary="本案的一名当事人")
def get_case_party(request, case_id: str, party_id: str):
    return Status(200, _party_out(_case_party(request, case_id, party_id)))


@router.post("/{case_id}/parties/{party_id}", response={200: CasePartyOut, **error_responses(400, 401, 403, 404, 422)},
             summary="登记送达地址确认书（电子送达地址）")
def confirm_party_address(request, case_id: str, party_id: str, data: CasePartyAddressIn):
    link = C.do_confirm_case_party_address(_case_party(request, case_id, party_id),
                                           electronic_address=data.electronic_address,
                                           address_consent_on=data.address_consent_on, actor=_user(request))
    return Status(200, _party_out(link))


@router.get("/{case_id}/timeline", response={200: list[TimelineEntryOut], **error_responses(401, 404)},
            summary="办案过程（留痕）")
def case_timeline(request, case_id: str):
    return Status(200, queries.timeline(_case(request, case_id)))


class AppealOut(Schema):
    id: int
    kind: str
    kind_label: str
    body: str
    applied_on: dt.date
    accepted_on: dt.date | None
    decided_on: dt.date | None
    outcome: str
    outcome_label: str
    pending: bool
    measure_id: int | None = None  # against a 行政强制措施 of the case (decision 0083)
    note: str


class AppealIn(Schema):
    kind: str
    body: str
    applied_on: dt.date | None = None
    accepted_on: dt.date | None = None
    note: str = ""
    measure_id: int | None = None  # 对行政强制措施不服: the measure (its case's); empty: the case's decision


class AppealOutcomeIn(Schema):
    outcome: str
    decided_on: dt.date | None = None
    accepted_on: dt.date | None = None
    remake_days: int | None = None
    note: str = ""
    received_on: dt.date | None = None  # 收到复议决定书之日: the 15 days to sue count from it (default decided_on)


class PauseIn(Schema):
    reason: str
    note: str
    on: dt.date | None = None


class PauseOut(Schema):
    id: int
    deadline: str
    reason: str
    note: str
    start: dt.date
    end: dt.date | None


class ResumeIn(Schema):
    on: dt.date | None = None


def _appeal_out(a) -> dict:
    return {"id": a.pk, "kind": a.kind, "kind_label": a.get_kind_display(), "body": a.body, "applied_on": a.applied_on,
            "accepted_on": a.accepted_on, "decided_on": a.decided_on, "outcome": a.outcome,
            "outcome_label": a.get_outcome_display() if a.outcome else "", "pending": a.pending, "note": a.note,
            "measure_id": a.measure_id}


@router.get("/{case_id}/appeals", response={200: list[AppealOut], **error_responses(401, 404)},
            summary="行政复议/行政诉讼")
def list_appeals(request, case_id: str):
    return Status(200, [_appeal_out(a) for a in _case(request, case_id).appeals.all()])


@router.post("/{case_id}/appeals", response={201: AppealOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="登记行政复议/行政诉讼")
def record_appeal(request, case_id: str, data: AppealIn):
    appeal = C.do_record_case_appeal(_case(request, case_id), kind=data.kind, body=data.body,
                                     applied_on=data.applied_on, accepted_on=data.accepted_on, note=data.note,
                                     measure=data.measure_id, actor=_user(request))
    return Status(201, _appeal_out(appeal))


def _appeal(request, case_id, appeal_id):
    case = _case(request, case_id)
    appeal = row_by_id(case.appeals.all(), appeal_id)
    if appeal is None:
        raise NotFound("未找到该行政复议或行政诉讼。", code="appeal_not_found")
    return appeal


@router.get("/{case_id}/appeals/{appeal_id}", response={200: AppealOut, **error_responses(401, 404)},
            summary="一次行政复议/行政诉讼")
def get_appeal(request, case_id: str, appeal_id: str):
    return Status(200, _appeal_out(_appeal(request, case_id, appeal_id)))


@router.post("/{case_id}/appeals/{appeal_id}", response={200: AppealOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="登记复议决定/裁判结果")
def decide_appeal(request, case_id: str, appeal_id: str, data: AppealOutcomeIn):
    appeal = C.do_decide_case_appeal(_appeal(request, case_id, appeal_id), outcome=data.outcome,
                                     decided_on=data.decided_on, accepted_on=data.accepted_on,
                                     remake_days=data.remake_days, note=data.note, received_on=data.received_on,
                                     actor=_user(request))
    return Status(200, _appeal_out(appeal))


class RemakeOut(Schema):
    due: bool  # an outcome ordered the decision remade and no new case does it yet
    remade_by: list[int]


@router.get("/{case_id}/remake", response={200: RemakeOut, **error_responses(401, 404)}, summary="重新作出情况")
def remake_state(request, case_id: str):
    case = _case(request, case_id)
    return Status(200, {"due": C.remaking_due(case), "remade_by": list(case.remade_by.values_list("pk", flat=True))})


@router.post("/{case_id}/remake", response={201: CaseDetailOut, **error_responses(400, 401, 403, 404, 409, 422)},
             summary="重新作出决定（立新案）")
def remake_case(request, case_id: str, data: RemakeIn):
    """A new case that remakes this one's decision, after a 复议/诉讼 outcome ordered remaking."""
    case = C.do_create_remade_case(_case(request, case_id), cause=data.cause, on=data.on, actor=_user(request))
    return Status(201, _detail(case))


def _pause_out(pause) -> dict:
    return {"id": pause.pk, "deadline": pause.obligation.kind, "reason": pause.reason, "note": pause.note,
            "start": pause.start, "end": pause.end}


def _pauses(case):
    from sanxiang.deadlines.models import ObligationPause

    ids = queries.obligations_of(case).values_list("pk", flat=True)
    return ObligationPause.objects.filter(obligation_id__in=list(ids)).select_related("obligation").order_by("start", "id")


@router.get("/{case_id}/pauses", response={200: list[PauseOut], **error_responses(401, 404)},
            summary="期限中止计算的记录")
def list_pauses(request, case_id: str):
    return Status(200, [_pause_out(p) for p in _pauses(_case(request, case_id))])


@router.post("/{case_id}/pauses", response={201: PauseOut, **error_responses(400, 401, 403, 404, 422)},
             summary="期限中止计算（检测、检验、检疫、鉴定；公告）")
def pause_time_limit(request, case_id: str, data: PauseIn):
    pause = C.do_pause_case_time_limit(_case(request, case_id), reason=data.reason, note=data.note, on=data.on,
                                       actor=_user(request))
    return Status(201, _pause_out(pause))


def _current_pause(request, case_id):
    pause = _pauses(_case(request, case_id)).filter(end__isnull=True, reason__in=list(C.PAUSE_REASONS)).last()
    if pause is None:
        raise NotFound("本案没有因检测、检验、检疫、鉴定或公告而中止计算的期限。", code="pause_not_found")
    return pause


@router.get("/{case_id}/pauses/current", response={200: PauseOut, **error_responses(401, 404)},
            summary="正在中止计算的期限")
def current_pause(request, case_id: str):
    return Status(200, _pause_out(_current_pause(request, case_id)))


@router.post("/{case_id}/pauses/current", response={200: PauseOut, **error_responses(400, 401, 403, 404, 422)},
             summary="期限恢复计算")
def resume_time_limit(request, case_id: str, data: ResumeIn):
    pause = _current_pause(request, case_id)
    C.do_resume_case_time_limit(_case(request, case_id), on=data.on, actor=_user(request))
    pause.refresh_from_db()
    return Status(200, _pause_out(pause))
