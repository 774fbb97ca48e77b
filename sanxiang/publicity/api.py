"""公示 API (`/api/v1/publications/`): the obligations with their deadlines, a publication with its
versions and redaction preview, and the acts — prepare, submit, send back, approve, publish, correct,
withdraw, take down, 不予公开, 暂缓公开 — the same actions as the pages (`publicity/actions.py`).
Every id is resolved within the caller's reach (another agency: 404); bodies are strict (unknown
fields: 422, the one error shape)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.contrib.auth import get_user_model
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from sanxiang.api.errors import error_responses
from sanxiang.core.errors import Conflict, NotFound, RuleViolation
from sanxiang.core.ids import row_by_id
from sanxiang.core.inputs import request_user

from . import actions as P
from . import queries as Q
from .models import Publication, PublicationObligation

router = Router(tags=["publications"])
ERRORS = error_responses(400, 401, 403, 404, 409, 422)
READ = error_responses(401, 404)


_user = request_user


def _obligation(request, obligation_id: str) -> PublicationObligation:
    found = row_by_id(Q.obligations(_user(request)), obligation_id)
    if found is None:
        raise NotFound("未找到该公示义务。", code="obligation_not_found")
    return found


def _publication(request, publication_id: str) -> Publication:
    found = row_by_id(Publication.objects.restrict(_user(request)).select_related("obligation__case", "agency"),
                      publication_id)
    if found is None:
        raise NotFound("未找到该公示信息。", code="publication_not_found")
    return found


def _person(username: str | None, field: str, agency):
    """The account named, among the people of `agency`: another agency's account is not found."""
    from sanxiang.orgs.models import RoleAssignment

    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is None or not RoleAssignment.objects.filter(user=user, agency=agency).exists():
        raise NotFound(f"{agency.name}的人员中没有该用户。", code="user_not_found", field=field)
    return user


class PublicityIn(Schema):
    """Every request body of the publicity API: unknown fields are refused (422)."""

    model_config = ConfigDict(extra="forbid")


class ObligationOut(Schema):
    id: int
    case: str
    case_id: int
    subject: str
    kind: str
    decision: str
    decided_on: dt.date
    rule: str
    citation: str
    period: str
    due: dt.date
    provisional: bool = Field(False, description="公示期限为临时结果：所跨年度尚无官方节假日日历，仅按周末计算")
    status: str
    status_label: str
    level: str = Field(description="临期 yellow | 超期 red | 空")
    scope_note: str
    ground: str
    ground_note: str
    approver: str | None
    deferred_until: dt.date | None
    proposal: str = Field(description="待批准的申请：withhold 不予公开 | defer 暂缓公开 | 空")
    proposal_ground: str
    proposal_note: str
    proposal_until: dt.date | None
    proposed_by: str | None
    proposed_to: str | None = Field(description="所请批准的负责人（用户名）")
    proposed_on: dt.date | None
    publication: int | None


def _period(count, unit) -> str:
    from sanxiang.profiles.schema import format_period

    return format_period({"count": count, "unit": unit})


def obligation_out(ob: PublicationObligation) -> dict:
    pub = getattr(ob, "publication", None)
    return {"id": ob.pk, "case": ob.case.number, "case_id": ob.case_id, "subject": ob.subject, "kind": ob.kind_label,
            "decision": ob.decision_label, "decided_on": ob.decided_on, "rule": ob.rule, "citation": ob.citation,
            "period": _period(ob.count, ob.unit), "due": ob.due, "provisional": Q.provisional(ob), "status": ob.status,
            "status_label": ob.get_status_display(), "level": Q.level(ob), "scope_note": ob.scope_note,
            "ground": ob.get_ground_display() if ob.ground else "", "ground_note": ob.ground_note,
            "approver": ob.approver.get_username() if ob.approver_id else None, "deferred_until": ob.deferred_until,
            "proposal": ob.proposal, "proposal_ground": ob.get_proposal_ground_display() if ob.proposal_ground else "",
            "proposal_note": ob.proposal_note, "proposal_until": ob.proposal_until,
            "proposed_by": ob.proposed_by.get_username() if ob.proposed_by_id else None,
            "proposed_to": ob.proposed_to.get_username() if ob.proposed_to_id else None,
            "proposed_on": ob.proposed_on, "publication": pub.pk if pub is not None else None}


class VersionOut(Schema):
    number: int
    fields: dict[str, str]
    summary: dict[str, str]
    original: str = Field(description="决定原文（内部，不公开）")
    text: str = Field(description="脱敏后公开的文本")
    spans: list[dict]
    kept: list[dict]
    dismissed: list[dict]
    edits: list[dict]
    field_edits: list[dict] = Field(description="编辑对公开字段、摘要的修改，每项有理由")
    unplaced: list[dict] = Field(description="更正后的原文中找不到、未能沿用的脱敏调整（须编辑核对）")
    original_changes: list[str] = Field(description="原文与上一版相比的更正（- 原 / + 新）")
    warnings: list[str] = Field(description="审核前须注意的问题（如摘要未载明决定书文号）")
    stale_fields: list[dict] = Field(description="更正后的原文已不再包含、仍为上一版内容的公开字段或摘要项（part、name、value；须编辑修改或核对）")
    disclosure: str
    ground: str
    serious_dishonesty: bool = Field(description="涉及严重失信行为（行政处罚；撤下提示按规则配置的较长期限）")
    full_text: str = Field(description="公示的行政处罚决定书全文（已签发的决定书，同样脱敏；无则为空）")
    full_text_from: str = Field(description="全文所出的决定书文号")
    full_text_wanted: bool = Field(description="编辑选择附决定书全文（规则鼓励全文公示时）")
    full_text_original: str = Field(description="决定书全文原文（内部，不公开）")
    full_text_spans: list[dict] = Field(description="决定书全文中隐去的片段（start、end 为全文原文中的位置，类别、替换、理由、来源）")
    full_text_dismissed: list[dict] = Field(description="决定书全文中编辑取消隐去的片段及理由")
    correction_reason: str
    made_by: str
    made_at: dt.datetime


class WithdrawalProposalOut(Schema):
    ground: str
    ground_label: str
    reason: str
    proposed_by: str
    proposed_to: str
    proposed_on: dt.date


class PublicationOut(Schema):
    id: int
    obligation: int
    case: str
    status: str
    status_label: str
    version: int
    public_version: int | None
    approved_version: int | None
    approved_by: str | None
    published_on: dt.date | None
    expires_on: dt.date | None
    takedown_prompt_on: dt.date | None
    withdrawn_on: dt.date | None
    withdrawal_reason: str
    revoked: bool
    actions: list[str] = Field(description="当前用户现在可以做的操作")
    withdrawal_proposal: WithdrawalProposalOut | None = Field(None, description="待批准的撤下申请（决定 0090）")
    versions: list[VersionOut]


def _proposal_out(pub) -> dict | None:
    from .withdrawals import SHOWN, pending

    row = pending(pub) if pub.status in SHOWN else None
    if row is None:
        return None
    return {"ground": row.ground, "ground_label": row.ground_label, "reason": row.reason,
            "proposed_by": row.proposed_by_name, "proposed_to": row.proposed_to.get_username(),
            "proposed_on": row.proposed_on}


def publication_out(pub: Publication, user) -> dict:
    from sanxiang.workflow import available

    from .actions import summary_warnings
    from .views import original_changes, stale_fields

    return {"id": pub.pk, "obligation": pub.obligation_id, "case": pub.obligation.case.number,
            "status": pub.status, "status_label": pub.status_label(), "version": pub.version,
            "public_version": pub.public_version, "approved_version": pub.approved_version,
            "approved_by": pub.approved_by.get_username() if pub.approved_by_id else None,
            "published_on": pub.published_on, "expires_on": pub.expires_on,
            "takedown_prompt_on": pub.takedown_prompt_on, "withdrawn_on": pub.withdrawn_on,
            "withdrawal_reason": pub.withdrawal_reason, "revoked": pub.revoked,
            "actions": [o.action for o in available(pub, user) if o.allowed],
            "withdrawal_proposal": _proposal_out(pub),
            "versions": [{"number": v.number, "fields": v.fields_in_order, "summary": v.summary_in_order, "original": v.original,
                          "text": v.text, "spans": v.spans, "kept": v.kept, "dismissed": v.dismissed,
                          "edits": v.edits, "field_edits": v.field_edits, "unplaced": v.unplaced,
                          "original_changes": original_changes(pub, v), "stale_fields": stale_fields(pub, v), "warnings": summary_warnings(v), "disclosure": v.disclosure, "ground": v.ground,
                          "serious_dishonesty": v.serious_dishonesty, "full_text": v.full_text,
                          "full_text_from": v.full_text_from, "full_text_wanted": v.full_text_wanted,
                          "full_text_original": v.full_text_original, "full_text_spans": v.full_text_spans,
                          "full_text_dismissed": v.full_text_dismissed,
                          "correction_reason": v.correction_reason, "made_by": v.made_by_name, "made_at": v.made_at}
                         for v in pub.versions.order_by("number")]}


@router.get("/obligations", response={200: list[ObligationOut], **READ}, summary="公示义务（本人可见的，按期限）")
def list_obligations(request, status: str | None = None):
    rows = Q.obligations(_user(request), status=status)
    return Status(200, [obligation_out(ob) for ob in rows[:500]])


@router.get("/obligations/{obligation_id}", response={200: ObligationOut, **READ}, summary="一项公示义务")
def get_obligation(request, obligation_id: str):
    return Status(200, obligation_out(_obligation(request, obligation_id)))


class OnIn(PublicityIn):
    on: dt.date | None = None


class ProposeIn(PublicityIn):
    proposal: Literal["withhold", "defer"] = Field(..., description="withhold 不予公开 | defer 暂缓公开")
    ground: str = Field(..., max_length=24, description="state_secret 国家秘密 | business_secret 商业秘密 | "
                                                        "privacy 个人隐私 | other_law 法律另有规定")
    note: str = Field(..., max_length=500, description="适用该事由的具体情况")
    approver: str = Field(..., max_length=150, description="所请批准的发布部门负责人的用户名（不能是本人）")
    until: dt.date | None = Field(None, description="暂缓至（暂缓公开时必填）")


@router.post("/obligations/{obligation_id}/propose", response={200: ObligationOut, **ERRORS},
             summary="申请不予公开或暂缓公开（须有法定事由，请负责人批准）")
def propose(request, obligation_id: str, data: ProposeIn):
    ob = _obligation(request, obligation_id)
    approver = _person(data.approver, "approver", ob.agency)
    try:
        done = P.do_propose_withholding(ob, proposal=data.proposal, ground=data.ground, note=data.note,
                                        approver=approver, until=data.until, actor=_user(request))
    except RuleViolation as exc:
        if exc.field != "ground":
            raise
        from .models import Ground

        codes = "、".join(f"{value}（{label}）" for value, label in Ground.choices)
        raise RuleViolation(f"{exc.message}ground 应为：{codes}。", field="ground", code=exc.code,
                            reasons=[f"{value}：{label}" for value, label in Ground.choices]) from None
    return Status(200, obligation_out(_obligation(request, str(done.pk))))


@router.post("/obligations/{obligation_id}/approve", response={200: ObligationOut, **ERRORS},
             summary="批准不予公开或暂缓公开（所请的负责人本人）")
def approve_proposal(request, obligation_id: str, data: OnIn):
    ob = _obligation(request, obligation_id)
    done = P.do_approve_withholding(ob, on=data.on, actor=_user(request))
    return Status(200, obligation_out(_obligation(request, str(done.pk))))


class RefuseIn(PublicityIn):
    reason: str = Field(..., max_length=500)


@router.post("/obligations/{obligation_id}/refuse", response={200: ObligationOut, **ERRORS},
             summary="不批准不予公开或暂缓公开（写明理由）")
def refuse_proposal(request, obligation_id: str, data: RefuseIn):
    ob = _obligation(request, obligation_id)
    done = P.do_refuse_withholding(ob, reason=data.reason, actor=_user(request))
    return Status(200, obligation_out(_obligation(request, str(done.pk))))


@router.get("/{publication_id}", response={200: PublicationOut, **READ}, summary="一条公示信息及其各版本（含脱敏预览）")
def get_publication(request, publication_id: str):
    return Status(200, publication_out(_publication(request, publication_id), _user(request)))


class EditIn(PublicityIn):
    op: Literal["add", "dismiss"] = Field(..., description="add 增加隐去 | dismiss 取消隐去")
    start: int | None = Field(None, ge=0, description="原文中的起止位置；或只给 text")
    end: int | None = Field(None, ge=1)
    text: str | None = Field(None, max_length=200, description="片段的文字；增加隐去时原文、各字段和摘要中的每一处都隐去")
    kind: str = Field("", max_length=24, description="增加隐去的类别（person、address … 或 other）")
    reason: str = Field(..., max_length=300)
    where: Literal["text", "full_text"] | None = Field(
        None, alias="in", description="full_text：取消隐去决定书全文中某一处的片段（start、end 为全文中的位置）；不填为原文")
    outside: bool | None = Field(None, description="（系统记录）只出现在原文以外的公开内容中的文字")


class FieldEditIn(PublicityIn):
    part: Literal["fields", "summary"] = Field("fields", description="fields 公开字段 | summary 处罚信息摘要")
    name: str = Field(..., max_length=40, description="字段名，如 执法结论、违法行为类型")
    value: str = Field(..., max_length=2000, description="公开内容（仍按本案人员和隐去片段脱敏）")
    reason: str = Field(..., max_length=300)


class PrepareIn(PublicityIn):
    edits: list[EditIn] | None = Field(None, max_length=200,
                                       description="对自动隐去片段的调整（完整列表），每项写明理由；不填沿用当前版本")
    field_edits: list[FieldEditIn] | None = Field(None, max_length=40,
                                                  description="公开字段、摘要的修改：与当前版本已有的修改合并，同一字段以本次为准"
                                                              "（不填沿用当前版本）")
    replace_field_edits: bool = Field(False, description="为 true 时 field_edits 即全部修改（[] 恢复系统生成的内容）")
    disclosure: Literal["full", "partial"] = "full"
    ground: str = Field("", max_length=24, description="部分公开的法定事由")
    serious_dishonesty: bool | None = Field(None, description="行政处罚是否涉及严重失信行为（撤下提示按规则配置的较长期限，"
                                                              "如乌鲁木齐3年）；不填沿用当前版本")
    full_text: bool | None = Field(None, description="附已签发的行政处罚决定书全文（规则鼓励全文公示时由编辑选择；"
                                                     "规则要求时总是附上）；不填沿用当前版本")


class ReasonIn(PublicityIn):
    reason: str = Field(..., max_length=500)
    on: dt.date | None = None


class PublicationWithdrawIn(ReasonIn):
    ground: str = Field("", max_length=24, description="撤下事由（决定未记录为已被撤销时必填，须发布部门负责人撤下）："
                        "revoked 决定已被撤销 | confirmed_illegal 决定被确认违法 | void 决定被确认无效 | changed 决定被变更 | "
                        "remade 决定须重新作出 | published_in_error 信息不应公开或公示有误")


class CorrectIn(PublicityIn):
    reason: str = Field(..., max_length=500)
    text: str | None = Field(None, max_length=50000)


class EmptyIn(PublicityIn):
    pass


def _out(request, pub) -> Status:
    return Status(200, publication_out(_publication(request, str(pub.pk)), _user(request)))


@router.post("/{publication_id}/prepare", response={200: PublicationOut, **ERRORS}, summary="编辑公示信息（脱敏调整）")
def prepare(request, publication_id: str, data: PrepareIn):
    pub = _publication(request, publication_id)
    P.do_prepare_publication(pub, edits=None if data.edits is None else
                             [e.model_dump(exclude_none=True, by_alias=True) for e in data.edits],
                             field_edits=None if data.field_edits is None else
                             [e.model_dump() for e in data.field_edits],
                             replace_field_edits=data.replace_field_edits, disclosure=data.disclosure,
                             ground=data.ground, serious_dishonesty=data.serious_dishonesty, full_text=data.full_text,
                             actor=_user(request))
    return _out(request, pub)


@router.post("/{publication_id}/submit", response={200: PublicationOut, **ERRORS}, summary="提交审核")
def submit(request, publication_id: str, data: EmptyIn):
    pub = _publication(request, publication_id)
    return _out(request, P.do_submit_publication(pub, actor=_user(request)))


@router.post("/{publication_id}/send-back", response={200: PublicationOut, **ERRORS}, summary="退回修改")
def send_back(request, publication_id: str, data: ReasonIn):
    pub = _publication(request, publication_id)
    return _out(request, P.do_send_back_publication(pub, reason=data.reason, actor=_user(request)))


@router.post("/{publication_id}/approve", response={200: PublicationOut, **ERRORS}, summary="审核同意发布（发布部门负责人）")
def approve(request, publication_id: str, data: OnIn):
    pub = _publication(request, publication_id)
    return _out(request, P.do_approve_publication(pub, on=data.on, actor=_user(request)))


@router.post("/{publication_id}/publish", response={200: PublicationOut, **ERRORS}, summary="发布（仅限审核通过的版本）")
def publish(request, publication_id: str, data: OnIn):
    pub = _publication(request, publication_id)
    return _out(request, P.do_publish_publication(pub, on=data.on, actor=_user(request)))


@router.post("/{publication_id}/correct", response={200: PublicationOut, **ERRORS}, summary="更正（新版本，保留历史）")
def correct(request, publication_id: str, data: CorrectIn):
    pub = _publication(request, publication_id)
    P.do_correct_publication(pub, reason=data.reason, text=data.text, actor=_user(request))
    return _out(request, pub)


@router.post("/{publication_id}/withdraw", response={200: PublicationOut, **ERRORS}, summary="撤下（公开说明理由）")
def withdraw(request, publication_id: str, data: PublicationWithdrawIn):
    pub = _publication(request, publication_id)
    return _out(request, P.do_withdraw_publication(pub, reason=data.reason, on=data.on, ground=data.ground,
                                                           actor=_user(request)))


class WithdrawalProposeIn(PublicityIn):
    ground: str = Field(..., max_length=24, description="撤下事由：revoked | confirmed_illegal | void | changed | remade | "
                                                        "published_in_error")
    reason: str = Field(..., max_length=500, description="撤下理由（批准后公开说明）")
    approver: str = Field(..., max_length=150, description="所请批准的发布部门负责人的用户名（不能是本人）")
    on: dt.date | None = None


def _pending_proposal(pub):
    from .withdrawals import pending

    row = pending(pub)
    if row is None:
        raise Conflict("没有待批准的撤下申请。", field="status", code="no_withdrawal_proposal")
    return row


@router.post("/{publication_id}/propose-withdrawal", response={200: PublicationOut, **ERRORS},
             summary="申请撤下仍有效的决定（写明事由和公开理由，请负责人批准）")
def propose_withdrawal(request, publication_id: str, data: WithdrawalProposeIn):
    from .withdrawals import do_propose_withdrawal

    pub = _publication(request, publication_id)
    approver = _person(data.approver, "approver", pub.agency)
    do_propose_withdrawal(pub, ground=data.ground, reason=data.reason, approver=approver, on=data.on,
                          actor=_user(request))
    return _out(request, pub)


@router.post("/{publication_id}/approve-withdrawal", response={200: PublicationOut, **ERRORS},
             summary="批准撤下申请（以批准人的名义撤下）")
def approve_withdrawal(request, publication_id: str, data: OnIn):
    from .withdrawals import do_approve_withdrawal

    pub = _publication(request, publication_id)
    return _out(request, do_approve_withdrawal(_pending_proposal(pub), on=data.on, actor=_user(request)))


@router.post("/{publication_id}/refuse-withdrawal", response={200: PublicationOut, **ERRORS},
             summary="不批准撤下申请（写明理由）")
def refuse_withdrawal(request, publication_id: str, data: RefuseIn):
    from .withdrawals import do_refuse_withdrawal

    pub = _publication(request, publication_id)
    do_refuse_withdrawal(_pending_proposal(pub), reason=data.reason, actor=_user(request))
    return _out(request, pub)


@router.post("/{publication_id}/take-down", response={200: PublicationOut, **ERRORS}, summary="公示满期撤下")
def take_down(request, publication_id: str, data: ReasonIn):
    pub = _publication(request, publication_id)
    return _out(request, P.do_take_down_publication(pub, reason=data.reason, on=data.on, actor=_user(request)))


# Each act's path also answers GET with the row as it stands (what the act would act on), so every
# API path reads before it writes, as the rest of the API does.
ACTS = {"prepare": "编辑", "submit": "提交审核", "send-back": "退回修改", "approve": "审核", "publish": "发布",
        "correct": "更正", "withdraw": "撤下", "take-down": "公示满期撤下", "propose-withdrawal": "申请撤下",
        "approve-withdrawal": "批准撤下申请", "refuse-withdrawal": "不批准撤下申请"}
OBLIGATION_ACTS = {"propose": "申请不予公开或暂缓公开", "approve": "批准", "refuse": "不批准"}


def _publication_view():
    def view(request, publication_id: str):
        return Status(200, publication_out(_publication(request, publication_id), _user(request)))
    return view


def _obligation_view():
    def view(request, obligation_id: str):
        return Status(200, obligation_out(_obligation(request, obligation_id)))
    return view


for _act, _label in ACTS.items():
    router.get(f"/{{publication_id}}/{_act}", response={200: PublicationOut, **READ}, summary=f"公示信息（{_label}）",
               operation_id=f"publication_{_act.replace('-', '_')}_view")(_publication_view())
for _act, _label in OBLIGATION_ACTS.items():
    router.get(f"/obligations/{{obligation_id}}/{_act}", response={200: ObligationOut, **READ},
               summary=f"公示义务（{_label}）", operation_id=f"obligation_{_act}_view")(_obligation_view())
