"""Cases (案件) and the people and acts around them.

A case's `status` is moved only by its transition table (`workflows.py`, one table per kind and
procedure); its other fields are written by the actions (`actions.py`), each with its ledger entry.
The field has no `choices` on purpose: each table declares the subset of `CaseStatus` it uses.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sanxiang.access.policy import RestrictedManager
from sanxiang.ledger.models import Ledgered
from sanxiang.orgs.marks import Confidentiality


class CaseKind(models.TextChoices):
    """案件种类 — the enforcement kind; each kind (and procedure) has its transition table."""

    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    INSPECTION = "inspection", "行政检查"
    LICENCE = "licence", "行政许可"
    CONFIRMATION = "confirmation", "行政确认"
    ADJUDICATION = "adjudication", "行政裁决"
    LABOUR_INSPECTION = "labour_inspection", "劳动保障监察"
    # 年度双随机抽查计划 (kinds/inspection_plan.py): a plan is a case of this kind so that its legal review
    # (株洲 二（三）2.4）C) is a review like any other decision's (decision 0058).
    INSPECTION_PLAN = "inspection_plan", "年度抽查计划"


class Procedure(models.TextChoices):
    """程序 — 普通程序 or 简易程序（当场处罚）."""

    GENERAL = "general", "普通程序"
    SIMPLIFIED = "simplified", "简易程序"


class Source(models.TextChoices):
    """案源 — where the clue came from."""

    INSPECTION = "inspection", "监督检查"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    TRANSFER = "transfer", "移送"
    ASSIGNED = "assigned", "交办"
    OTHER = "other", "其他"
    APPLICATION = "application", "申请"  # 行政许可、行政确认、行政裁决: on the applicant's application


class CaseStatus(models.TextChoices):
    """案件状态 — every state any case table uses (each table declares its own subset)."""

    CLUE = "clue", "线索"
    VERIFYING = "verifying", "核查中"
    NOT_FILED = "not_filed", "不予立案"
    FILED = "filed", "已立案"
    INVESTIGATING = "investigating", "调查中"
    SUSPENDED = "suspended", "已中止"
    TERMINATED = "terminated", "已终止调查"
    CONCLUDED = "concluded", "调查终结"
    NOTIFIED = "notified", "已告知"
    HEARING = "hearing", "听证中"
    DECIDED = "decided", "已决定"
    SERVED = "served", "已送达"
    EXECUTING = "executing", "执行中"
    COURT = "court", "申请法院强制执行"
    CLOSED = "closed", "已结案"
    # 行政检查 (inspection_general)
    PLANNED = "planned", "待检查"
    NOTICE_SENT = "notice_sent", "已通知检查"
    INSPECTING = "inspecting", "检查中"
    INSPECTED = "inspected", "已记录检查结果"
    RECTIFYING = "rectifying", "整改中"  # 责令整改 (检查), 限期整改 (劳动保障监察)
    RECTIFIED = "rectified", "整改已复查"
    HANDED_OVER = "handed_over", "已移交立案"
    CANCELLED = "cancelled", "已撤销"  # 检查取消, 劳动保障监察撤销立案
    # 行政许可 (licence.py), 行政确认/行政裁决 (decision.py), 劳动保障监察 (labour.py)
    APPLIED = "applied", "已申请"
    SUPPLEMENT_REQUESTED = "supplement_requested", "待补正"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    ACCEPTED = "accepted", "已受理"
    REVIEWING = "reviewing", "审查中"
    ASSESSING = "assessing", "检验检测或专家评审中"
    GRANTED = "granted", "准予许可（待发证）"
    REFUSED = "refused", "不予许可"
    LICENSED = "licensed", "已发证"
    EXTENDING = "extending", "延续审查中"
    REVOKED = "revoked", "已撤销许可"
    DEREGISTERED = "deregistered", "已注销"
    # licence (licence.py: 申请人撤回申请), labour (labour.py: 移送)
    WITHDRAWN = "withdrawn", "已撤回申请（终止办理）"
    TRANSFERRED = "transferred", "已移送"
    # 年度抽查计划 (kinds/inspection_plan.py)
    PLAN_DRAFT = "plan_draft", "计划起草中"
    PLAN_SUBMITTED = "plan_submitted", "计划已送法制审核"
    PLAN_ADOPTED = "plan_adopted", "计划已通过"


class PenaltyType(models.TextChoices):
    """行政处罚种类 — 行政处罚法 第九条."""

    WARNING = "warning", "警告"
    CRITICISM = "criticism", "通报批评"
    FINE = "fine", "罚款"
    CONFISCATE_INCOME = "confiscate_income", "没收违法所得"
    CONFISCATE_PROPERTY = "confiscate_property", "没收非法财物"
    SUSPENSION = "suspension", "暂扣许可证件"
    DOWNGRADE = "downgrade", "降低资质等级"
    REVOCATION = "revocation", "吊销许可证件"
    RESTRICTION = "restriction", "限制开展生产经营活动"
    PRODUCTION_SUSPENSION = "production_suspension", "责令停产停业"
    CLOSURE = "closure", "责令关闭"
    PRACTICE_RESTRICTION = "practice_restriction", "限制从业"
    DETENTION = "detention", "行政拘留"
    OTHER = "other", "法律、行政法规规定的其他行政处罚"


# 行政处罚法 第六十三条: besides large amounts, these types carry the right to a hearing.
HEARING_TYPES = {PenaltyType.DOWNGRADE, PenaltyType.REVOCATION, PenaltyType.PRODUCTION_SUSPENSION,
                 PenaltyType.CLOSURE, PenaltyType.PRACTICE_RESTRICTION, PenaltyType.SUSPENSION}


class ReviewFlag(models.TextChoices):
    """法制审核情形 — 行政处罚法 第五十八条 flags on a proposed decision."""

    PUBLIC_INTEREST = "public_interest", "涉及重大公共利益"
    COMPLEX = "complex", "案件情况疑难复杂、涉及多个法律关系"
    OTHER_STATUTORY = "other_statutory", "法律、法规规定应当进行法制审核的其他情形"


class NoPenaltyGround(models.TextChoices):
    """不予行政处罚的情形 — 行政处罚法 第三十条、第三十一条、第三十三条、第四十条、第五十七条第一款（二）（三）项."""

    MINOR = "minor", "违法行为轻微并及时改正，没有造成危害后果（行政处罚法第三十三条第一款）"
    FIRST_OFFENCE = "first_offence", "初次违法且危害后果轻微并及时改正（行政处罚法第三十三条第一款）"
    NO_FAULT = "no_fault", "当事人有证据足以证明没有主观过错（行政处罚法第三十三条第二款）"
    UNDER_FOURTEEN = "under_fourteen", "不满十四周岁的未成年人有违法行为（行政处罚法第三十条）"
    INCAPABLE = "incapable", "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为（行政处罚法第三十一条）"
    NOT_ESTABLISHED = "not_established", "违法事实不能成立（行政处罚法第四十条、第五十七条第一款第三项）"


class ServiceMethod(models.TextChoices):
    """送达方式 — legal-rules.md §3a."""

    DIRECT = "direct", "直接送达"
    LEFT = "left", "留置送达"
    ELECTRONIC = "electronic", "电子送达"
    POST = "post", "邮寄送达"
    ANNOUNCEMENT = "announcement", "公告送达"


class TransferGround(models.TextChoices):
    """移送的情形 — 劳动保障监察条例 第十八条第二款."""

    NOT_COMPETENT = "not_competent", "不属于劳动保障监察事项，移送有关部门处理"
    CRIME = "crime", "涉嫌犯罪，依法移送司法机关"


# Case fields added after cases were ledgered (left out of the digest while unset).
LATER_FIELDS = ("decidable_on_the_spot", "act_on", "act_ended_on", "transfer_ground", "transferred_to",
                "no_penalty_ground")


class Case(Ledgered):
    """案件 — one enforcement case of an agency, from clue to closing.

    Room for later issues: records attach documents and evidence to a case and archive a closed
    one (a state after 已结案); legal review replaces `CaseReview` and `review_gate`; publicity
    reads the decision fields and the structured participants to redact.
    """

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="cases")  # 承办机构
    kind = models.CharField(max_length=24, choices=CaseKind.choices, default=CaseKind.PENALTY)
    procedure = models.CharField(max_length=16, choices=Procedure.choices, default=Procedure.GENERAL)
    source = models.CharField(max_length=16, choices=Source.choices)
    cause = models.CharField(max_length=300)  # 案由
    category = models.CharField(max_length=64)  # 执法类别, matched against certificate categories
    status = models.CharField(max_length=24, db_index=True)  # see CaseStatus; moved by the tables
    number = models.CharField(max_length=64, blank=True)  # 案号, assigned at filing
    number_year = models.PositiveIntegerField(null=True, blank=True)
    number_seq = models.PositiveIntegerField(null=True, blank=True)
    confidentiality = models.CharField(max_length=24, choices=Confidentiality.choices,
                                       default=Confidentiality.INTERNAL)
    clue_on = models.DateField()
    filed_on = models.DateField(null=True, blank=True)
    facts = models.TextField(blank=True)
    discretion = models.TextField(blank=True)  # 裁量理由
    # 拟作出的处罚 (the proposal) and what the party was told (告知) — Art.45 compares against it.
    proposed_penalties = models.JSONField(default=list, blank=True)
    proposed_fine = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    proposed_confiscation = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    review_flags = models.JSONField(default=list, blank=True)
    # 拟不予行政处罚: the ground (NoPenaltyGround) proposed at 调查终结 instead of penalties (decision 0075).
    no_penalty_ground = models.CharField(max_length=24, choices=NoPenaltyGround.choices, blank=True, default="")
    notified_penalties = models.JSONField(default=list, blank=True)
    notified_fine = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    notified_confiscation = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    notified_on = models.DateField(null=True, blank=True)
    hearing_right = models.BooleanField(default=False)  # the notice told of the right to a hearing
    statement_on = models.DateField(null=True, blank=True)
    statement = models.TextField(blank=True)  # 陈述申辩
    rights_waived_on = models.DateField(null=True, blank=True)
    hearing_requested_on = models.DateField(null=True, blank=True)
    hearing_held_on = models.DateField(null=True, blank=True)
    # 决定
    decided_penalties = models.JSONField(default=list, blank=True)
    decided_fine = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    decided_confiscation = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    # 送达
    service_method = models.CharField(max_length=16, choices=ServiceMethod.choices, blank=True)
    service_proof = models.CharField(max_length=500, blank=True)
    service_started_on = models.DateField(null=True, blank=True)  # 公告 published on
    served_on = models.DateField(null=True, blank=True)
    # 执行
    paid_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    court_applied_on = models.DateField(null=True, blank=True)
    # 结案
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.CharField(max_length=500, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)  # 不予立案/终止 的理由
    time_limit_extensions = models.PositiveIntegerField(default=0)
    collective_discussion = models.TextField(blank=True)  # 集体讨论 records for further extensions
    appeal_pending = models.BooleanField(default=False)  # 复议/诉讼中: supervisors see it (rules-2026 §1)
    hearing_notice_on = models.DateField(null=True, blank=True)  # 听证通知 served on
    hearing_on = models.DateField(null=True, blank=True)  # the hearing's date in the notice
    # 行政许可 / 行政确认 / 行政裁决 / 劳动保障监察 (kinds/): the application's date is `clue_on`.
    accepted_on = models.DateField(null=True, blank=True)  # 受理 (or deemed accepted: 行政许可法第三十二条)
    supplement_requested_on = models.DateField(null=True, blank=True)  # 一次告知补正
    supplement_materials = models.TextField(blank=True)  # 需补正的全部内容
    decision_outcome = models.CharField(max_length=16, blank=True)  # DecisionOutcome (end of this module)
    decision_content = models.TextField(blank=True)  # 决定内容或不予许可的理由
    licence_number = models.CharField(max_length=100, blank=True)  # 许可证件编号
    licence_valid_from = models.DateField(null=True, blank=True)
    licence_valid_until = models.DateField(null=True, blank=True)  # None: no fixed term
    certificate_issued_on = models.DateField(null=True, blank=True)
    licence_changes = models.JSONField(default=list, blank=True)  # 变更: [{on, content}]
    extension_applied_on = models.DateField(null=True, blank=True)  # 延续申请
    revoked_on = models.DateField(null=True, blank=True)  # 撤销
    deregistered_on = models.DateField(null=True, blank=True)  # 注销
    rectify_by = models.DateField(null=True, blank=True)  # 责令改正的期限
    rectified_on = models.DateField(null=True, blank=True)
    # licence (当场决定: 行政许可法第三十四条第二款) and labour (时效: 劳动保障监察条例第二十条; 移送: 第十八条第二款)
    decidable_on_the_spot = models.BooleanField(default=False)  # 该申请事项可以当场作出决定（登记申请时注明）
    act_on = models.DateField(null=True, blank=True)  # 违法行为发生之日
    act_ended_on = models.DateField(null=True, blank=True)  # 连续或者继续状态终了之日
    transfer_ground = models.CharField(max_length=16, choices=TransferGround.choices, blank=True)
    transferred_to = models.CharField(max_length=200, blank=True)  # 接收移送的机关
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency of non-state edits
    created_at = models.DateTimeField()
    # 重新作出: the case whose decision a 复议/诉讼 outcome ordered remade (the old one keeps its decision).
    remakes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="remade_by")

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "案件"
        constraints = [models.UniqueConstraint(fields=["agency", "number"], condition=~Q(number=""),
                                               name="cases_case_unique_number")]
        indexes = [models.Index(fields=["agency", "status"]), models.Index(fields=["unit", "status"])]

    def __str__(self):
        return self.number or f"线索 {self.pk}：{self.cause}"

    def workflow_table(self) -> str:
        return f"{self.kind}_{self.procedure}"

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        if state.get("remakes_id") is None:
            state.pop("remakes_id", None)  # cases ledgered before the field keep their digest
        for name in LATER_FIELDS:  # the licence/labour block: unset, a case ledgered before keeps its digest
            if state.get(name) in (None, False, ""):
                state.pop(name, None)
        return state

    def obligation_units(self) -> list:
        """承办机构: every deadline the case opens reaches this unit's queue (its head sees it)."""
        return [self.unit] if self.unit_id else []

    @property
    def status_label(self) -> str:
        try:
            return CaseStatus(self.status).label
        except ValueError:
            return self.status

    @property
    def title(self) -> str:
        return self.number or "（未立案）"


class CaseAccess(models.Model):
    """案件知悉人员 — users a case is assigned to (its handlers, its reviewer): the ASSIGNED scope."""

    HANDLER, REVIEWER = "handler", "reviewer"
    REASONS = [(HANDLER, "承办人"), (REVIEWER, "法制审核人员")]

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_accesses")
    reason = models.CharField(max_length=16, choices=REASONS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user", "reason"], name="cases_access_unique")]
        verbose_name = "案件知悉人员"


class CaseParty(Ledgered):
    """案件当事人 — a party of a case, with the service address it confirmed (送达地址确认书)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_parties")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="case_links")
    electronic_address = models.CharField(max_length=200, blank=True)
    address_consent_on = models.DateField(null=True, blank=True)  # signed consent to electronic service
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "party"], name="cases_party_unique")]
        verbose_name = "案件当事人"


class ParticipantRole(models.TextChoices):
    AGENT = "agent", "委托代理人"
    WITNESS = "witness", "见证人"
    INTERPRETER = "interpreter", "翻译人员"


class CaseParticipant(Ledgered):
    """案件参与人 — 委托代理人, 见证人 or 翻译人员, structured so publication knows whom to redact."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="participants")
    role = models.CharField(max_length=16, choices=ParticipantRole.choices)
    name = models.CharField(max_length=100)
    id_number = models.CharField(max_length=64, blank=True)
    relation = models.CharField(max_length=100, blank=True)  # e.g. 律师, 员工, 亲属
    phone = models.CharField(max_length=40, blank=True)
    for_party = models.ForeignKey(CaseParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = "案件参与人"


class CaseHandler(Ledgered):
    """承办人 — an officer handling a case, with the certificate used; removed ones keep their row."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handlers")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="case_handlings")
    certificate = models.ForeignKey("orgs.Certificate", on_delete=models.PROTECT, related_name="+")
    lead = models.BooleanField(default=False)  # 主办
    since = models.DateField()
    until = models.DateField(null=True, blank=True)  # removed (e.g. 回避) from this day

    class Meta:
        ordering = ["-lead", "id"]
        verbose_name = "承办人"


class Recusal(Ledgered):
    """回避 — a request that a handler withdraw, and the head's decision."""

    PENDING, GRANTED, REFUSED = "pending", "granted", "refused"
    DECISIONS = [(PENDING, "待决定"), (GRANTED, "决定回避"), (REFUSED, "决定不予回避")]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="recusals")
    handler = models.ForeignKey(CaseHandler, on_delete=models.PROTECT, related_name="recusals")
    requested_by = models.CharField(max_length=100)  # 当事人 or the handler himself
    reason = models.CharField(max_length=500)
    requested_on = models.DateField()
    decision = models.CharField(max_length=16, choices=DECISIONS, default=PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "回避"


class OnSiteActKind(models.TextChoices):
    """现场执法活动 — what was done on site, in the words of the 音像记录事项清单 (records/catalogue.py)."""

    INSPECTION = "onsite", "现场检查"
    SEALING_UP = "sealing_up", "封存"
    DEMOLITION = "demolition", "强制拆除"
    LAB_INTAKE = "lab_intake", "送检样品（承检机构接收样品）"


class OnSiteAct(Ledgered):
    """现场执法 — what 执法监督条例 第十一条（六） checks at an on-site act."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="onsite_acts")
    act = models.CharField(max_length=16, choices=OnSiteActKind.choices, default=OnSiteActKind.INSPECTION)
    date = models.DateField()
    place = models.CharField(max_length=300)
    certificate_numbers = models.JSONField(default=list)  # 出示的执法证件
    told_reason_basis_rights = models.BooleanField()  # 告知执法事由、依据、权利义务
    video_recorded = models.BooleanField()  # 全过程音像记录
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "现场执法"

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        if state.get("act") == OnSiteActKind.INSPECTION:
            state.pop("act")  # acts ledgered before the field keep their digest
        return state


class CaseReview(Ledgered):
    """法制审核（简） — a submission of the proposed decision and its reviewer's opinion.

    Legacy: reviews recorded before the review procedure (sanxiang/review: `LegalReview` and its
    rounds). No new rows are made; the gate still reads a case's rows when it has no rounds.
    """

    PENDING, PASS, RETURN = "pending", "pass", "return"
    OPINIONS = [(PENDING, "待审核"), (PASS, "同意"), (RETURN, "退回")]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposal = models.JSONField()  # the proposal reviewed; a changed proposal needs a new review
    rules = models.JSONField(default=list)  # the rules that required it
    submitted_on = models.DateField()
    opinion = models.CharField(max_length=16, choices=OPINIONS, default=PENDING)
    note = models.CharField(max_length=1000, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "法制审核"


class CasePayment(Ledgered):
    """缴款 — a payment of the fine (and of the late surcharge 加处罚款)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    surcharge_due = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    paid_on = models.DateField()
    receipt = models.CharField(max_length=100, blank=True)
    # 当场收缴 (行政处罚法第六十八条、第六十九条): the ground; the receipt is the 专用票据 number (Art.70).
    onsite_ground = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = "缴款"

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        if not state.get("onsite_ground"):
            state.pop("onsite_ground", None)  # payments ledgered before the field keep their digest
        return state


class OnSiteGround(models.TextChoices):
    """当场收缴罚款的情形 (行政处罚法第六十八条、第六十九条)."""

    SMALL = "small", "依法给予一百元以下罚款（第六十八条第一项）"
    HARD_TO_ENFORCE = "hard_to_enforce", "不当场收缴事后难以执行（第六十八条第二项）"
    REMOTE = "remote", "边远、水上、交通不便地区，当事人缴款确有困难并提出（第六十九条）"


class AppealKind(models.TextChoices):
    """救济途径 — 行政复议 or 行政诉讼 against a decision."""

    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION = "litigation", "行政诉讼"


class AppealOutcome(models.TextChoices):
    """复议决定/裁判结果."""

    UPHELD = "upheld", "维持"
    REVOKED = "revoked", "撤销"
    PARTLY_REVOKED = "partly_revoked", "部分撤销"
    VARIED = "varied", "变更"
    CONFIRMED_ILLEGAL = "confirmed_illegal", "确认违法"
    CONFIRMED_VOID = "confirmed_void", "确认无效"
    REMAKE = "remake", "责令重新作出"
    DISMISSED = "dismissed", "驳回"
    WITHDRAWN = "withdrawn", "撤回/终止"


# 行政处罚法 第四十八条: these outcomes take the published decision down (publicity acts on the deadline).
WITHDRAWING_OUTCOMES = {AppealOutcome.REVOKED, AppealOutcome.PARTLY_REVOKED, AppealOutcome.VARIED,
                        AppealOutcome.CONFIRMED_ILLEGAL, AppealOutcome.CONFIRMED_VOID, AppealOutcome.REMAKE}


class CaseAppeal(Ledgered):
    """行政复议/行政诉讼 — the party's challenge of a case's decision, from application to outcome.

    While one is pending the case shows 复议/诉讼中 (`Case.appeal_pending`) and the late surcharge
    does not accrue (行政处罚法 第七十三条).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(max_length=16, choices=AppealKind.choices)
    body = models.CharField(max_length=200)  # 复议机关 or 人民法院
    applied_on = models.DateField()
    accepted_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=AppealOutcome.choices, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    # 行政强制措施 challenged on its own (行政复议法第十一条第二项, 行政诉讼法第十二条第二项; decision 0083): the
    # measure, not the case's decision; empty for the case's decision.
    measure = models.ForeignKey("cases.CoerciveMeasure", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="appeals")

    class Meta:
        ordering = ["applied_on", "id"]
        verbose_name = "行政复议/行政诉讼"

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        if state.get("measure_id") is None:
            state.pop("measure_id", None)  # appeals ledgered before the field (cases 0011) keep their digest
        return state

    @property
    def pending(self) -> bool:
        return not self.outcome


# ---- 行政强制 (coercion): measures attached to a case, see cases/kinds/coercion.py ----------------

class MeasureKind(models.TextChoices):
    """行政强制措施种类 — 行政处罚法 第五十六条, 行政强制法 第九条."""

    PRESERVATION = "preservation", "先行登记保存"
    SEAL = "seal", "查封"
    SEIZE = "seize", "扣押"


class MeasureStatus(models.TextChoices):
    """行政强制措施状态 — moved only by the `coercive_measure` table."""

    PROPOSED = "proposed", "待批准"
    APPROVED = "approved", "已批准待实施"
    EMERGENCY = "emergency", "当场实施待补办批准"
    IN_FORCE = "in_force", "实施中"
    TESTING = "testing", "检测鉴定中"
    REFUSED = "refused", "未批准"
    WITHDRAWN = "withdrawn", "未实施"
    RELEASED = "released", "已解除"
    DISPOSED = "disposed", "已作出处理决定"


class ReleaseReason(models.TextChoices):
    """解除理由 — 行政强制法 第二十八条 (and 第十九条: not approved afterwards)."""

    NO_VIOLATION = "no_violation", "当事人没有违法行为"
    UNRELATED = "unrelated", "场所、设施或者财物与违法行为无关"
    DECIDED = "decided", "已对违法行为作出处理决定，不再需要查封、扣押"
    EXPIRED = "expired", "期限已经届满"
    OTHER = "other", "其他不再需要采取措施的情形"
    NOT_APPROVED = "not_approved", "当场实施后负责人认为不应当采取"


class MeasureOutcome(models.TextChoices):
    """处理决定 — 行政强制法 第二十七条; 先行登记保存 may turn into 查封、扣押."""

    CONFISCATE = "confiscate", "依法没收"
    DESTROY = "destroy", "依法销毁"
    TRANSFER = "transfer", "随案移送"
    SEAL_OR_SEIZE = "seal_or_seize", "依法查封、扣押"


class CoerciveMeasure(Ledgered):
    """行政强制措施 — a 先行登记保存, 查封 or 扣押 taken in a case, with its period and its end."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(max_length=16, choices=MeasureKind.choices)
    status = models.CharField(max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED)
    reason = models.CharField(max_length=500)  # 理由和依据
    proposed_on = models.DateField()
    approved_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    emergency = models.BooleanField(default=False)  # 当场实施 before approval (行政强制法 第十九条)
    emergency_reason = models.CharField(max_length=500, blank=True)
    implemented_on = models.DateField(null=True, blank=True)  # the period counts from this day
    implemented_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=300, blank=True)
    certificate_numbers = models.JSONField(default=list, blank=True)  # 出示的执法证件
    told_reason_basis_rights = models.BooleanField(default=False)
    party_present = models.BooleanField(default=False)  # 当事人到场（否则邀请见证人）
    video_recorded = models.BooleanField(default=False)
    record = models.TextField(blank=True)  # 现场笔录
    extension_days = models.PositiveIntegerField(default=0)
    extended_on = models.DateField(null=True, blank=True)
    extension_reason = models.CharField(max_length=500, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    release_reason = models.CharField(max_length=16, choices=ReleaseReason.choices, blank=True)
    outcome = models.CharField(max_length=16, choices=MeasureOutcome.choices, blank=True)
    end_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    # 先行登记保存 decided as 查封、扣押 (行政处罚法 第五十六条): the preservation this measure continues.
    preserved_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="continued_as")

    class Meta:
        ordering = ["id"]
        verbose_name = "行政强制措施"

    def __str__(self):
        return f"{self.get_kind_display()}（{self.case.title}）"


class Custody(models.TextChoices):
    """保管方式 — 行政强制法 第二十六条."""

    AGENCY = "agency", "行政机关保管"
    THIRD_PARTY = "third_party", "委托第三人保管"
    PARTY = "party", "交当事人保管（查封）"


class SaleMethod(models.TextChoices):
    """先行处置方式 — 拍卖 or 变卖 of 鲜活物品或者其他不易保管的财物 (行政强制法 第二十八条第二款)."""

    AUCTION = "auction", "拍卖"
    SALE = "sale", "变卖"


class SeizedItem(Ledgered):
    """查封、扣押（先行登记保存）清单的一项 — 场所、设施或者财物 (行政强制法 第二十四条)."""

    measure = models.ForeignKey(CoerciveMeasure, on_delete=models.PROTECT, related_name="items")
    name = models.CharField(max_length=200)
    spec = models.CharField(max_length=200, blank=True)  # 规格型号
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit = models.CharField(max_length=20)  # 计量单位
    place = models.CharField(max_length=300)  # 存放地点
    custody = models.CharField(max_length=16, choices=Custody.choices, default=Custody.AGENCY)
    custodian = models.CharField(max_length=200, blank=True)  # 受托保管人
    disposal = models.CharField(max_length=16, blank=True)  # returned / an outcome: the item's own or its measure's
    disposed_on = models.DateField(null=True, blank=True)
    disposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    disposal_basis = models.CharField(max_length=500, blank=True)  # 依据、接收机关或说明
    # 拍卖、变卖 of goods that do not keep (行政强制法 第二十八条第二款): the proceeds stand in for the goods.
    sale_method = models.CharField(max_length=16, choices=SaleMethod.choices, blank=True)
    sold_on = models.DateField(null=True, blank=True)
    sale_proceeds = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    sale_ground = models.CharField(max_length=500, blank=True)
    sale_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    carried_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="carried_to")  # the preserved item it continues

    class Meta:
        ordering = ["id"]
        verbose_name = "查封扣押财物"

    @property
    def disposal_label(self) -> str:
        sold = self.sold_on is not None
        if self.disposal == "returned":
            return f"已解除，退还{self.get_sale_method_display()}所得款项" if sold else "已解除，退还当事人"
        if self.disposal in MeasureOutcome.values:
            label = MeasureOutcome(self.disposal).label
            return f"{label}（{self.get_sale_method_display()}所得款项）" if sold else label
        return ""
# ---- 行政检查 ----------------------------------------------------------------------------------

class InspectionSource(models.TextChoices):
    """检查来源 — why an inspection is made (国办发〔2024〕54号 counts them against the yearly cap, or not)."""

    PLANNED = "planned", "计划检查"
    RANDOM = "random", "双随机抽查"
    COMPLAINT = "complaint", "投诉举报"
    REFERRAL = "referral", "转办交办"
    OTHER = "other", "其他"


class InspectionResult(models.TextChoices):
    """检查结果 — 未发现问题 (published as a normal 双随机 result) or 发现问题."""

    NORMAL = "normal", "未发现问题"
    PROBLEMS = "problems", "发现问题"


class RandomDraw(Ledgered):
    """双随机抽取 — one draw of 双随机、一公开: objects drawn from a list of entities and, for each, inspectors
    drawn from the qualified officers, by a recorded seed, so anyone can repeat the draw and get the same
    result (`sanxiang.cases.kinds.inspection.replay_draw`)."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="random_draws")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(max_length=300)  # 抽查事项
    drawn_on = models.DateField()
    seed = models.CharField(max_length=64)
    method = models.CharField(max_length=32)  # how candidates are ranked from the seed (see replay_draw)
    party_pool = models.JSONField()  # candidate entity ids, as drawn from
    person_pool = models.JSONField()  # candidate inspector ids (qualified on the day)
    objects_drawn = models.PositiveIntegerField()
    inspectors_each = models.PositiveIntegerField()
    result = models.JSONField()  # [{"party": id, "people": [id, id]}]
    created_at = models.DateTimeField()
    # 年度抽查计划 the draw carries out (where the profile requires one: `cases.random_inspection_plan_required`)
    plan = models.ForeignKey("cases.InspectionPlan", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="draws")

    class Meta:
        ordering = ["-drawn_on", "-id"]
        verbose_name = "双随机抽取"

    def ledger_state(self) -> dict:
        state = super().ledger_state()
        if state.get("plan_id") is None:
            state.pop("plan_id", None)  # draws ledgered before plans existed keep their digest
        return state


class InspectionPlan(Ledgered):
    """年度抽查计划 — an agency unit's annual 双随机、一公开 plan: its year and items, each with the fields
    the publicity issue publishes (issue 10 §1: 主体、依据、对象、内容、比例、方式、频次). The plan is the
    case it belongs to (kind `inspection_plan`): the case's table `inspection_plan_general` moves it
    起草 → 送法制审核 → 通过, and its legal review is the case's (decision 0058)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="inspection_plan")
    year = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    # [{subject, basis, objects, content, ratio, method, frequency}] (kinds/inspection_plan.PLAN_FIELDS)
    items = models.JSONField(default=list)
    adopted_on = models.DateField(null=True, blank=True)
    adopted_by_name = models.CharField(max_length=150, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = "年度抽查计划"

    def __str__(self) -> str:
        return self.title


class Inspection(Ledgered):
    """行政检查 — the inspection-specific record of a case of kind `inspection`: its source, the
    enterprise inspected (the case's party), the dates, the structured result the publicity issue
    publishes under the entity's name, the rectification ordered and verified, and the penalty clue
    it became (if any)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="inspection")
    source = models.CharField(max_length=16, choices=InspectionSource.choices)
    planned_on = models.DateField()
    code = models.CharField(max_length=32, unique=True)  # 检查码 (扫码入企), shown to the enterprise
    notice_on = models.DateField(null=True, blank=True)  # 检查通知
    started_on = models.DateField(null=True, blank=True)  # 实施检查 (counts against the yearly cap)
    ended_on = models.DateField(null=True, blank=True)  # 检查结束 = result recorded
    result = models.CharField(max_length=16, choices=InspectionResult.choices, blank=True)
    items = models.JSONField(default=list, blank=True)  # 检查事项 (items checked)
    conclusion = models.CharField(max_length=2000, blank=True)  # 检查结论
    problems = models.CharField(max_length=2000, blank=True)  # 发现的问题
    rectification_ordered_on = models.DateField(null=True, blank=True)  # 责令整改
    rectification_due = models.DateField(null=True, blank=True)
    rectification_checked_on = models.DateField(null=True, blank=True)  # 整改复查
    rectification_note = models.CharField(max_length=1000, blank=True)
    penalty_case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="origin_inspection")  # 移交立案: the penalty clue
    finished_on = models.DateField(null=True, blank=True)  # 检查办结
    cancel_reason = models.CharField(max_length=500, blank=True)
    draw = models.ForeignKey(RandomDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections")
    # 扫码入企: at the start the enterprise scanned (or was shown) the code; None = not recorded (counted as not)
    code_scanned = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = "行政检查"
        indexes = [models.Index(fields=["started_on"])]

    def __str__(self):
        return f"行政检查 {self.case.cause}"

    @property
    def warnings(self) -> list[str]:
        """重复检查预警 of this inspection under its agency's profile (kinds/inspection.py)."""
        from .kinds.inspection import inspection_warnings

        return inspection_warnings(self)
# ---- 行政许可、行政确认、行政裁决、劳动保障监察 (sanxiang/cases/kinds/) ------------------------------------

class DecisionOutcome(models.TextChoices):
    """决定结果 — of a licence, a confirmation or adjudication, or a labour-security inspection."""

    GRANTED = "granted", "准予行政许可"
    REFUSED = "refused", "不予行政许可"
    DECIDED = "decided", "作出决定"
    RECTIFICATION = "rectification", "责令改正"
    CANCELLED = "cancelled", "撤销立案"
