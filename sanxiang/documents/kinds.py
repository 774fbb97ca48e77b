"""What each kind of document needs: the cases and states it is made in, its 文书简称, its inputs and
the values filled into its template (the context: every template of the kind, national or an
agency's own, gets the same names — `Spec.names` lists the kind's own, docs/documents.md all).

A kind is open in a case when the case's table (`Case.workflow_table()`) and state are among
`Spec.where`; kinds about a coercive measure also need a measure of the case in the right state.
The values come from the case and the moves recorded in the ledger (the hearing's place, the
measure's items, the inspection's items and result), never typed again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from sanxiang.core.errors import RuleViolation, join_reasons

from .models import DocumentKind

K = DocumentKind
P, PS, L = "penalty_general", "penalty_simplified", "labour_inspection_general"
INS, LI, CF, AD = "inspection_general", "licence_general", "confirmation_general", "adjudication_general"

# Case states after filing and before an end without a decision: a 立案审批表 exists for them.
FILED = {"filed", "investigating", "suspended", "concluded", "notified", "hearing", "decided", "served",
         "executing", "court", "closed"}
LABOUR_FILED = FILED | {"rectifying"}
INVESTIGATING = {"verifying", "filed", "investigating", "suspended"}
LABOUR_INVESTIGATING = {"filed", "investigating", "suspended", "rectifying"}
CONCLUDED = {"concluded", "notified", "hearing", "decided", "served", "executing", "court", "closed"}
NOTIFYING = {"concluded", "notified", "hearing"}
DECIDED = {"decided", "served", "executing", "court", "closed"}
# Where a case has ended (the archive's three forms are made then).
ENDED = {P: {"closed", "not_filed", "terminated"}, PS: {"closed"},
         L: {"closed", "not_filed", "cancelled", "transferred"}, INS: {"closed", "cancelled", "handed_over"},
         LI: {"closed", "not_accepted", "withdrawn", "licensed", "revoked", "deregistered", "refused"},
         CF: {"closed", "not_accepted"}, AD: {"closed", "not_accepted"}}
MEASURE_ACTIVE = ("approved", "emergency", "in_force", "testing")
# 劳动保障监察: after 责令改正 — 限期整改中, then 结案 (corrected) or on to the penalty (not corrected).
RECTIFICATION_ORDERED = {"rectifying", "closed", "concluded", "notified", "hearing", "decided", "served",
                         "executing", "court", "transferred"}


@dataclass(frozen=True)
class Input:
    """A text the officer writes for the document (说理, a record's content), kept in `fields`."""

    name: str
    label: str
    required: bool = True
    max_length: int = 4000
    help: str = ""
    datetime: bool = False  # a local date and time ("2026-11-24 09:30"), kept as written in that form


@dataclass(frozen=True)
class MeasureRule:
    """The coercive measure a kind is about: of these kinds, in these states (and passing `test`)."""

    kinds: tuple
    statuses: tuple
    test: Callable | None = None

    def matches(self, measure) -> bool:
        return (measure.kind in self.kinds and measure.status in self.statuses
                and (self.test is None or self.test(measure)))


@dataclass(frozen=True)
class Spec:
    kind: str
    short: str  # 文书简称 in the 文号, after the agency's (SAMR 格式范本: "×市监处罚〔 〕 号")
    where: dict  # case table → the states the kind is open in
    inputs: tuple = ()
    names: dict = field(default_factory=dict)  # the kind's own template names, with sample values
    repeatable: bool = False  # several per case (笔录, one per measure…); else one, then corrections
    signable: bool = False  # signed by the officer and the party on a tablet (笔录, 送达回证)
    measure: MeasureRule | None = None
    when: Callable | None = None  # a further condition on the case (a hearing was asked for…)
    # Kinds made from something else than the case's state — a review round's 审核表 — are not offered
    # on the case page; another app's action generates them with `subject=` and `values` (a dotted
    # path to `f(case, subject) -> dict`) adds the subject's names. One per subject, then corrections.
    offered: bool = True
    values: str = ""

    @property
    def label(self) -> str:
        return DocumentKind(self.kind).label

    def __hash__(self):
        return hash(self.kind)

    def __eq__(self, other):
        return isinstance(other, Spec) and other.kind == self.kind


def _in(*tables, states):
    return {t: frozenset(states) for t in tables}


TOLD_HELP = "出示执法证件、告知的事项（执法事由、依据、权利义务、全程音像记录）；不填时按案件记录写明"
RECORD_NAMES = {"certificates_shown": "00000001、00000002", "told": "执法人员出示了执法证件……",
                "officer_signature": "", "party_signature": "", "signed_on": ""}


def _spec(kind, short, where, *, inputs=(), names=None, signable=False, **extra):
    names = dict(names or {})
    if signable:
        names = {**names, **RECORD_NAMES}
    return Spec(kind, short, where, inputs=tuple(inputs), names=names, signable=signable, **extra)


REASONING = (
    # 行政处罚法 第五十九条: the facts and evidence, the kind and basis of the penalty; 说理式执法
    # (泉州 publicity.reasoned_decisions): why evidence was adopted, why this basis, why this amount.
    Input("evidence", "证据采信", help="采信的证据及其证明的事实，未采信的证据及理由"),
    Input("basis", "依据选择", help="违反的法律条文和据以处罚的法律条文，以及选择的理由"),
    Input("statement_adoption", "陈述申辩的采纳情况", required=False,
          help="对当事人陈述、申辩（听证意见）采纳或不予采纳的理由；不填时按案件记录写明"),
)
MEASURE_NAMES = {"measure_kind": "查封", "measure_reason": "涉嫌……，依据……", "measure_place": "当事人仓库",
                 "measure_on": "2026年3月2日", "measure_period": "30日", "items": [
                     {"seq": 1, "name": "牛奶", "spec": "250ml×24", "quantity": "10", "unit": "箱",
                      "place": "当事人冷库", "custody": "行政机关保管"}]}
ENTRY = {"seq": 1, "number": "示例处罚〔2026〕1号", "responsible": "示例市场监督管理局", "title": "行政处罚决定书",
         "date": "2026年1月5日", "pages": "1-3", "note": ""}

# The 审核表's own names (sanxiang/review/forms.py fills them from a round; docs/review.md "Documents").
# `signed`: each signed step's text by the step's code in the profile's `review.signoff_chain` (株洲's)
SIGN_STEPS = ("handling_head", "handling_leader", "legal_review", "legal_head", "legal_leader", "director")
REVIEW_NAMES = {
    "track": "行政处罚案件审核", "reviewing_body": "法制审核机构", "round_number": "1", "submitted_on": "2026年1月5日",
    "proposal": "罚款人民币 5,000.00 元", "basis": "……", "discretion": "……",
    "rules": [{"label": "一般程序行政处罚决定均须法制审核", "citation": "……"}],
    "materials": [{"code": "A", "label": "调查终结报告或情况说明", "provided": "已提交", "note": ""}],
    "complete_on": "2026年1月5日", "due_on": "2026年1月19日", "extension": "", "supplements": "",
    "checklist": [{"point": "执法主体是否合法，执法人员是否具备执法资格", "finding": "合法", "note": ""}],
    "opinion_kind": "同意", "opinion_text": "……", "opinion_on": "2026年1月12日", "reviewer_name": "赵某",
    "signoffs": [{"step": "法制审核", "name": "赵某", "opinion": "同意", "date": "2026年1月12日"}],
    "signed": {step: "" for step in SIGN_STEPS}, "resolution": "无", "decided": "",
}
REVIEW_VALUES = "sanxiang.review.forms.form_values"


def _review_form(kind, short):
    return _spec(kind, short, {}, names=REVIEW_NAMES, offered=False, values=REVIEW_VALUES)


SPECS = {spec.kind: spec for spec in (
    _spec(K.FILING_APPROVAL, "立审", {**_in(P, states=FILED | {"verifying"}), **_in(L, states=LABOUR_FILED | {"clue"})}),
    _spec(K.NOT_FILING_APPROVAL, "不立", {**_in(P, states={"verifying", "not_filed"}),
                                         **_in(L, states={"clue", "not_filed"})},
          inputs=(Input("reason", "不予立案的理由", required=False,
                        help="不予立案的事实和依据；不填时按案件记录的理由写明"),),
          names={"reason": "违法行为轻微并及时改正，没有造成危害后果。"}),
    _spec(K.ONSITE_RECORD, "现笔", {**_in(P, states=INVESTIGATING), **_in(L, states=LABOUR_INVESTIGATING),
                                   **_in(INS, states={"inspecting", "inspected", "rectifying"})},
          inputs=(Input("place", "检查地点", required=False, max_length=300, help="不填时按现场执法记录写明"),
                  Input("content", "现场情况", help="现场检查的过程、发现的情况"),
                  Input("told", "告知事项", required=False, help=TOLD_HELP)),
          names={"place": "当事人经营场所", "content": "现场检查发现……", "onsite_on": "2026年3月2日"},
          signable=True, repeatable=True),
    _spec(K.INQUIRY_RECORD, "询笔", {**_in(P, states=INVESTIGATING), **_in(L, states=LABOUR_INVESTIGATING)},
          inputs=(Input("interviewee", "被询问人", max_length=100, help="姓名、身份及与当事人的关系"),
                  Input("place", "询问地点", max_length=300),
                  # 询问起止时间 (市场监管行政处罚程序规定 第二十八条: 询问笔录写明询问的起止时间)
                  Input("started_at", "询问开始时间", max_length=20, help="如 2026-11-24 09:30", datetime=True),
                  Input("ended_at", "询问结束时间", max_length=20, help="如 2026-11-24 10:45", datetime=True),
                  Input("content", "询问内容", help="问答记录"),
                  Input("told", "告知事项", required=False, help=TOLD_HELP)),
          names={"interviewee": "张某（当事人员工）", "place": "本局询问室", "content": "问：……答：……",
                 "inquiry_time": "2026年1月5日9时30分至10时45分"},
          signable=True, repeatable=True),
    _spec(K.EDATA_RECORD, "电取", {**_in(P, states=INVESTIGATING), **_in(L, states=LABOUR_INVESTIGATING)},
          inputs=(Input("source", "电子数据来源", max_length=500, help="存储介质或网络平台、账号、设备"),
                  Input("method", "提取方法", max_length=1000, help="提取的过程和所用工具"),
                  Input("content", "提取的电子数据", help="名称、数量、大小"),
                  Input("digest", "完整性校验值", required=False, max_length=500, help="如 SHA-256 值"),
                  Input("told", "告知事项", required=False, help=TOLD_HELP)),
          names={"source": "当事人电脑", "method": "拷贝", "content": "销售记录.xlsx", "digest": ""},
          signable=True, repeatable=True),
    _spec(K.PRESERVATION_NOTICE, "先保", _in(P, L, states=INVESTIGATING | LABOUR_INVESTIGATING | NOTIFYING),
          measure=MeasureRule(("preservation",), MEASURE_ACTIVE), names=MEASURE_NAMES, repeatable=True),
    _spec(K.MEASURE_DECISION, "强制", _in(P, L, states=INVESTIGATING | LABOUR_INVESTIGATING | NOTIFYING),
          measure=MeasureRule(("seal", "seize"), MEASURE_ACTIVE), names=MEASURE_NAMES, repeatable=True),
    _spec(K.MEASURE_LIST, "清单", _in(P, L, states=INVESTIGATING | LABOUR_INVESTIGATING | NOTIFYING | DECIDED),
          measure=MeasureRule(("preservation", "seal", "seize"), (*MEASURE_ACTIVE, "released", "disposed")),
          names=MEASURE_NAMES, signable=True, repeatable=True),
    _spec(K.MEASURE_EXTENSION, "延期", _in(P, L, states=INVESTIGATING | LABOUR_INVESTIGATING | NOTIFYING),
          measure=MeasureRule(("seal", "seize"), ("in_force", "testing"), lambda m: m.extended_on is not None),
          names={**MEASURE_NAMES, "extension_days": "30", "extension_reason": "情况复杂"}, repeatable=True),
    _spec(K.MEASURE_RELEASE, "解强", _in(P, L, states=FILED | LABOUR_FILED | {"verifying", "terminated"}),
          measure=MeasureRule(("preservation", "seal", "seize"), ("released",)),
          names={**MEASURE_NAMES, "release_reason": "当事人没有违法行为", "released_on": "2026年3月20日"},
          repeatable=True),
    _spec(K.SAMPLING_RECORD, "抽样", {**_in(P, states=INVESTIGATING), **_in(INS, states={"inspecting"})},
          inputs=(Input("sample", "样品名称及规格", max_length=500),
                  Input("quantity", "抽样数量及基数", max_length=300),
                  Input("method", "抽样方法", max_length=1000, help="抽样方式、封样情况"),
                  Input("told", "告知事项", required=False, help=TOLD_HELP)),
          names={"sample": "纯牛奶 250ml", "quantity": "6 盒（基数 200 盒）", "method": "随机抽取，现场封样"},
          signable=True, repeatable=True),
    _spec(K.INVESTIGATION_REPORT, "终报", _in(P, L, states=CONCLUDED),
          inputs=(Input("evidence", "证据", help="认定违法事实的证据"),
                  Input("opinion", "处理意见及理由", help="拟作出的处理及其依据和理由")),
          names={"evidence": "……", "opinion": "……", "proposed": "罚款人民币 5,000.00 元"}),
    _spec(K.PENALTY_NOTICE, "罚告", _in(P, L, states=NOTIFYING),
          inputs=(Input("basis", "拟处罚的依据", help="违反及据以处罚的法律条文"),),
          names={"basis": "……", "proposed": "罚款人民币 5,000.00 元", "hearing_right": "有",
                 "notified_on": "2026年1月5日"}),
    _spec(K.STATEMENT_RECORD, "陈申", _in(P, L, states={"notified", "hearing"}),
          inputs=(Input("content", "陈述申辩内容", required=False, help="不填时按案件记录的陈述申辩写明"),
                  Input("told", "告知事项", required=False, help=TOLD_HELP)),
          names={"content": "当事人称……"}, signable=True, repeatable=True),
    _spec(K.HEARING_NOTICE, "听通", {**_in(P, L, states={"hearing"}), **_in(LI, states={"hearing"})},
          names={"hearing_on": "2026年1月20日", "hearing_place": "本局听证室", "requested_on": "2026年1月8日"}),
    _spec(K.HEARING_RECORD, "听笔", {**_in(P, L, states={"hearing", "notified"}), **_in(LI, states={"hearing"})},
          when=lambda case: case.hearing_requested_on is not None or case.kind == "licence",
          inputs=(Input("host", "听证主持人", max_length=100),
                  Input("content", "听证记录", help="调查人员提出的事实、证据和处罚建议，当事人的陈述、申辩和质证"),
                  Input("told", "告知事项", required=False, help=TOLD_HELP)),
          names={"host": "钱某", "content": "……", "hearing_on": "2026年1月20日", "hearing_place": "本局听证室"},
          signable=True, repeatable=True),
    _spec(K.HEARING_REPORT, "听报", {**_in(P, L, states={"hearing", "notified", "decided"}),
                                    **_in(LI, states={"hearing"})},
          when=lambda case: case.hearing_requested_on is not None or case.kind == "licence",
          inputs=(Input("host", "听证主持人", max_length=100),
                  Input("opinion", "听证主持人意见", help="对事实、证据、依据的意见和处理建议")),
          names={"host": "钱某", "opinion": "……", "hearing_on": "2026年1月20日", "hearing_place": "本局听证室"}),
    _spec(K.PENALTY_DECISION, "处罚", _in(P, L, states=DECIDED), inputs=REASONING,
          when=lambda case: decision_conflict(case, K.PENALTY_DECISION) is None,
          names={"evidence": "……", "basis": "……", "discretion": "……", "statement_adoption": "……",
                 "penalties": "警告；罚款人民币 5,000.00 元", "decided_on": "2026年1月5日"}),
    _spec(K.ONSITE_DECISION, "当罚", _in(PS, states={"filed", "decided", "served", "executing", "closed"}),
          inputs=(Input("basis", "依据", help="违反及据以处罚的法律条文"),
                  Input("place", "处罚地点", max_length=300)),
          names={"basis": "……", "place": "……", "penalties": "罚款人民币 150.00 元", "decided_on": "2026年1月5日"},
          signable=True),
    _spec(K.NO_PENALTY_DECISION, "不罚", _in(P, L, states=CONCLUDED),
          when=lambda case: decision_conflict(case, K.NO_PENALTY_DECISION) is None,
          inputs=(Input("evidence", "证据采信", help="采信的证据及其证明的事实"),
                  Input("reason", "不予处罚的理由和依据", help="如 行政处罚法第三十三条 首违不罚、轻微不罚及理由"),
                  Input("statement_adoption", "陈述申辩的采纳情况", required=False, help="不填时按案件记录写明")),
          names={"evidence": "……", "reason": "……", "statement_adoption": "……", "discretion": "……"}),
    _spec(K.SERVICE_ADDRESS, "送确", {**_in(P, states=FILED | {"verifying"}), **_in(L, states=LABOUR_FILED),
                                      **_in(PS, states={"filed", "decided"}),
                                      **_in(LI, states={"applied", "accepted", "reviewing", "assessing", "hearing"}),
                                      **_in(CF, AD, states={"applied", "accepted", "reviewing"})},
          names={"electronic_address": "", "address_consent_on": ""}, signable=True),
    _spec(K.SERVICE_RECEIPT, "送达", {**_in(P, L, states=DECIDED), **_in(PS, states={"decided", "served"}),
                                     **_in(LI, states={"granted", "refused", "served", "licensed", "not_accepted"}),
                                     **_in(CF, AD, states={"decided", "served", "not_accepted"})},
          names={"served_document": "行政处罚决定书（示例处罚〔2026〕1号）", "service_method": "直接送达",
                 "served_on": "2026年1月6日"}, signable=True),
    _spec(K.DEMAND_NOTICE, "催告", _in(P, L, states={"served", "executing"}),
          names={"penalties": "罚款人民币 5,000.00 元", "owed": "5,000.00", "decision_number": "……",
                 "served_on": "2026年1月6日"}),
    _spec(K.CLOSING_APPROVAL, "结审", {**_in(P, states={"served", "executing", "court", "closed", "terminated"}),
                                      **_in(PS, states={"served", "executing", "closed"}),
                                      **_in(L, states={"served", "executing", "court", "closed", "cancelled",
                                                       "transferred"}),
                                      **_in(INS, states={"inspected", "rectified", "handed_over", "closed", "cancelled"}),
                                      **_in(LI, states={"served", "licensed", "closed", "not_accepted", "withdrawn",
                                                        "refused"}),
                                      **_in(CF, AD, states={"served", "closed", "not_accepted"})},
          names={"outcome": "罚款人民币 5,000.00 元", "execution": "已全部缴纳", "decided_on": "2026年1月5日"}),
    _spec(K.INSPECTION_NOTICE, "检通", _in(INS, states={"planned", "notice_sent", "inspecting"}),
          inputs=(Input("basis", "检查依据", required=False, help="检查的法律依据；不填时写明检查来源"),),
          names={"basis": "计划检查", "items": ["食品经营许可情况"], "planned_on": "2026年1月5日",
                 "inspection_code": "JC-0001"}),
    _spec(K.INSPECTION_RECORD, "检记", _in(INS, states={"inspecting", "inspected", "rectifying", "rectified",
                                                     "handed_over", "closed"}),
          inputs=(Input("basis", "检查依据", required=False, help="检查的法律依据；不填时写明检查来源"),
                  Input("told", "告知事项", required=False, help=TOLD_HELP)),
          names={"basis": "计划检查", "items": ["食品经营许可情况"], "result": "发现问题", "conclusion": "……",
                 "problems": "……", "rectification": "", "started_on": "2026年1月5日"}, signable=True),
    _spec(K.ACCEPTANCE_NOTICE, "受理", {**_in(LI, states={"accepted", "reviewing", "assessing", "hearing"}),
                                       **_in(CF, AD, states={"accepted", "reviewing"})},
          names={"accepted_on": "2026年1月5日", "time_limit": "二十日"}),
    _spec(K.NOT_ACCEPTED_DECISION, "不受", _in(LI, CF, AD, states={"not_accepted"}),
          inputs=(Input("reason", "不予受理的理由", required=False, help="不填时按案件记录的理由写明"),),
          names={"reason": "……"}),
    _spec(K.LICENCE_GRANT, "准许", _in(LI, states={"granted", "served", "licensed", "closed"}),
          names={"content": "准予……", "licence_number": "", "valid_from": "", "valid_until": "",
                 "decided_on": "2026年1月5日"}),
    _spec(K.LICENCE_REFUSAL, "不许", _in(LI, states={"refused", "served", "closed"}),
          inputs=(Input("reason", "不予许可的理由", required=False, help="不填时按决定记录的理由写明"),),
          names={"reason": "……", "decided_on": "2026年1月5日"}),
    _spec(K.CASE_DECISION, "决定", _in(CF, AD, states={"decided", "served", "closed"}),
          inputs=(Input("evidence", "认定的事实和证据"), Input("basis", "依据及理由")),
          names={"decision_kind": "行政确认", "evidence": "……", "basis": "……", "content": "……",
                 "decided_on": "2026年1月5日"}),
    # 劳动保障监察: the 限期整改指令书 once 责令改正 is decided (also after it was not complied with and the
    # case went on to a penalty), and the 复查 of the correction (before or after 确认已改正并结案).
    _spec(K.RECTIFICATION_ORDER, "限改", _in(L, states=RECTIFICATION_ORDERED),
          when=lambda case: case.rectify_by is not None,
          names={"order_content": "限期足额支付拖欠的劳动报酬", "rectify_by": "2026年12月31日",
                 "ordered_on": "2026年12月1日"}),
    _spec(K.RECTIFICATION_RECHECK, "复查", _in(L, states=RECTIFICATION_ORDERED),
          when=lambda case: case.rectify_by is not None,
          inputs=(Input("content", "复查情况", required=False,
                        help="复查的时间、地点、查看的材料和改正情况；不填时按结案时记录的复查情况写明"),
                  Input("told", "告知事项", required=False, help=TOLD_HELP)),
          names={"content": "经复查，已全额支付拖欠的劳动报酬。", "order_content": "限期足额支付拖欠的劳动报酬",
                 "order_number": "某人社限改〔2026〕1号", "rectify_by": "2026年12月31日", "ordered_on": "2026年12月1日", "rechecked_on": "2026年12月20日"},
          signable=True, repeatable=True),
    _spec(K.FILE_COVER, "卷封", {t: frozenset(s) for t, s in ENDED.items()},
          names={"outcome": "……", "closed_on": "2026年1月5日", "entries": [ENTRY], "total_pages": "3",
                 "retention": "永久", "volume": "正卷"}),
    _spec(K.FILE_CATALOGUE, "卷目", {t: frozenset(s) for t, s in ENDED.items()},
          names={"entries": [ENTRY], "total_pages": "3", "volume": "正卷"}),
    _spec(K.FILE_NOTES, "备考", {t: frozenset(s) for t, s in ENDED.items()},
          names={"entries": [ENTRY], "total_pages": "3", "volume": "正卷", "notes": "",
                 "compiled_by": "", "checked_by": "", "compiled_on": "2026年1月5日"}),
    # 文书简称: SAMR 范本 36 (案件审核/法制审核表) gives none; the platform's own, as for 终报
    _review_form(K.CASE_REVIEW_FORM, "案审"),
    _review_form(K.LEGAL_REVIEW_FORM, "法审"),
    _review_form(K.MAJOR_REVIEW_FORM, "重审"),
    _review_form(K.INTERNAL_APPROVAL_FORM, "事批"),
    # 执法决定信息公示告知书 (decision 0072): made by the publicity app from a publication (subject), with the
    # party's 公示查询码 printed on it; the platform's own 简称
    _spec(K.PUBLICITY_NOTICE, "示告", {}, offered=False, values="sanxiang.publicity.notices.notice_values",
          names={"decision_number": "示例处罚〔2026〕1号", "decision_label": "作出行政处罚决定",
                 "notice_subject": "涉嫌销售过期食品一案作出行政处罚决定",
                 "published_items": "行政处罚决定书（经必要的脱敏处理）及行政处罚信息摘要",
                 "channel": "国家企业信用信息公示系统、本机关政府信息公开专栏", "portal_url": "https://example.org/gk/x/",
                 "correction_url": "https://example.org/gk/x/jiuzheng/", "period": "自公示之日起三年",
                 "publish_by": "本机关将于2026年1月20日前公示", "query_code": "ABCD-EFGH", "early_stop": "……",
                 "correction_answer": "20个工作日", "basis": "……"}),
)}
ARCHIVE_KINDS = (K.FILE_COVER, K.FILE_CATALOGUE, K.FILE_NOTES)
# What a 送达回证 serves: the newest of these the case has.
SERVED_KINDS = (K.PENALTY_DECISION, K.ONSITE_DECISION, K.NO_PENALTY_DECISION, K.LICENCE_GRANT, K.LICENCE_REFUSAL,
                K.NOT_ACCEPTED_DECISION, K.CASE_DECISION, K.PENALTY_NOTICE, K.HEARING_NOTICE, K.MEASURE_DECISION)


# A case is decided one way (行政处罚法第五十七条): the decision documents that contradict each other.
OPPOSITE_DECISIONS = {K.PENALTY_DECISION: (K.NO_PENALTY_DECISION,), K.ONSITE_DECISION: (K.NO_PENALTY_DECISION,),
                      K.NO_PENALTY_DECISION: (K.PENALTY_DECISION, K.ONSITE_DECISION)}


# A decision document offered before its case's decision (a draft: 决定书代拟稿) is issued only once the
# decision was made by the case's own act, which runs the decision's guards and the 法制审核 gate
# (cases/review_gate.review_problem; decision 0067). The kind, the act that decides it, and whether it was made.
DECIDED_BY_ACT = {
    K.NO_PENALTY_DECISION: ("不予行政处罚决定", lambda case: case.decided_on is not None and not case.decided_penalties),
    K.ONSITE_DECISION: ("当场处罚决定", lambda case: case.decided_on is not None),
}


def decision_pending(case, kind: str) -> str | None:
    """Why a decision document of `kind` cannot be issued yet: its case has not made the decision it
    records (None: it has, or the kind is offered only after the decision)."""
    found = DECIDED_BY_ACT.get(kind)
    if found is None or found[1](case):
        return None
    label = DocumentKind(kind).label
    return (f"本案尚未作出{found[0]}（案件当前为“{case.status_label}”），{label}只能作为代拟稿，"
            f"不能签发：决定须经案件的决定程序作出（依法须经法制审核的，审核通过后）。")


def decision_conflict(case, kind: str) -> str | None:
    """Why a decision document of `kind` contradicts the decision the case has (a penalty decided, or
    a decision without penalty), or an issued decision of the other kind still in force; else None."""
    from .models import Document, DocumentStatus

    label = DocumentKind(kind).label
    if kind == K.NO_PENALTY_DECISION and case.decided_penalties:
        return f"本案已决定给予行政处罚，不能制作{label}（行政处罚法第五十七条：案件只作出一种决定）。"
    if kind == K.PENALTY_DECISION and case.decided_on is not None and not case.decided_penalties:
        return f"本案的决定不含行政处罚，不能制作{label}（行政处罚法第五十七条）。"
    opposite = OPPOSITE_DECISIONS.get(kind, ())
    if opposite:
        issued = Document.objects.filter(case=case, kind__in=opposite, status=DocumentStatus.ISSUED)
        in_force = issued.exclude(pk__in=Document.objects.filter(case=case, replaces__isnull=False)
                                  .exclude(status=DocumentStatus.FAILED).values("replaces_id")).first()
        if in_force is not None:
            return (f"本案已签发{in_force.get_kind_display()}{in_force.number}，不能再制作{label}"
                    "（行政处罚法第五十七条：案件只作出一种决定）。")
    return None


def measures_for(case, spec: Spec) -> list:
    if spec.measure is None:
        return []
    return [m for m in case.measures.order_by("-id") if spec.measure.matches(m)]


def available_kinds(case) -> list[Spec]:
    """The kinds a document may be generated for in the case's table and state."""
    table = case.workflow_table()
    return [spec for spec in SPECS.values() if spec.offered and case.status in spec.where.get(table, ())
            and (spec.measure is None or measures_for(case, spec)) and (spec.when is None or spec.when(case))]


def clean_inputs(spec: Spec, given: dict | None) -> dict:
    given = given or {}
    cleaned, problems, field_name = {}, [], None
    for item in spec.inputs:
        value = given.get(item.name)
        if value is not None and not isinstance(value, str):
            problems.append(f"{item.label}必须是文字。")
            field_name = field_name or item.name
            continue
        value = (value or "").strip()
        if item.required and not value:
            problems.append(f"{spec.label}须写明{item.label}（{item.help}）。" if item.help
                            else f"{spec.label}须写明{item.label}。")
            field_name = field_name or item.name
        elif item.datetime and value:
            # A real time: the form's "2026-11-24T09:30" (datetime-local), "2026-11-24 09:30", or ISO 8601
            # with its offset ("2026-11-24T09:00+08:00", turned into local time) — kept as local minutes.
            try:
                parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                if parsed.tzinfo is not None:
                    parsed = timezone.localtime(parsed)
                value = parsed.replace(second=0, microsecond=0, tzinfo=None).strftime("%Y-%m-%d %H:%M")
            except ValueError:
                problems.append(f"{item.label}须写成“年-月-日 时:分”，{item.help}。")
                field_name = field_name or item.name
        elif len(value) > item.max_length:
            problems.append(f"{item.label}过长（最多 {item.max_length} 字）。")
            field_name = field_name or item.name
        cleaned[item.name] = value
    if spec.kind == K.INQUIRY_RECORD and not problems:
        started, ended = (dt.datetime.fromisoformat(cleaned[k]) for k in ("started_at", "ended_at"))
        now = timezone.localtime().replace(tzinfo=None)
        if ended <= started:
            problems.append("询问结束时间须晚于开始时间。")
            field_name = "ended_at"
        elif ended > now + dt.timedelta(minutes=5):
            problems.append("询问结束时间不能晚于现在：笔录记录的是已进行的询问。")
            field_name = "ended_at"
        elif ended - started > dt.timedelta(hours=24):
            problems.append("询问起止时间相隔超过 24 小时，请核对。")
            field_name = "ended_at"
    if problems:
        raise RuleViolation(join_reasons(problems), field=field_name, reasons=problems)
    return cleaned


def inquiry_time(started: str, ended: str) -> str:
    """询问起止时间 as the 笔录 writes it: 2026年11月24日9时30分至10时45分 (the end's date when it differs)."""
    if not started or not ended:
        return ""
    a, b = dt.datetime.fromisoformat(started), dt.datetime.fromisoformat(ended)
    end = f"{b.hour}时{b.minute:02d}分" if a.date() == b.date() else f"{chinese_date(b.date())}{b.hour}时{b.minute:02d}分"
    return f"{chinese_date(a.date())}{a.hour}时{a.minute:02d}分至{end}"


def chinese_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _date(value) -> str:
    """A date (or its ISO text from a ledger payload) in Chinese."""
    if isinstance(value, str) and value:
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return chinese_date(value) if isinstance(value, dt.date) else ""


def _money(amount) -> str:
    return f"{amount:,.2f}"


def _party(case_party) -> dict:
    party = case_party.party
    code = party.credit_code or party.id_number
    return {"name": party.name, "kind": party.get_kind_display(), "code": code,
            "code_label": "统一社会信用代码" if party.credit_code else (party.get_id_kind_display() or "证件号码"),
            "legal_representative": party.legal_representative, "address": party.address, "phone": party.phone}


def _penalties(keys, fine, confiscation) -> str:
    from sanxiang.cases.models import PenaltyType

    parts = []
    for key in keys or ():
        label = PenaltyType(key).label if key in PenaltyType.values else key
        if key == "fine" and fine is not None:
            label = f"罚款人民币 {_money(fine)} 元"
        elif key == "confiscate_income" and confiscation is not None:
            label = f"没收违法所得人民币 {_money(confiscation)} 元"
        parts.append(label)
    return "；".join(parts)


def _decided(case) -> str:
    return _penalties(case.decided_penalties, case.decided_fine, case.decided_confiscation)


def _proposed(case) -> str:
    return (_penalties(case.notified_penalties, case.notified_fine, case.notified_confiscation)
            or _penalties(case.proposed_penalties, case.proposed_fine, case.proposed_confiscation))


def _statement_default(case) -> str:
    if case.statement:
        return f"当事人于{chinese_date(case.statement_on)}提出陈述、申辩：{case.statement}"
    if case.rights_waived_on:
        return "当事人明确放弃陈述、申辩和听证的权利。"
    return "当事人在法定期限内未提出陈述、申辩，也未要求听证。"


def moved(case, action: str) -> dict:
    """The payload of the case's newest move `action` (what was recorded with it: a place, a reason)."""
    from sanxiang.ledger.models import LedgerEntry

    entry = (LedgerEntry.objects.filter(object_type="cases.case", object_id=str(case.pk), action=f"{action}_case")
             .order_by("-index").first())
    return json.loads(entry.entry).get("payload", {}) if entry else {}


def _told(case, given: str, certificates: list[str], *, told_flag=True, recorded=None) -> str:
    """What the party was told (执法监督条例 第十一条（六）, 行政处罚法 第五十五条): written by the officer,
    else from the on-site act recorded."""
    if given:
        return given
    shown = "、".join(certificates) or "（未记录证号）"
    parts = [f"执法人员出示了执法证件（证号：{shown}）"]
    if told_flag:
        parts.append("告知了执法事由、依据，当事人有如实回答询问、协助调查的义务，有申请执法人员回避、陈述和申辩的权利，"
                     "有核对笔录并补正的权利")
    if recorded is not None:
        parts.append("并告知本次执法全程音像记录" if recorded else "本次执法未进行音像记录")
    return "，".join(parts) + "。"


def _certificates(case) -> list[str]:
    return [h.certificate.number for h in case.handlers.select_related("certificate") if h.until is None]


def _measure_values(measure) -> dict:
    from sanxiang.cases.models import Custody

    items = [{"seq": i, "name": item.name, "spec": item.spec, "quantity": f"{item.quantity.normalize():f}",
              "unit": item.unit, "place": item.place,
              "custody": Custody(item.custody).label if item.custody in Custody.values else item.custody}
             for i, item in enumerate(measure.items.order_by("id"), start=1)]
    return {"measure_kind": measure.get_kind_display(), "measure_reason": measure.reason,
            "measure_place": measure.place, "measure_on": chinese_date(measure.implemented_on or measure.approved_on
                                                                       or measure.proposed_on),
            "measure_period": "七日" if measure.kind == "preservation" else "三十日", "items": items}


def _entries_default(case) -> list[dict]:
    """The file's entries when the archive has not given them: the case's documents, in order."""
    entries = []
    for seq, record in enumerate(case_records(case), start=1):
        entries.append({"seq": seq, "number": record.get("number", ""), "responsible": case.agency.name,
                        "title": record["title"], "date": _date(record.get("date")), "pages": "",
                        "note": record.get("note", "")})
    return entries


# Other record kinds (evidence items, audio-video records) join the file through this registry:
# each function takes a case and returns [{"title", "number", "date", "note"}] in file order.
RECORD_SOURCES: list[Callable] = []


def _documents_as_records(case) -> list[dict]:
    from .dates import written_on
    from .models import Document, DocumentStatus

    found = (Document.objects.filter(case=case).exclude(status=DocumentStatus.FAILED)
             .exclude(kind__in=ARCHIVE_KINDS).order_by("created_at", "id"))
    return [{"title": d.get_kind_display(), "number": d.number, "date": written_on(d), "note": ""} for d in found]


RECORD_SOURCES.append(_documents_as_records)


def case_records(case) -> list[dict]:
    return [record for source in RECORD_SOURCES for record in source(case)]


def _retention(case) -> str:
    """保管期限 on the cover: the agency's profile value (`records.retention_period`)."""
    from sanxiang.deadlines.queries import profile_key_of, profile_value

    return profile_value(profile_key_of(case.agency), "records.retention_period", timezone.localdate()) or ""


def file_context(entries: list[dict], *, volume="正卷") -> dict:
    """The archive forms' file names from a list of file entries (the archive engineer's 案卷): each
    {"seq", "number", "responsible", "title", "date", "pages", "note"}; missing keys are blank."""
    keys = ("seq", "number", "responsible", "title", "date", "pages", "note")
    rows = [{k: ("" if entry.get(k) is None else str(entry.get(k))) for k in keys} for entry in entries]
    for row in rows:  # 2026年8月28日, as the documents print dates: an ISO date wraps as 「2026-08- / 28」
        row["date"] = _date(row["date"])
    last = rows[-1]["pages"] if rows else ""
    total = last.rsplit("-", 1)[-1] if last else ""
    return {"entries": rows, "total_pages": total, "volume": volume}


@dataclass
class Given:
    """What generating knows beyond the case: the served document, the measure, the file entries."""

    served: object = None
    measure: object = None
    entries: list | None = None
    volume: str = "正卷"  # the archive forms' volume (正卷 or 副卷: each has its own)
    replaces: object = None  # the issued document a correction (更正) replaces
    subject: object = None  # what a kind that is not offered is made from (a review round)
    order: object = None  # the issued 限期整改指令书 a 整改复查记录 rechecks
    compiled_by: str = ""  # 卷内备考表: who made up the volume (立卷人) …
    checked_by: str = ""  # … and who checks it (检查人): the unit's head(s), who issue the forms
    actor: object = None  # who generates (a 公示查询码 issued for a decision document is ledgered as theirs)
    codes: dict | None = None  # codes drawn for this generation, kept across its fill-and-retry attempts


def _extra(case, spec: Spec, inputs: dict, given: Given) -> dict:  # noqa: C901 — one branch per kind
    kind, certs = spec.kind, _certificates(case)
    v = dict(inputs)
    onsite = case.onsite_acts.order_by("-date", "-id").first() if hasattr(case, "onsite_acts") else None
    if spec.signable:
        at_site = onsite is not None and kind in (K.ONSITE_RECORD, K.INSPECTION_RECORD)
        shown = list(onsite.certificate_numbers) if at_site else certs
        if given.measure is not None and given.measure.certificate_numbers:
            shown = list(given.measure.certificate_numbers)
        recorded = onsite.video_recorded if at_site else None
        if given.measure is not None:
            recorded = given.measure.video_recorded
        v.update({"certificates_shown": "、".join(shown), "told": _told(case, inputs.get("told", ""), shown,
                                                                       recorded=recorded),
                  "officer_signature": "", "party_signature": "", "signed_on": ""})
    if given.measure is not None:
        m = given.measure
        v.update(_measure_values(m))
        if kind == K.MEASURE_EXTENSION:
            v.update({"extension_days": str(m.extension_days), "extension_reason": m.extension_reason})
        if kind == K.MEASURE_RELEASE:
            v.update({"release_reason": m.get_release_reason_display() or m.end_note,
                      "released_on": chinese_date(m.ended_on)})
    if kind == K.NOT_FILING_APPROVAL:
        v["reason"] = inputs.get("reason") or case.end_reason or "（未记载不予立案理由）"
    elif kind == K.ONSITE_RECORD:
        v["place"] = inputs.get("place") or (onsite.place if onsite else "")
        v["onsite_on"] = chinese_date(onsite.date if onsite else timezone.localdate())
    elif kind == K.INQUIRY_RECORD:
        v["inquiry_time"] = inquiry_time(inputs.get("started_at", ""), inputs.get("ended_at", ""))
    elif kind == K.INVESTIGATION_REPORT:
        v["proposed"] = _proposed(case) or _decided(case) or "（尚未提出处罚建议）"
    elif kind == K.PENALTY_NOTICE:
        v.update({"proposed": _proposed(case) or "（尚未提出处罚建议）", "hearing_right": "有" if case.hearing_right else "无",
                  "notified_on": chinese_date(case.notified_on)})
    elif kind == K.STATEMENT_RECORD:
        v["content"] = inputs.get("content") or case.statement or "（当事人未提出陈述、申辩）"
    elif kind in (K.HEARING_NOTICE, K.HEARING_RECORD, K.HEARING_REPORT):
        notice = moved(case, "notify_hearing")
        v.update({"hearing_on": _date(case.hearing_on or notice.get("hearing_on")),
                  "hearing_place": notice.get("place", "")})
        if kind == K.HEARING_NOTICE:
            v["requested_on"] = chinese_date(case.hearing_requested_on)
    elif kind == K.PENALTY_DECISION:
        v.update({"discretion": case.discretion or "（未记载裁量理由）",
                  "statement_adoption": inputs.get("statement_adoption") or _statement_default(case),
                  "penalties": _decided(case), "decided_on": chinese_date(case.decided_on)})
    elif kind == K.ONSITE_DECISION:
        v.update({"penalties": _decided(case) or _proposed(case),
                  "decided_on": chinese_date(case.decided_on or case.filed_on)})
    elif kind == K.NO_PENALTY_DECISION:
        v.update({"statement_adoption": inputs.get("statement_adoption") or _statement_default(case),
                  "discretion": case.discretion or "（未记载裁量理由）"})
    elif kind == K.SERVICE_ADDRESS:
        first = case.case_parties.order_by("id").first()
        v.update({"electronic_address": first.electronic_address if first else "",
                  "address_consent_on": chinese_date(first.address_consent_on) if first else ""})
    elif kind == K.SERVICE_RECEIPT:
        served = given.served
        v.update({"served_document": f"{served.get_kind_display()}（{served.number}）" if served else "行政处罚决定书",
                  "service_method": case.get_service_method_display() if case.service_method else "",
                  "served_on": chinese_date(case.served_on)})
    elif kind == K.DEMAND_NOTICE:
        from .models import Document

        decision = Document.objects.filter(case=case, kind=K.PENALTY_DECISION).exclude(status="failed").last()
        owed = (case.decided_fine or 0) - case.paid_total
        v.update({"penalties": _decided(case), "owed": _money(owed), "served_on": chinese_date(case.served_on),
                  "decision_number": decision.number if decision else ""})
    elif kind == K.CLOSING_APPROVAL:
        v.update({"outcome": _decided(case) or case.decision_content or case.end_reason or case.status_label,
                  "execution": (f"已缴纳人民币 {_money(case.paid_total)} 元" if case.paid_total else "无罚没款项或尚未缴纳"),
                  "decided_on": chinese_date(case.decided_on)})
    elif kind in (K.INSPECTION_NOTICE, K.INSPECTION_RECORD):
        inspection = getattr(case, "inspection", None)
        v["basis"] = inputs.get("basis") or (inspection.get_source_display() if inspection else "")
        v["items"] = list(inspection.items) if inspection else []
        if kind == K.INSPECTION_NOTICE:
            v.update({"planned_on": chinese_date(inspection.planned_on if inspection else None),
                      "inspection_code": inspection.code if inspection else ""})
        else:
            rectification = ""
            if inspection and inspection.rectification_ordered_on:
                rectification = (f"{chinese_date(inspection.rectification_ordered_on)}责令整改，"
                                 f"期限至{chinese_date(inspection.rectification_due)}")
            v.update({"result": inspection.get_result_display() if inspection and inspection.result else "",
                      "conclusion": inspection.conclusion if inspection else "",
                      "problems": inspection.problems if inspection else "", "rectification": rectification,
                      "started_on": chinese_date(inspection.started_on if inspection else None)})
    elif kind == K.ACCEPTANCE_NOTICE:
        v.update({"accepted_on": chinese_date(case.accepted_on), "time_limit": "二十日" if case.kind == "licence" else "法定期限"})
    elif kind == K.NOT_ACCEPTED_DECISION:
        v["reason"] = inputs.get("reason") or moved(case, "not_accept").get("reason") or case.end_reason or ""
    elif kind == K.LICENCE_GRANT:
        v.update({"content": case.decision_content, "licence_number": case.licence_number,
                  "valid_from": chinese_date(case.licence_valid_from),
                  "valid_until": chinese_date(case.licence_valid_until) or "长期",
                  "decided_on": chinese_date(case.decided_on)})
    elif kind == K.LICENCE_REFUSAL:
        v.update({"reason": inputs.get("reason") or case.decision_content, "decided_on": chinese_date(case.decided_on)})
    elif kind == K.CASE_DECISION:
        v.update({"decision_kind": case.get_kind_display(), "content": case.decision_content,
                  "decided_on": chinese_date(case.decided_on)})
    elif kind in (K.RECTIFICATION_ORDER, K.RECTIFICATION_RECHECK):
        order = moved(case, "order_correction")
        v.update({"order_content": order.get("content") or case.decision_content,
                  "rectify_by": chinese_date(case.rectify_by),
                  "ordered_on": _date(order.get("on")) or chinese_date(case.decided_on)})
        if kind == K.RECTIFICATION_RECHECK:
            v["order_number"] = given.order.number if given.order is not None else ""
            v.update({"content": inputs.get("content") or (case.closing_note if case.rectified_on else "")
                      or "（未记载复查情况）",
                      "rechecked_on": chinese_date(case.rectified_on or timezone.localdate())})
    elif kind in ARCHIVE_KINDS:
        entries = given.entries if given.entries is not None else _entries_default(case)
        v.update(file_context(entries, volume=given.volume))
        if kind == K.FILE_COVER:
            v.update({"outcome": _decided(case) or case.decision_content or case.end_reason or case.status_label,
                      "closed_on": chinese_date(case.closed_on), "retention": _retention(case)})
        if kind == K.FILE_NOTES:
            v.update({"notes": "", "compiled_by": given.compiled_by, "checked_by": given.checked_by,
                      "compiled_on": chinese_date(timezone.localdate())})
    if spec.values:
        from django.utils.module_loading import import_string

        v.update(import_string(spec.values)(case, given.subject))
    if kind in CODED_DECISIONS:
        from django.utils.module_loading import import_string

        v.update(import_string(DECISION_CODE_VALUES)(case, measure=given.measure, actor=given.actor,
                                                       codes=given.codes if given.codes is not None else {}))
    return v


# The decision documents that print the 公示查询码 of the decision's publication (issue 10 §5, decision 0078):
# `query_code` (ABCD-EFGH, "" when the decision opens no obligation) and `query_url` (the portal's 申请更正 page).
CODED_DECISIONS = ("penalty_decision", "onsite_decision", "no_penalty_decision", "licence_grant",
                   "licence_refusal", "measure_decision", "case_decision")
DECISION_CODE_VALUES = "sanxiang.publicity.notices.decision_code_values"
CODE_NAMES = {"query_code": "ABCD-EFGH", "query_url": "https://example.org/gk/x/jiuzheng/"}


def context(case, spec: Spec, inputs: dict, *, number: str, on: dt.date, given: Given | None = None) -> dict:
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
    given = given or Given()
    values.update(_extra(case, spec, inputs, given))
    if given.replaces is not None:
        values["corrects"] = f"本文书系对{given.replaces.get_kind_display()}{given.replaces.number}的更正。"
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
    spec = SPECS.get(kind)
    if spec is not None:
        values.update({item.name: "……" for item in spec.inputs})
        values.update(spec.names)
    if kind in CODED_DECISIONS:
        values.update(CODE_NAMES)
    return values
