"""What each kind of document needs: the cases it is made for, its 文书简称, its inputs and the
values filled into its template (the context: every template of the kind, national or an
agency's own, gets the same names — docs/documents.md lists them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from sanxiang.core.errors import RuleViolation

from .models import DocumentKind

K = DocumentKind
# Case states after filing and before an end without a decision: a 立案审批表 exists for them.
FILED = {"filed", "investigating", "suspended", "concluded", "notified", "hearing", "decided", "served",
         "executing", "court", "closed"}
DECIDED = {"decided", "served", "executing", "court", "closed"}


@dataclass(frozen=True)
class Input:
    """A text the officer writes for the document (说理), kept in the document's `fields`."""

    name: str
    label: str
    required: bool = True
    max_length: int = 4000
    help: str = ""


@dataclass(frozen=True)
class Spec:
    kind: str
    short: str  # 文书简称 in the 文号, after the agency's (SAMR 格式范本: "×市监处罚〔 〕 号")
    states: frozenset
    inputs: tuple = ()

    @property
    def label(self) -> str:
        return DocumentKind(self.kind).label


SPECS = {
    K.FILING_APPROVAL: Spec(K.FILING_APPROVAL, "立审", frozenset(FILED | {"verifying"})),
    K.PENALTY_DECISION: Spec(K.PENALTY_DECISION, "处罚", frozenset(DECIDED), inputs=(
        # 行政处罚法 第五十九条: the facts and evidence, the kind and basis of the penalty; 说理式执法
        # (泉州 publicity.reasoned_decisions): why evidence was adopted, why this basis, why this amount.
        Input("evidence", "证据采信", help="采信的证据及其证明的事实，未采信的证据及理由"),
        Input("basis", "依据选择", help="违反的法律条文和据以处罚的法律条文，以及选择的理由"),
        Input("statement_adoption", "陈述申辩的采纳情况", required=False,
              help="对当事人陈述、申辩（听证意见）采纳或不予采纳的理由；不填时按案件记录写明"),
    )),
    K.SERVICE_RECEIPT: Spec(K.SERVICE_RECEIPT, "送达", frozenset(DECIDED)),
}


def available_kinds(case) -> list[Spec]:
    """The kinds a document may be generated for in the case's state (penalty cases, 普通程序)."""
    if case.kind != "penalty" or case.procedure != "general":
        return []
    return [spec for spec in SPECS.values() if case.status in spec.states]


def clean_inputs(spec: Spec, given: dict | None) -> dict:
    given = given or {}
    cleaned, problems, field = {}, [], None
    for item in spec.inputs:
        value = given.get(item.name)
        if value is not None and not isinstance(value, str):
            problems.append(f"{item.label}必须是文字。")
            field = field or item.name
            continue
        value = (value or "").strip()
        if item.required and not value:
            problems.append(f"{spec.label}须写明{item.label}（{item.help}）。")
            field = field or item.name
        elif len(value) > item.max_length:
            problems.append(f"{item.label}过长（最多 {item.max_length} 字）。")
            field = field or item.name
        cleaned[item.name] = value
    if problems:
        raise RuleViolation("；".join(problems), field=field, reasons=problems)
    return cleaned


def chinese_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _party(case_party) -> dict:
    party = case_party.party
    code = party.credit_code or party.id_number
    return {"name": party.name, "kind": party.get_kind_display(), "code": code,
            "code_label": "统一社会信用代码" if party.credit_code else (party.get_id_kind_display() or "证件号码"),
            "legal_representative": party.legal_representative, "address": party.address, "phone": party.phone}


def _penalties(case) -> str:
    from sanxiang.cases.models import PenaltyType

    parts = []
    for key in case.decided_penalties:
        label = PenaltyType(key).label if key in PenaltyType.values else key
        if key == "fine" and case.decided_fine is not None:
            label = f"罚款人民币 {case.decided_fine:,.2f} 元"
        elif key == "confiscate_income" and case.decided_confiscation is not None:
            label = f"没收违法所得人民币 {case.decided_confiscation:,.2f} 元"
        parts.append(label)
    return "；".join(parts)


def _statement_default(case) -> str:
    if case.statement:
        return f"当事人于{chinese_date(case.statement_on)}提出陈述、申辩：{case.statement}"
    if case.rights_waived_on:
        return "当事人明确放弃陈述、申辩和听证的权利。"
    return "当事人在法定期限内未提出陈述、申辩，也未要求听证。"


def context(case, spec: Spec, inputs: dict, *, number: str, on: dt.date, served_document=None) -> dict:
    """The values a template of `spec.kind` is filled with (plain strings, lists of dicts)."""
    parties = [_party(cp) for cp in case.case_parties.select_related("party")]
    handlers = [{"name": h.person.name, "certificate": h.certificate.number}
                for h in case.handlers.select_related("person", "certificate") if h.until is None]
    values = {
        "agency_name": case.agency.name, "unit_name": case.unit.name if case.unit_id else "",
        "number": number, "case_number": case.number or "（立案后编号）", "cause": case.cause,
        "source": case.get_source_display(), "clue_on": chinese_date(case.clue_on),
        "filed_on": chinese_date(case.filed_on), "facts": case.facts or case.cause,
        "parties": parties, "party_names": "、".join(p["name"] for p in parties) or "（未列明当事人）",
        "handlers": handlers, "handler_names": "、".join(h["name"] for h in handlers),
        "date": chinese_date(on),
    }
    if spec.kind == K.PENALTY_DECISION:
        values.update({
            "evidence": inputs["evidence"], "basis": inputs["basis"],
            "discretion": case.discretion or "（未记载裁量理由）",
            "statement_adoption": inputs.get("statement_adoption") or _statement_default(case),
            "penalties": _penalties(case), "decided_on": chinese_date(case.decided_on),
        })
    if spec.kind == K.SERVICE_RECEIPT:
        values.update({
            "served_document": (f"行政处罚决定书（{served_document.number}）" if served_document
                                 else "行政处罚决定书"),
            "service_method": case.get_service_method_display() if case.service_method else "",
            "served_on": chinese_date(case.served_on),
        })
    return values


def sample_context(kind: str) -> dict:
    """A complete context with sample values: an uploaded template must render against it."""
    party = {"name": "示例有限公司", "kind": "法人或其他组织", "code": "91110000MA00000000",
             "code_label": "统一社会信用代码", "legal_representative": "张某", "address": "示例地址", "phone": ""}
    today = chinese_date(timezone.localdate())
    values = {"agency_name": "示例市场监督管理局", "unit_name": "执法科", "number": "示例处罚〔2026〕1号",
              "case_number": "立〔2026〕0001号", "cause": "涉嫌销售过期食品", "source": "投诉",
              "clue_on": today, "filed_on": today, "facts": "经查，……", "parties": [party],
              "party_names": party["name"], "handlers": [{"name": "王某", "certificate": "00000001"}],
              "handler_names": "王某", "date": today}
    if kind == K.PENALTY_DECISION:
        values.update({"evidence": "……", "basis": "……", "discretion": "……", "statement_adoption": "……",
                       "penalties": "警告；罚款人民币 5,000.00 元", "decided_on": today})
    if kind == K.SERVICE_RECEIPT:
        values.update({"served_document": "行政处罚决定书（示例处罚〔2026〕1号）", "service_method": "直接送达",
                       "served_on": today})
    return values
