"""The registers built in: 案件台账, 文书及送达台账, 罚没物品台账 (音像记录台账 joins when recordings exist)."""

from __future__ import annotations

from django.db.models import Count, Prefetch

from sanxiang.access.policy import restrict
from sanxiang.cases.models import Case, CaseParty, CaseStatus, DecisionOutcome, ServiceMethod
from sanxiang.cases.pages import penalties_text
from sanxiang.documents.models import Document, DocumentKind, DocumentStatus

from .models import CustodyStage, Goods
from .registry import AMOUNT, COUNT, DATE, QUANTITY, Column, Register, register

PARTIES = Prefetch("case_parties", queryset=CaseParty.objects.select_related("party").order_by("id"),
                   to_attr="register_parties")


def _parties(case) -> str:
    return "、".join(cp.party.name for cp in getattr(case, "register_parties", ()))


def _decision(case) -> str:
    if case.decided_penalties:
        return penalties_text(case.decided_penalties)
    if case.decision_outcome in DecisionOutcome.values:
        return DecisionOutcome(case.decision_outcome).label
    return ""


def _cases(user):
    return restrict(Case.objects.exclude(number="").select_related("unit").prefetch_related(PARTIES), user)


CASES = register(Register(
    name="cases", label="案件台账", query=_cases, date_field="filed_on", date_label="立案日期",
    unit_field="unit", state_field="status", states=lambda: dict(CaseStatus.choices),
    order_by=("filed_on", "number_year", "number_seq", "id"), position=10,
    columns=(
        Column("number", "案号", lambda c: c.number, width=24),
        Column("kind", "案件种类", lambda c: c.get_kind_display()),
        Column("party", "当事人", _parties, width=24),
        Column("cause", "案由", lambda c: c.cause, width=30),
        Column("unit", "承办机构", lambda c: c.unit.name),
        Column("filed_on", "立案日期", lambda c: c.filed_on, DATE, 12),
        Column("status", "案件状态", lambda c: c.status_label),
        Column("decision", "处理决定", _decision, width=24),
        Column("fine", "罚款金额（元）", lambda c: c.decided_fine, AMOUNT),
        Column("confiscation", "没收金额（元）", lambda c: c.decided_confiscation, AMOUNT),
        Column("decided_on", "决定日期", lambda c: c.decided_on, DATE, 12),
        Column("closed_on", "结案日期", lambda c: c.closed_on, DATE, 12),
    ),
))

# Documents served on the party: their service is the case's (送达 is a move of the case, recorded
# with its method and day whether or not the document's PDF was issued here).
SERVED_KINDS = {DocumentKind.PENALTY_DECISION, DocumentKind.SERVICE_RECEIPT}


def _served(document, what):
    case = document.case
    if document.kind not in SERVED_KINDS or not case.served_on:
        return None
    if what == "method":
        return ServiceMethod(case.service_method).label if case.service_method in ServiceMethod.values else ""
    return case.served_on


def _documents(user):
    return restrict(Document.objects.select_related("case__unit").prefetch_related(
        Prefetch("case__case_parties", queryset=CaseParty.objects.select_related("party").order_by("id"),
                 to_attr="register_parties")), user)


DOCUMENTS = register(Register(
    name="documents", label="文书及送达台账", query=_documents, date_field="created_at__date",
    date_label="制作日期", unit_field="case__unit", state_field="status",
    states=lambda: dict(DocumentStatus.choices), order_by=("created_at", "id"), position=20,
    columns=(
        Column("number", "文号", lambda d: d.number, width=26),
        Column("kind", "文书种类", lambda d: d.get_kind_display(), width=16),
        Column("case", "案号", lambda d: d.case.number, width=24),
        Column("party", "当事人", lambda d: _parties(d.case), width=24),
        Column("created_on", "制作日期", lambda d: d.created_at, DATE, 12),
        Column("status", "文书状态", lambda d: d.get_status_display()),
        Column("issued_on", "签发日期", lambda d: d.issued_at, DATE, 12),
        Column("service_method", "送达方式", lambda d: _served(d, "method")),
        Column("served_on", "送达日期", lambda d: _served(d, "on"), DATE, 12),
    ),
))


def _goods(user):
    return restrict(Goods.objects.select_related("case__unit").annotate(hand_over_count=Count("hand_overs")), user)


GOODS = register(Register(
    name="goods", label="罚没物品台账", query=_goods, date_field="registered_on", date_label="登记日期",
    unit_field="case__unit", state_field="stage", states=lambda: dict(CustodyStage.choices),
    order_by=("registered_on", "id"), position=30,
    columns=(
        Column("case", "案号", lambda g: g.case.number, width=24),
        Column("name", "财物名称", lambda g: g.name, width=20),
        Column("spec", "规格型号", lambda g: g.spec),
        Column("quantity", "数量", lambda g: g.quantity, QUANTITY, 10),
        Column("unit", "单位", lambda g: g.unit, width=8),
        Column("origin", "来源", lambda g: g.get_origin_display(), width=18),
        Column("registered_on", "登记日期", lambda g: g.registered_on, DATE, 12),
        Column("holder", "当前保管人", lambda g: g.holder, width=18),
        Column("place", "存放地点", lambda g: g.place, width=24),
        Column("stage", "保管环节", lambda g: g.get_stage_display()),
        Column("hand_overs", "交接次数", lambda g: g.hand_over_count, COUNT, 10),
        Column("disposal", "处置方式", lambda g: g.get_disposal_method_display()),
        Column("disposed_on", "处置日期", lambda g: g.disposed_on, DATE, 12),
        Column("approval", "处置审批", lambda g: g.disposal_approval, width=24),
        Column("proceeds", "处置所得（元）", lambda g: g.disposal_proceeds, AMOUNT),
    ),
))
