"""Schema of rule profiles (规则配置) and the validation of their TOML files.

A profile file has three top-level keys (`key`, `name`, `extends`) and then one TOML table per
known value name, e.g. `[publicity.decision_deadline_short]`. A value is either one table
(`value`, `citation`, optional `effective_from` / `effective_to`) or an array of such tables
(`[[publicity.channels]]`) = several versions in time. `none = true` instead of `value` states
explicitly that the rule sets nothing (only for names whose type allows it): in an agency file that
is the document's silence, and the national value still applies; `not_applicable = true` says the
national value's source does not bind the agency (a SAMR rule for a commerce bureau), so none does.

An agency file may describe its source document in a `[document]` table (`file`, `title`,
`effective_from`, optional `date_note`): the document's date is the default `effective_from` of
every value of the file (before it, the national value applies), and citations that name the file
are shown with the document's title (《title》) instead of the file name.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from sanxiang.core.errors import RuleViolation
from sanxiang.lib.periods import UNITS
from sanxiang.lib.validation import StrictModel, explain, where_in_list

SECTIONS = {
    "publicity": "公示",
    "records": "全过程记录",
    "review": "法制审核",
    "cases": "案件办理",
    "deadlines": "时限",
    "staffing": "人员装备",
    "duties": "职责分工",
    "other": "其他",
}

TOP_KEYS = {"key", "name", "extends", "document"}
DOCUMENT_KEYS = {"file", "title", "effective_from", "date_note"}
ENTRY_KEYS = {"value", "none", "not_applicable", "citation", "effective_from", "effective_to"}


class ProfileError(RuleViolation):
    """规则配置错误: a profile that does not load or does not validate."""

    code = "invalid_profile"


@dataclass(frozen=True)
class Spec:
    """规则项定义: one known value name with its type, section and Chinese label."""

    name: str
    kind: str
    section: str
    label: str
    nullable: bool = False
    choices: tuple = ()


def _s(name, kind, section, label, nullable=False, choices=()):
    return Spec(name, kind, section, label, nullable, tuple(choices))


DUTIES = {
    "publish_decisions": "执法决定公开",
    "update_lists": "事前公开信息与清单动态调整",
    "publicity_review": "公示信息审核发布",
    "withdrawal": "已公开决定的撤下与更正",
    "random_inspection": "双随机抽查公示",
    "annual_report": "行政执法统计年报",
    "av_upload": "音像记录存储移交",
    "archive": "案卷归档",
    "legal_review": "重大执法决定法制审核",
    "equipment": "音像记录设备配备",
}

_SPECS = [
    # 公示
    _s("publicity.decision_deadline_short", "period", "publicity", "短时限公开期限"),
    _s("publicity.short_deadline_kinds", "list", "publicity", "适用短时限公开的决定类别"),
    _s("publicity.decision_deadline_other", "period", "publicity", "其他执法决定公开期限"),
    _s("publicity.decision_fields", "list", "publicity", "执法决定公开内容"),
    _s(
        "publicity.full_text_penalty", "enum", "publicity", "行政处罚决定书全文公示",
        choices=("not_required", "encouraged", "required_general_procedure"),
    ),
    _s("publicity.random_inspection.published_items", "list", "publicity", "随机抽查公开内容"),
    _s(
        "publicity.random_inspection.normal_result_deadline", "period", "publicity",
        "抽查结果正常的公示期限", nullable=True,
    ),
    _s(
        "publicity.random_inspection.plan_publish_before_month", "int", "publicity",
        "年度抽查计划须在该月之前公开", nullable=True,
    ),
    _s("publicity.takedown.on_revocation", "bool", "publicity", "决定被撤销、确认违法或重新作出时撤下"),
    _s("publicity.takedown.after", "period", "publicity", "公示期满可撤下", nullable=True),
    _s(
        "publicity.takedown.serious_dishonesty_after", "period", "publicity",
        "严重失信行政处罚公示期满可撤下", nullable=True,
    ),
    _s("publicity.takedown.mandatory", "bool", "publicity", "期满撤下为强制（否＝可以撤下）"),
    _s("publicity.withdrawal_deadline", "period", "publicity", "撤下原决定信息的期限"),
    _s("publicity.withdrawal_explanation_required", "bool", "publicity", "撤下时须公开说明"),
    _s("publicity.update_after_change", "period", "publicity", "法律或职能变化后更新公示内容期限", nullable=True),
    _s("publicity.annual_report.due", "annual_date", "publicity", "年度执法数据公开截止日", nullable=True),
    _s(
        "publicity.annual_report.unit_submission_due", "annual_date", "publicity",
        "各部门报送年度数据截止日", nullable=True,
    ),
    _s("publicity.annual_report.recipients", "list", "publicity", "年度执法情况报送对象"),
    _s("publicity.annual_report.delivery_due", "annual_date", "publicity", "年度执法情况报送截止日", nullable=True),
    _s("publicity.annual_report.channel", "str", "publicity", "年度数据公开载体", nullable=True),
    _s("publicity.annual_report.kinds", "list", "publicity", "年报统计的执法行为类别"),
    _s("publicity.annual_report.no_duty", "list", "publicity", "年报中无相关职责的类别"),
    _s("publicity.channels", "list", "publicity", "公示载体"),
    # 脱敏 (issue 10 §4): what is masked before publication, what stays (docs/publicity.md)
    _s("publicity.redaction", "redaction", "publicity", "公开前脱敏规则"),
    _s("publicity.unified_platform", "str", "publicity", "统一公示平台", nullable=True),
    _s(
        "publicity.approval_scope", "enum", "publicity", "公示前审核范围",
        choices=("all", "sensitive_only", "none"),
    ),
    _s("publicity.reasoned_decisions", "bool", "publicity", "说理式执法（决定说明证据、依据、裁量）"),
    # 公示义务 (issue 10 §3, docs/publicity.md): which penalty decisions the agency publishes, and how long
    _s(
        "publicity.penalty_scope", "enum", "publicity", "行政处罚决定的公示范围",
        choices=("all_decisions", "samr_general_procedure"),
    ),
    # 不予行政处罚决定 (decision 0079): an enforcement decision that imposes no penalty — its period ("short":
    # the 处罚 period, "other": other decisions', "none": not published) where penalty_scope is all_decisions
    _s(
        "publicity.no_penalty_decision", "enum", "publicity", "不予行政处罚决定的公开",
        choices=("short", "other", "none"),
    ),
    _s("publicity.low_fine_below", "amounts", "publicity", "较低数额罚款（低于此数额，元，不含本数）", nullable=True),
    _s("publicity.display_period", "period", "publicity", "处罚信息公示期（期满停止公示）", nullable=True),
    _s("publicity.display_period_low", "period", "publicity", "仅通报批评或较低数额罚款的公示期", nullable=True),
    # 不予行政处罚决定 (decision 0098): no 行政处罚信息, so not 总局令第45号第十三条's periods; the agency's own
    _s("publicity.no_penalty_display_period", "period", "publicity", "不予行政处罚决定的公示期（期满停止公示）",
       nullable=True),
    # 当事人更正申请、提前停止公示 (issue 10 §5, decision 0072)
    _s("publicity.correction_answer", "period", "publicity", "答复当事人更正申请的期限", nullable=True),
    _s("publicity.early_stop.after", "period", "publicity", "可申请提前停止公示的最短公示期", nullable=True),
    _s("publicity.early_stop.after_special", "period", "publicity", "特定领域可申请提前停止公示的最短公示期",
       nullable=True),
    _s("publicity.early_stop.special_categories", "list", "publicity", "适用较长最短公示期的执法类别"),
    _s("publicity.early_stop.conditions", "list", "publicity", "提前停止公示须同时符合的条件"),
    _s("publicity.early_stop.excluded_penalties", "list", "publicity", "不得提前停止公示的处罚种类"),
    _s("publicity.early_stop.answer", "period", "publicity", "答复提前停止公示申请的期限", nullable=True),
    # 全过程记录
    _s(
        "records.av_upload_mode", "enum", "records", "音像记录存储方式",
        choices=("within_limit", "with_case_file", "instant_encouraged", "centralized", "unspecified"),
    ),
    _s("records.av_upload_limit", "period", "records", "音像记录存储时限", nullable=True),
    _s("records.av_upload_after_return", "period", "records", "异地或连续执法返回后存储时限", nullable=True),
    _s("records.remote_return_reason_after", "period", "records", "异地或连续执法记录结束后多久返回单位须说明理由",
       nullable=True),
    _s("records.av_full_recording_acts", "list", "records", "应全程音像记录的执法活动"),
    _s("records.av_gradual_acts", "list", "records", "逐步实现全程音像记录的程序"),
    _s("records.av_dispute_prone_acts", "list", "records", "容易引发争议、应根据实际音像记录的过程"),
    _s("records.av_metadata_fields", "list", "records", "音像记录应标明的信息"),
    _s("records.archive_limit", "period", "records", "案卷归档时限", nullable=True),
    _s(
        "records.archive_trigger", "enum", "records", "归档时限起算",
        choices=("action_end", "case_closed", "unspecified"),
    ),
    _s("records.archive_transfer_month", "int", "records", "上年度案卷集中移交档案部门的月份", nullable=True),
    _s("records.retention_period", "str", "records", "执法案卷保管期限"),
    _s("records.fonds_number", "str", "records", "全宗号（档号的第一段，由同级档案馆给定）", nullable=True),
    _s("records.party_copy_requires_approval", "bool", "records", "当事人复制记录须经机关负责人同意"),
    _s("records.party_copy_answer_days", "int", "records", "答复当事人复制申请的期限（工作日）"),
    _s("records.party_copy_link_days", "int", "records", "交付当事人复制件的下载链接有效天数（自可答复之时起）"),
    _s("records.access_grant_days", "int", "records", "调阅批准的有效天数"),
    _s("records.access_grant_max_days", "int", "records", "调阅批准的最长有效天数"),
    _s("records.av_print_and_sign", "bool", "records", "照片打印、录音整理成文并经当事人签名"),
    _s("records.av_voice_announcement", "bool", "records", "音像记录开始时语音说明时间地点人员行为"),
    # 法制审核
    _s("review.body", "str", "review", "法制审核机构"),
    _s("review.penalty_body", "str", "review", "行政处罚决定审核机构", nullable=True),
    _s("review.unit_reviewers_allowed", "bool", "review", "业务机构可确定本机构法制审核员"),
    _s("review.scope", "list", "review", "应当法制审核的情形"),
    _s("review.all_general_procedure_penalties", "bool", "review", "一般程序行政处罚决定均须法制审核"),
    _s("review.statutory_rules", "rules", "review", "法定审核情形（审核目录规则）"),
    _s("review.catalogue_rules", "rules", "review", "本机关审核目录清单规则"),
    _s("review.time_limit", "period", "review", "重大执法决定审核时限", nullable=True),
    _s("review.time_limit_max", "period", "review", "延期后审核时限上限", nullable=True),
    _s("review.extension_approver", "str", "review", "延期审批人", nullable=True),
    _s("review.penalty_time_limit", "period", "review", "行政处罚案件审核时限", nullable=True),
    _s("review.opinion_kinds", "items", "review", "审核意见种类"),
    _s("review.return_grounds", "list", "review", "提出审核建议或退回的情形"),
    _s("review.outside_expertise", "list", "review", "可征求意见的外部专业人员"),
    _s("review.reviewer_may_inquire_party", "bool", "review", "审核人员可向当事人了解情况、会同调查"),
    _s(
        "review.disagreement", "enum", "review", "意见不一致时的处理",
        choices=("coordination", "collective_discussion", "leadership_decision"),
    ),
    _s("review.collective_discussion_cases", "list", "review", "须局领导集体讨论的情形"),
    _s("review.form", "str", "review", "法制审核表", nullable=True),
    _s("review.form_fields", "list", "review", "法制审核表栏目"),
    _s("review.submission_package", "items", "review", "送审材料"),
    _s("review.first_time_reviewer_qualification", "bool", "review", "初次从事法制审核须取得法律职业资格"),
    _s("review.tracks", "tracks", "review", "审核程序（按决定种类：审核机构、时限、材料、意见种类、审核表）"),
    _s("review.emergency_coercion_exempt", "bool", "review", "情况紧急当场实施的行政强制措施免于事前法制审核"),
    _s("review.signoff_chain", "signoff_chains", "review", "审核签批流程（按决定种类）"),
    _s("review.collective_discussion_rules", "rules", "review", "须集体讨论的案件（可判定的条件）"),
    _s("review.collective_discussion_quorum", "number", "review", "集体讨论出席人数须超过本机关负责人的比例"),
    _s("review.collective_discussion_majority", "number", "review", "集体讨论按拟作出的决定作出须超过出席负责人的比例"),
    # 案件办理
    _s("cases.verification_limit", "period", "cases", "案源核查期限"),
    _s("cases.verification_extension", "period", "cases", "核查经批准可延长", nullable=True),
    _s("cases.penalty_time_limit", "period", "cases", "行政处罚案件办案期限（自立案）"),
    _s("cases.penalty_time_extension", "period", "cases", "办案期限经负责人批准可延长", nullable=True),
    _s("cases.labour_inspection_time_limit", "period", "cases", "劳动保障监察案件办结期限（自立案）"),
    _s("cases.labour_inspection_extension", "period", "cases", "劳动保障监察案件经批准可延长", nullable=True),
    _s("cases.statement_window", "period", "cases", "告知后陈述申辩期限"),
    _s("cases.hearing_request_window", "period", "cases", "告知后申请听证期限"),
    _s("cases.hearing_notice_lead", "period", "cases", "听证通知提前期"),
    _s("cases.service_limit", "period", "cases", "当事人不在场时决定书送达期限"),
    _s("cases.announcement_service_period", "period", "cases", "公告送达视为送达期限"),
    _s("cases.payment_limit", "period", "cases", "罚款缴纳期限（自收到决定书）"),
    _s("cases.late_surcharge_percent_per_day", "number", "cases", "逾期不缴纳罚款每日加处罚款比例（不超过罚款数额）"),
    _s("cases.onsite_collection_max", "int", "cases", "当场收缴罚款上限（元）"),
    _s("cases.closing_limit", "period", "cases", "结案审批期限"),
    _s("cases.simplified_fine_max", "amounts", "cases", "简易程序罚款上限（元）"),
    _s("cases.simplified_materials_limit", "period", "cases", "简易程序材料交回归档期限"),
    _s("cases.hearing_fine_threshold", "amounts", "cases", "应告知听证权利的罚款数额（元，达到即告知）"),
    _s("cases.hearing_confiscation_threshold", "amounts", "cases", "应告知听证权利的没收数额（元，达到即告知）"),
    _s("cases.preservation_decision_limit", "period", "cases", "先行登记保存后作出处理决定期限"),
    _s("cases.seizure_limit", "period", "cases", "查封、扣押期限"),
    _s("cases.seizure_extension", "period", "cases", "查封、扣押经批准可延长", nullable=True),
    # 复议/诉讼期限与当场收缴 (deadlines)
    _s("cases.reconsideration_period", "period", "cases", "当事人申请行政复议期限（自知道行政行为之日）"),
    _s("cases.litigation_period", "period", "cases", "当事人提起行政诉讼期限（自知道作出行政行为之日）"),
    _s("cases.onsite_collection_handin", "period", "cases", "当场收缴的罚款交至行政机关期限"),
    # 行政检查 (国办发〔2024〕54号)
    _s("cases.inspection_yearly_cap_per_enterprise", "int", "cases", "同一企业年度行政检查频次上限（次）",
       nullable=True),
    _s("cases.inspection_cap_exempt_sources", "list", "cases", "不受年度检查频次上限限制的检查来源"),
    # 年度双随机抽查计划 (kinds/inspection_plan.py, decision 0058)
    _s("cases.random_inspection_plan_required", "bool", "cases", "双随机抽取须依据已通过的本年度抽查计划"),
    _s("cases.random_inspection_plan_due", "str", "cases", "年度抽查计划须于每年此日（月-日）前制定", nullable=True),
    # 行政许可 (行政许可法; 第八十二条: its periods count working days), 行政确认/裁决, 劳动保障监察 — kinds/
    _s("cases.licence_acceptance_limit", "period", "cases", "行政许可申请受理或一次告知补正期限（自收到申请材料）"),
    _s("cases.licence_decision_limit", "period", "cases", "行政许可决定期限（自受理）"),
    _s("cases.licence_decision_extension", "period", "cases", "行政许可决定期限经负责人批准可延长", nullable=True),
    _s("cases.licence_certificate_limit", "period", "cases", "准予许可后颁发、送达许可证件期限"),
    _s("cases.licence_hearing_request_window", "period", "cases", "告知听证权利后申请听证期限"),
    _s("cases.licence_hearing_organise_limit", "period", "cases", "收到听证申请后组织听证期限"),
    _s("cases.licence_hearing_notice_lead", "period", "cases", "许可听证通知提前期"),
    _s("cases.licence_extension_application_lead", "period", "cases", "许可延续申请须在有效期届满前提出的期间"),
    _s("cases.confirmation_time_limit", "period", "cases", "行政确认决定期限（自受理）", nullable=True),
    _s("cases.adjudication_time_limit", "period", "cases", "行政裁决决定期限（自受理）", nullable=True),
    _s("cases.labour_complaint_acceptance_limit", "period", "cases", "劳动保障监察投诉受理期限（自接到投诉）"),
    # 复议后起诉期限 (行政诉讼法第四十五条); 重复检查预警 (rules-2026.md §3, 海南的可配置默认值)
    _s("cases.litigation_after_reconsideration", "period", "cases", "不服复议决定提起行政诉讼期限（自收到复议决定书）"),
    _s("cases.inspection_repeat_window", "period", "cases", "同一企业在此期间内再次被检查即预警", nullable=True),
    _s("cases.inspection_without_code_warning", "int", "cases", "同一企业未扫码（未出示检查码）检查达到此次数即预警",
       nullable=True),
    _s("cases.inspection_repeat_refuses", "bool", "cases", "重复检查预警时拒绝实施检查（否＝只提示）"),
    _s("cases.labour_limitation_period", "period", "cases", "劳动保障违法行为不再查处的期限（自行为发生或终了之日）",
       nullable=True),
    # 执法文书 (sanxiang/documents/): the 文号 of the documents an agency issues
    _s("documents.number_format", "str", "records", "执法文书文号格式"),
    _s("documents.agency_short", "str", "records", "文号中的机关简称（未规定时用机关全称）", nullable=True),
    # 时限
    _s("deadlines.warning_lead_workdays", "int", "deadlines", "到期前黄色预警提前工作日数"),
    # 人员装备
    _s("staffing.reviewer_ratio_min", "number", "staffing", "法制审核人员占执法人员最低比例", nullable=True),
    _s("staffing.reviewer_dedicated", "bool", "staffing", "法制审核由专人负责"),
    _s("certificates.expiry_warning_days", "int", "staffing", "执法证到期提前提醒天数"),
    _s("equipment.policy", "str", "staffing", "音像设备配备原则"),
    _s("equipment.minimums", "minimums", "staffing", "音像记录设备最低配备"),
    # 职责分工
    *[_s(f"duties.{k}", "duty", "duties", label) for k, label in DUTIES.items()],
    # 其他
    _s("other.notes", "list", "other", "其他规定"),
    # 执法层级 of the agency: a condition of review catalogue rules (issue 9 §1, "level and field")
    _s("other.enforcement_level", "enum", "other", "执法层级", nullable=True,
       choices=("province", "city", "county", "township")),
]

SCHEMA: dict[str, Spec] = {spec.name: spec for spec in _SPECS}
SCHEMA_PERIOD = Spec("period", "period", "deadlines", "期限")

CHOICE_LABELS = {
    "all_decisions": "全部行政处罚决定（含简易程序、警告）",
    "samr_general_procedure": "普通程序作出的行政处罚决定，仅警告的除外（总局令第45号第2条）",
    "not_required": "不要求",
    "encouraged": "鼓励全文公示",
    "required_general_procedure": "一般程序处罚决定书应当全文公示",
    "all": "全部公示信息须经审核",
    "sensitive_only": "仅涉密、涉隐私或拟不公开的信息须审核审批",
    "none": "不要求审核",
    "within_limit": "在时限内存储至系统或专用存储器",
    "with_case_file": "随案卷移交（原件交档案管理部门）",
    "instant_encouraged": "探索即时上传",
    "centralized": "相对集中、确保安全、可回溯存储",
    "unspecified": "未规定",
    "action_end": "自执法行为终结之日起",
    "case_closed": "自办结之日起",
    "coordination": "协调机制",
    "collective_discussion": "报局领导集体讨论决定",
    "leadership_decision": "协商不成的，双方意见报局领导研究决定",
    "province": "省级",
    "city": "设区的市级",
    "county": "县级",
    "township": "乡镇（街道）",
}

KIND_LABELS = {
    "int": "整数",
    "number": "数值",
    "bool": "布尔值（true/false）",
    "str": "字符串",
    "list": "字符串列表",
    "period": "期限表 {count = 整数, unit = hours|days|workdays|months}",
    "annual_date": "每年日期字符串 \"MM-DD\"",
    "enum": "取值之一",
    "duty": "职责表 {unit = 责任科室, leader = 责任领导}",
    "minimums": "设备配备表列表",
    "items": "条目表列表 {code, label}",
    "amounts": "按当事人类别的金额表 {person = 整数, org = 整数}（个体工商户按 person）",
    "rules": "审核目录规则列表 {key, label, citation, condition}（见 docs/review.md）",
    "tracks": "审核程序列表 {key, label, kinds, body, time_limit, time_limit_max, extension_approver, materials, "
              "opinion_kinds, agree, return_grounds, form, internal_form}（见 docs/review.md）",
    "signoff_chains": "签批流程列表 {kinds, before_decision, steps = [{code, label, roles, unit, review, not_handler}]}（见 docs/review.md）",
    "redaction": "脱敏规则表 {mask, keep_roles, keep, name_mark, address_keeps_division, id_label_window, "
                 "address_max_chars}（见 docs/publicity.md）",
}


@dataclass(frozen=True)
class Version:
    """规则值版本: one value of one name with its citation and the dates it is in force."""

    name: str
    value: object
    citation: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    source: str
    # none = true is a local document's silence, which keeps the national value; not_applicable =
    # true says the national value's source does not bind this agency (a SAMR rule for a commerce
    # bureau), so nothing applies.
    not_applicable: bool = False

    def covers(self, on: dt.date) -> bool:
        if self.effective_from and on < self.effective_from:
            return False
        if self.effective_to and on > self.effective_to:
            return False
        return True


@dataclass(frozen=True)
class SourceDocument:
    """依据文件: the local document an agency profile is read from, with the date it took effect."""

    file: str
    title: str
    effective_from: dt.date
    date_note: str = ""

    def cite(self, citation: str) -> str:
        """The citation as people read it: 《title》 in place of the seed file name."""
        return citation.replace(self.file, f"《{self.title}》")


@dataclass
class ProfileData:
    """规则配置文件: one validated profile file."""

    key: str
    name: str
    extends: str | None
    path: Path
    versions: dict[str, list[Version]]
    document: SourceDocument | None = None


def _parse_document(raw, where: str) -> SourceDocument | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        _fail(where, "document", "应为包含 file、title、effective_from 的表")
    extra = set(raw) - DOCUMENT_KEYS
    if extra:
        _fail(where, "document", f"未知的字段 {', '.join(sorted(extra))}（允许 {', '.join(sorted(DOCUMENT_KEYS))}）")
    for part in ("file", "title"):
        if not isinstance(raw.get(part), str) or not raw[part].strip():
            _fail(where, f"document.{part}", "缺少或为空")
    start = _check_date(raw.get("effective_from"), where, "document", "effective_from")
    if start is None:
        _fail(where, "document.effective_from", "缺少文件生效日期")
    note = raw.get("date_note", "")
    if not isinstance(note, str):
        _fail(where, "document.date_note", "应为字符串")
    return SourceDocument(raw["file"].strip(), raw["title"].strip(), start, note.strip())


def _fail(where: str, key: str, problem: str):
    raise ProfileError(f"{where}：{key}：{problem}" if key else f"{where}：{problem}")


# The value kinds as pydantic types (strict: 7 is not "7", true is not 1).
NonEmpty = Annotated[str, Field(min_length=1)]
NotNegative = Annotated[int, Field(ge=0)]


class Period(StrictModel):
    """期限: a count of hours, days, working days or months."""

    count: int
    unit: str

    @model_validator(mode="after")
    def known_unit_and_positive(self):
        if self.unit not in UNITS:
            raise ValueError(f"未知的期限单位 {self.unit!r}，应为 hours | days | workdays | months")
        if self.count <= 0:
            raise ValueError(f"期限不能为负数或零：{self.count}")
        return self


class Duty(StrictModel):
    """职责分工: the responsible unit(s) and leader, in the document's words."""

    unit: NonEmpty
    leader: NonEmpty


class Item(StrictModel):
    code: NonEmpty
    label: NonEmpty


class Amounts(StrictModel):
    """按当事人类别的金额: yuan for natural persons (individual businesses included) and organisations."""

    person: NotNegative
    org: NotNegative


class EquipmentMinimum(StrictModel):
    """设备配备行: minimum cameras, body cameras and recorders of a group of units."""

    group: NonEmpty
    scope: Literal["total", "each"]
    camera: NotNegative
    body_camera: NotNegative
    recorder: NotNegative


def _unique_codes(items: list[Item]) -> list[Item]:
    codes = [item.code for item in items]
    duplicate = next((c for c in codes if codes.count(c) > 1), None)
    if duplicate:
        raise ValueError(f"条目代码重复：{duplicate}")
    return items


def _existing_annual_date(value: str) -> str:
    try:
        dt.date(2024, int(value[:2]), int(value[3:]))
    except ValueError:
        raise ValueError(f"日期 {value!r} 不存在") from None
    return value


SIGNOFF_ROLES = ("unit_head", "agency_leader", "reviewer")


class SignoffStep(StrictModel):
    """签批环节: who signs one step of the review chain (法制审核意见 is the round's reviewer)."""

    code: NonEmpty
    label: NonEmpty
    roles: Annotated[list[Literal[SIGNOFF_ROLES]], Field(min_length=1)]
    # handling: the case's unit (or one above it); review_body: the legal office; any: the agency.
    # For a leader's step (分管领导), the leader recorded as overseeing that unit (orgs.Unit.overseen_by).
    unit: Literal["handling", "review_body", "any"] = "any"
    review: bool = False
    not_handler: bool = False


class SignoffChain(StrictModel):
    """签批流程: the steps, in order, for the decision kinds listed ("*": every other kind)."""

    kinds: Annotated[list[NonEmpty], Field(min_length=1)]
    steps: Annotated[list[SignoffStep], Field(min_length=1)]
    before_decision: bool = False  # the decision waits for the whole chain (株洲's 审核表 ends in 局长审批)
    # one person signs at most one step of the chain (a form of six opinions is six people's); a
    # profile whose document lets one leader sign two steps says so with false
    distinct_signers: bool = True
    # where one 局领导 is recorded as 分管 both the handling unit and the legal office, he signs both
    # 分管领导 steps (the law is silent; the steps name the office held): distinct_signers yields to the
    # recorded 分管 relation for those two steps only (decision 0067). false: each needs its own leader
    overseer_signs_both: bool = True

    @model_validator(mode="after")
    def one_review_step_and_unique_codes(self):
        codes = [step.code for step in self.steps]
        duplicate = next((c for c in codes if codes.count(c) > 1), None)
        if duplicate:
            raise ValueError(f"签批环节代码重复：{duplicate}")
        if sum(step.review for step in self.steps) > 1:
            raise ValueError("签批流程只能有一个法制审核环节（review = true）")
        return self


def _valid_review_rules(rules: list[dict]) -> list[dict]:
    if rules:
        from sanxiang.review.conditions import ShapeError, parse_rules

        try:
            parse_rules(rules)
        except ShapeError as exc:
            raise ValueError(exc.message) from None
    return rules


def _valid_redaction(value: dict) -> dict:
    from sanxiang.publicity.policy import parse_policy

    parse_policy(value)
    return value


def _valid_review_tracks(tracks: list[dict]) -> list[dict]:
    from sanxiang.review.tracks import parse_tracks

    parse_tracks(tracks)
    return tracks


KIND_TYPES = {
    "int": NotNegative,
    "number": Annotated[int | float, Field(ge=0)],
    "bool": bool,
    "str": NonEmpty,
    "list": list[NonEmpty],
    "annual_date": Annotated[str, Field(pattern=r"^\d{2}-\d{2}$"), AfterValidator(_existing_annual_date)],
    "period": Period,
    "duty": Duty,
    "items": Annotated[list[Item], AfterValidator(_unique_codes)],
    "minimums": list[EquipmentMinimum],
    "amounts": Amounts,
    "rules": Annotated[list[dict], AfterValidator(_valid_review_rules)],
    "tracks": Annotated[list[dict], AfterValidator(_valid_review_tracks)],
    "signoff_chains": Annotated[list[SignoffChain], Field(min_length=1)],
    "redaction": Annotated[dict, AfterValidator(_valid_redaction)],
}
_STRICT = ConfigDict(strict=True, str_strip_whitespace=True)


@functools.cache
def _adapter(kind: str, choices: tuple = ()) -> TypeAdapter:
    if kind == "enum":
        return TypeAdapter(Literal[choices], config=_STRICT)
    cls = KIND_TYPES[kind]
    return TypeAdapter(cls) if isinstance(cls, type) and issubclass(cls, StrictModel) else \
        TypeAdapter(cls, config=_STRICT)


def check_value(spec: Spec, value, where: str, key: str):
    """Raise ProfileError unless `value` fits `spec`; return the normalised value."""
    try:
        parsed = _adapter(spec.kind, spec.choices).validate_python(value)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        if error["type"] == "value_error":
            _fail(where, key, str(error["ctx"]["error"]))
        if error["type"] == "greater_than_equal" and spec.kind in ("int", "number"):
            _fail(where, key, f"不能为负数：{value}")
        if spec.kind == "enum":
            _fail(where, key, f"取值 {value!r} 无效，应为 {' | '.join(spec.choices)} 之一")
        if error["loc"]:  # inside a table or list: say where and what
            _fail(where, key, f"类型错误，应为{KIND_LABELS[spec.kind]}：{explain(exc, where=where_in_list)}")
        _fail(where, key, f"类型错误，应为{KIND_LABELS[spec.kind]}，实际为 {value!r}")
    return TypeAdapter(object).dump_python(parsed, mode="python") if isinstance(parsed, (list, StrictModel)) else parsed


def check_period(value, where="期限", key=""):
    return check_value(SCHEMA_PERIOD, value, where, key)


def _check_date(raw, where, key, field):
    if raw is None:
        return None
    if isinstance(raw, dt.datetime) or not isinstance(raw, dt.date):
        _fail(where, key, f"{field} 必须是日期（如 2019-11-01），实际为 {raw!r}")
    return raw


def _parse_entry(spec: Spec, raw, where: str, source: str, index=None, default_from=None) -> Version:
    key = spec.name if index is None else f"{spec.name}[{index}]"
    if not isinstance(raw, dict):
        _fail(where, key, "应为包含 value 与 citation 的表")
    extra = set(raw) - ENTRY_KEYS
    if extra:
        _fail(where, key, f"未知的字段 {', '.join(sorted(extra))}（允许 {', '.join(sorted(ENTRY_KEYS))}）")
    citation = raw.get("citation")
    if not isinstance(citation, str) or not citation.strip():
        _fail(where, key, "缺少出处（citation）")
    not_applicable = raw.get("not_applicable", False)
    if not_applicable is not False:
        if not_applicable is not True or "value" in raw or "none" in raw:
            _fail(where, key, "not_applicable 只能写 not_applicable = true，且不能同时给出 value 或 none")
        if not spec.nullable:
            _fail(where, key, "该项不允许为空（not_applicable）")
        value = None
    elif raw.get("none") is not None:
        if raw["none"] is not True or "value" in raw:
            _fail(where, key, "none 只能写 none = true，且不能同时给出 value")
        if not spec.nullable:
            _fail(where, key, "该项不允许为空（none）")
        value = None
    elif "value" not in raw:
        _fail(where, key, "缺少 value")
    else:
        value = check_value(spec, raw["value"], where, key)
    start = _check_date(raw.get("effective_from"), where, key, "effective_from") or default_from
    end = _check_date(raw.get("effective_to"), where, key, "effective_to")
    if start and end and start > end:
        _fail(where, key, f"生效日期 {start} 晚于失效日期 {end}")
    return Version(spec.name, value, citation.strip(), start, end, source, not_applicable=not_applicable)


def _check_overlap(versions: list[Version], where: str, name: str):
    ordered = sorted(versions, key=lambda v: v.effective_from or dt.date.min)
    for before, after in zip(ordered, ordered[1:]):
        end = before.effective_to or dt.date.max
        start = after.effective_from or dt.date.min
        if start <= end:
            _fail(where, name, f"版本的生效期间重叠（{before.effective_from or '始'}～"
                               f"{before.effective_to or '今'} 与 {after.effective_from or '始'}～"
                               f"{after.effective_to or '今'}）")
    return ordered


def _check_complete(versions: list[Version], where: str, name: str):
    """The national default must have exactly one value on every date."""
    if versions[0].effective_from is not None:
        _fail(where, name, f"国家默认值在 {versions[0].effective_from} 之前没有值")
    for before, after in zip(versions, versions[1:]):
        if after.effective_from != before.effective_to + dt.timedelta(days=1):
            _fail(where, name, f"国家默认值在 {before.effective_to} 与 {after.effective_from} 之间有空档")
    if versions[-1].effective_to is not None:
        _fail(where, name, f"国家默认值在 {versions[-1].effective_to} 之后没有值")


def parse_file(path: Path) -> ProfileData:
    """Read and validate one profile file on its own (its `extends` is checked by the registry)."""
    path = Path(path)
    where = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail(where, "", "文件不存在")
    except UnicodeDecodeError:
        _fail(where, "", "文件不是 UTF-8 编码")
    except tomllib.TOMLDecodeError as exc:
        _fail(where, "", f"TOML 语法错误：{exc}")
    key = raw.get("key")
    if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key):
        _fail(where, "key", "缺少或无效（应为小写字母、数字和连字符）")
    if key != path.stem:
        _fail(where, "key", f"与文件名不一致（key = {key!r}，文件名应为 {key}.toml）")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        _fail(where, "name", "缺少机关名称")
    extends = raw.get("extends")
    if key == "national":
        if extends is not None:
            _fail(where, "extends", "国家默认配置不能继承其他配置")
    elif not isinstance(extends, str) or not extends:
        _fail(where, "extends", "缺少 extends（机关配置须继承 national）")

    document = _parse_document(raw.get("document"), where)
    if document is not None and key == "national":
        _fail(where, "document", "国家默认配置不设依据文件日期（各项自带出处）")
    default_from = document.effective_from if document else None
    versions: dict[str, list[Version]] = {}

    def walk(table: dict, prefix: str):
        for part, item in table.items():
            full = f"{prefix}{part}"
            if not prefix and part in TOP_KEYS:
                continue
            if full in SCHEMA:
                spec = SCHEMA[full]
                if isinstance(item, list):
                    if not item:
                        _fail(where, full, "版本列表为空")
                    parsed = [_parse_entry(spec, v, where, key, i, default_from) for i, v in enumerate(item)]
                else:
                    parsed = [_parse_entry(spec, item, where, key, default_from=default_from)]
                versions[full] = _check_overlap(parsed, where, full)
            elif isinstance(item, dict) and any(n.startswith(full + ".") for n in SCHEMA):
                walk(item, full + ".")
            else:
                _fail(where, full, "未知的规则项")

    walk(raw, "")
    if key == "national":
        missing = [n for n in SCHEMA if n not in versions]
        if missing:
            _fail(where, missing[0], f"国家默认配置缺少此项（共缺 {len(missing)} 项）")
        for n, vs in versions.items():
            _check_complete(vs, where, n)
    return ProfileData(key, name.strip(), extends, path, versions, document)


def format_value(spec: Spec, value) -> str:
    """Human-readable Chinese rendering of a value (CLI and UI)."""
    if value is None:
        return "未规定"
    kind = spec.kind
    if kind == "period":
        return format_period(value)
    if kind == "bool":
        return "是" if value else "否"
    if kind == "list":
        return "、".join(value) if value else "（无）"
    if kind == "items":
        return "；".join(f"{i['code']} {i['label']}" for i in value) if value else "（无）"
    if kind == "duty":
        return f"责任科室：{value['unit']}；责任领导：{value['leader']}"
    if kind == "minimums":
        if not value:
            return "（无具体数量）"
        rows = []
        for r in value:
            parts = [
                f"{label}≥{r[f]}"
                for f, label in (("camera", "照相机/摄像机"), ("body_camera", "执法记录仪"), ("recorder", "录音笔"))
                if r[f]
            ]
            rows.append(f"{r['group']}（{'合计' if r['scope'] == 'total' else '每个'}）：{'，'.join(parts)}")
        return "；".join(rows)
    if kind == "enum":
        return CHOICE_LABELS.get(value, value)
    if kind == "rules":
        return "；".join(r["label"] for r in value) if value else "（无）"
    if kind == "tracks":
        return "；".join(f"{t['label']}（{t['body']}）" for t in value) if value else "（无）"
    if kind == "signoff_chains":
        return "；".join(("其他决定" if c["kinds"] == ["*"] else "、".join(c["kinds"])) + "："
                        + " → ".join(step["label"] for step in c["steps"])
                        + ("（签批完成后方可作出决定）" if c.get("before_decision") else "") for c in value)
    if kind == "redaction":
        from sanxiang.publicity.policy import describe

        return describe(value)
    if kind == "number" and spec.name == "review.collective_discussion_quorum":
        return f"超过负责人的{value * 100:g}%"
    if kind == "number" and spec.name == "review.collective_discussion_majority":
        return f"同意的超过出席负责人的{value * 100:g}%"
    if kind == "amounts":
        return f"自然人（含个体工商户）{value['person']:,}元；法人或其他组织{value['org']:,}元"
    if kind == "number" and spec.name.endswith("_percent_per_day"):
        return f"每日{value:g}%"
    if kind == "int" and spec.name.endswith("_max"):
        return f"{value:,}元"
    if kind == "annual_date":
        return f"每年{int(value[:2])}月{int(value[3:])}日前"
    if kind == "number" and spec.name.endswith("_ratio_min"):
        return f"{value * 100:g}%"
    if kind == "int" and spec.name.endswith("_month"):
        return f"{value}月"
    if kind == "int" and spec.name.endswith("_workdays"):
        return f"{value}个工作日"
    if kind == "int" and spec.name.endswith("_days"):
        return f"{value}日"
    return str(value)


def format_period(value) -> str:
    return f"{value['count']}{UNITS[value['unit']]}"
