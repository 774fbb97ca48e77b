"""Forms of the case pages: inputs only — the actions check them (the law lives in actions.py).

`TransitionForm` is built from a transition's `params` (their Chinese labels, required or not);
inputs that are structured get their own field by name (penalty types, amounts, service method).
"""

from django import forms

from .models import (
    AppealKind,
    AppealOutcome,
    CaseKind,
    InspectionResult,
    InspectionSource,
    NoPenaltyGround,
    OnSiteActKind,
    OnSiteGround,
    ParticipantRole,
    PenaltyType,
    Procedure,
    ReviewFlag,
    ServiceMethod,
    Source,
    TransferGround,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _structured(name, label, required):
    """The field of a structured input, by the parameter's name (None: a plain text input)."""
    if name == "on":
        return forms.DateField(label=label, required=required, widget=DATE, help_text="不填为今天。")
    if name == "hearing_on":
        return forms.DateField(label=label, required=required, widget=DATE,
                               help_text="须在通知送达后的听证通知提前期届满之后；行政许可听证还须在组织听证期限内。")
    if name in ("valid_until", "rectify_by"):  # 许可有效期、责令改正期限: future dates
        return forms.DateField(label=label, required=required, widget=DATE)
    if name == "penalties":
        return forms.MultipleChoiceField(label=label, required=required, choices=PenaltyType.choices,
                                         widget=forms.CheckboxSelectMultiple)
    if name == "no_penalty_ground":  # 拟不予行政处罚 (decision 0075)
        return forms.ChoiceField(label=label, required=required, choices=[("", "—（拟给予行政处罚）"),
                                                                          *NoPenaltyGround.choices],
                                 help_text="拟不予行政处罚的，选择情形，不选处罚种类。")
    if name == "flags":
        return forms.MultipleChoiceField(label=label, required=required, choices=ReviewFlag.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text="属于行政处罚法第五十八条情形的，须经法制审核。")
    if name in ("fine", "confiscation", "amount"):
        return forms.DecimalField(label=f"{label}（元）", required=required, min_value=0, decimal_places=2,
                                  max_digits=14, widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    if name == "days":
        return forms.IntegerField(label=label, required=required, min_value=1, max_value=3650)
    if name == "method":
        return forms.ChoiceField(label=label, required=required, choices=ServiceMethod.choices)
    if name == "onsite_ground":
        return forms.ChoiceField(label=label, required=required, choices=OnSiteGround.choices)
    # 行政检查
    if name == "result":
        return forms.ChoiceField(label=label, required=required, choices=InspectionResult.choices,
                                 widget=forms.RadioSelect)
    if name == "items":
        return forms.CharField(label=label, required=required, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="每行一项，如：营业执照公示情况。")
    if name == "deadline":
        return forms.DateField(label=label, required=required, widget=DATE, help_text="整改期限届满之日。")
    if name == "code_scanned":
        return forms.ChoiceField(label=label, required=required, choices=[("", "未记录"), ("scanned", "企业已扫码（已出示检查码）"),
                                 ("not_scanned", "未扫码")], help_text="扫码入企（国办发〔2024〕54号）；未扫码的计入预警。")
    # 劳动保障监察: the violation's dates (第二十条 时效) and the ground of a transfer (第十八条第二款)
    if name in ("act_on", "act_ended_on"):
        return forms.DateField(label=label, required=required, widget=DATE,
                               help_text="违法行为有连续或者继续状态的，填写终了之日；时效自终了之日起计算。"
                               if name == "act_ended_on" else "")
    if name == "transfer_ground":
        return forms.ChoiceField(label=label, required=required, choices=TransferGround.choices)
    return None


class TransitionForm(forms.Form):
    """操作表单 — the inputs of one transition, from its `params`."""

    def __init__(self, transition, *args, case=None, **kwargs):
        kwargs.setdefault("auto_id", f"{transition.action}_%s")  # several moves on one page
        super().__init__(*args, **kwargs)
        self.transition = transition
        for name, spec in transition.params.items():
            label = getattr(spec, "label", spec)
            required = getattr(spec, "required", True)
            field = _structured(name, label, required)
            if field is None:
                max_length = getattr(spec, "max_length", 500)
                widget = forms.Textarea(attrs={"rows": 3}) if max_length > 500 else None
                field = forms.CharField(label=label, required=required, max_length=max_length, widget=widget)
            self.fields[name] = field
        if case is not None and "penalties" in self.fields:  # only what the agency may impose (行政拘留)
            from .guards import penalty_choices

            self.fields["penalties"].choices = penalty_choices(case)

    def params(self) -> dict:
        """The cleaned inputs as the action takes them (dates as dates, blanks left out)."""
        out = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", []):
                continue
            out[name] = str(value) if name in ("fine", "confiscation", "amount") else value
        return out


# The kinds that have their tables (行政强制、行政检查 are opened from their own pages).
KINDS = [(k.value, k.label) for k in (CaseKind.PENALTY, CaseKind.LICENCE, CaseKind.CONFIRMATION,
                                      CaseKind.ADJUDICATION, CaseKind.LABOUR_INSPECTION)]


class ClueForm(forms.Form):
    """登记线索."""

    unit = forms.ChoiceField(label="承办机构")
    kind = forms.ChoiceField(label="案件种类", choices=KINDS, initial=CaseKind.PENALTY, required=False,
                             help_text="行政许可、行政确认、行政裁决依申请办理（案源选“申请”，日期为收到申请材料之日）。")
    source = forms.ChoiceField(label="案源", choices=Source.choices)
    cause = forms.CharField(label="案由", max_length=300, help_text="如：销售超过保质期的食品；许可申请写申请事项。")
    category = forms.ChoiceField(label="执法类别")
    clue_on = forms.DateField(label="发现线索日期", required=False, widget=DATE, help_text="不填为今天。")
    on_the_spot = forms.BooleanField(label="可当场作出许可决定", required=False,
                                     help_text="仅行政许可：申请事项依法能够当场作出决定的（行政许可法第三十四条第二款）。")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        units = list(units)
        self.units = {str(u.pk): u for u in units}
        many = len({u.agency_id for u in units}) > 1
        self.fields["unit"].choices = [(str(u.pk), f"{u.agency.name} · {u.name}" if many else u.name) for u in units]
        categories = []
        for u in units:
            for c in u.agency.categories or []:
                if c not in categories:
                    categories.append(c)
        self.fields["category"].choices = [(c, c) for c in categories]


class OnSiteCaseForm(forms.Form):
    """当场处罚 (简易程序): the case, its party, two handlers and the penalty, on site."""

    unit = forms.ChoiceField(label="承办机构")
    cause = forms.CharField(label="案由", max_length=300)
    category = forms.ChoiceField(label="执法类别")
    party = forms.ChoiceField(label="当事人", help_text="先在“当事人”中登记，再在此选择。")
    handlers = forms.MultipleChoiceField(label="执法人员（至少两名）", widget=forms.CheckboxSelectMultiple)
    penalties = forms.MultipleChoiceField(label="处罚种类", widget=forms.CheckboxSelectMultiple,
                                          choices=[(PenaltyType.WARNING, PenaltyType.WARNING.label),
                                                   (PenaltyType.FINE, PenaltyType.FINE.label)])
    fine = forms.DecimalField(label="罚款数额（元）", required=False, min_value=0, decimal_places=2, max_digits=14,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    on = forms.DateField(label="日期", required=False, widget=DATE, help_text="不填为今天。")

    def __init__(self, *args, units=(), parties=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        units = list(units)
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = [(str(u.pk), u.name) for u in units]
        self.fields["category"].choices = [(c, c) for c in dict.fromkeys(
            c for u in units for c in (u.agency.categories or []))]
        self.parties = {str(p.pk): p for p in parties}
        self.fields["party"].choices = [(str(p.pk), p.name) for p in parties]
        self.people = {str(p.pk): p for p in people}
        self.fields["handlers"].choices = [(str(p.pk), p.name) for p in people]


class PartyPickForm(forms.Form):
    """列明当事人 — one of the agency's registered parties, with a consented electronic address."""

    party = forms.ChoiceField(label="当事人")
    electronic_address = forms.CharField(label="电子送达地址", max_length=200, required=False,
                                         help_text="当事人签署送达地址确认书同意电子送达的，填写。")
    address_consent_on = forms.DateField(label="同意电子送达日期", required=False, widget=DATE)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(p.pk): p for p in parties}
        self.fields["party"].choices = [(str(p.pk), p.name) for p in parties]


class HandlerForm(forms.Form):
    """指定承办人 — a person of the agency (the action checks the certificate and the category)."""

    person = forms.ChoiceField(label="执法人员")
    lead = forms.BooleanField(label="主办", required=False)
    on = forms.DateField(label="日期", required=False, widget=DATE, help_text="不填为今天。")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["person"].choices = [(str(p.pk), p.name) for p in people]


class ParticipantForm(forms.Form):
    """登记委托代理人、见证人或翻译人员."""

    role = forms.ChoiceField(label="身份", choices=ParticipantRole.choices)
    name = forms.CharField(label="姓名", max_length=100)
    id_number = forms.CharField(label="身份证件号码", max_length=64, required=False)
    relation = forms.CharField(label="与当事人关系", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)


class OnSiteActForm(forms.Form):
    """现场执法记录."""

    act = forms.ChoiceField(label="现场执法活动", choices=OnSiteActKind.choices, initial=OnSiteActKind.INSPECTION,
                            required=False, help_text="音像记录事项清单按活动种类判断是否应全程音像记录。")
    place = forms.CharField(label="执法地点", max_length=300)
    certificate_numbers = forms.MultipleChoiceField(label="出示的执法证", widget=forms.CheckboxSelectMultiple)
    told_reason_basis_rights = forms.BooleanField(label="已告知执法事由、依据和权利义务", required=False)
    video_recorded = forms.BooleanField(label="执法人员声明：已全程音像记录", required=False,
                                        help_text="仅为声明；以本案关联并已存储的音像记录为准。")
    date = forms.DateField(label="日期", required=False, widget=DATE, help_text="不填为今天。")
    note = forms.CharField(label="备注", max_length=500, required=False)

    def __init__(self, *args, handlers=(), acts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if acts is not None:
            self.fields["act"].choices = acts
        self.fields["certificate_numbers"].choices = [
            (h.certificate.number, f"{h.person.name}（{h.certificate.number}）") for h in handlers]


class RecusalRequestForm(forms.Form):
    """申请回避."""

    handler = forms.ChoiceField(label="被申请回避的承办人")
    requested_by = forms.CharField(label="申请人", max_length=100, help_text="当事人或承办人本人。")
    reason = forms.CharField(label="回避理由", max_length=500)
    on = forms.DateField(label="日期", required=False, widget=DATE, help_text="不填为今天。")

    def __init__(self, *args, handlers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.handlers = {str(h.pk): h for h in handlers}
        self.fields["handler"].choices = [(str(h.pk), h.person.name) for h in handlers]


class RecusalDecisionForm(forms.Form):
    """回避决定."""

    granted = forms.ChoiceField(label="决定", choices=[("yes", "决定回避"), ("no", "决定不予回避")],
                                widget=forms.RadioSelect)
    reason = forms.CharField(label="决定理由", max_length=500, required=False, help_text="不予回避的须写明理由。")
    on = forms.DateField(label="日期", required=False, widget=DATE, help_text="不填为今天。")


class CaseEditForm(forms.Form):
    """修改案由、违法事实、裁量理由."""

    cause = forms.CharField(label="案由", max_length=300)
    facts = forms.CharField(label="违法事实", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    discretion = forms.CharField(label="裁量理由", max_length=5000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))



class ProposalForm(forms.Form):
    """修改拟处罚内容 (after 调查终结, before the decision; e.g. the party's 陈述申辩 adopted): the fields of
    调查终结's proposal, filled with the case's; 拟不予行政处罚 only where the case's table has that act."""

    penalties = forms.MultipleChoiceField(label="处罚种类", required=False, choices=PenaltyType.choices,
                                          widget=forms.CheckboxSelectMultiple)
    fine = forms.DecimalField(label="罚款数额（元）", required=False, min_value=0, decimal_places=2, max_digits=14,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    confiscation = forms.DecimalField(label="没收金额（元）", required=False, min_value=0, decimal_places=2,
                                      max_digits=14, widget=forms.NumberInput(attrs={"step": "0.01",
                                                                                     "inputmode": "decimal"}))
    flags = forms.MultipleChoiceField(label="法制审核情形", required=False, choices=ReviewFlag.choices,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text="属于行政处罚法第五十八条情形的，须经法制审核。")
    no_penalty_ground = forms.ChoiceField(label="拟不予行政处罚的情形", required=False,
                                          choices=[("", "—（拟给予行政处罚）"), *NoPenaltyGround.choices],
                                          help_text="拟不予行政处罚的，选择情形，不选处罚种类、不填金额。")

    def __init__(self, *args, case=None, **kwargs):
        if case is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {"penalties": case.proposed_penalties, "fine": case.proposed_fine,
                                 "confiscation": case.proposed_confiscation, "flags": case.review_flags,
                                 "no_penalty_ground": case.no_penalty_ground}
        super().__init__(*args, **kwargs)
        if case is not None:
            from .guards import penalty_choices
            from .workflows import table_of

            self.fields["penalties"].choices = penalty_choices(case)
            if "decide_no_penalty" not in table_of(case).actions():
                del self.fields["no_penalty_ground"]

    def params(self) -> dict:
        d = self.cleaned_data
        return {"penalties": d["penalties"], "flags": d["flags"], "no_penalty_ground": d.get("no_penalty_ground") or "",
                "fine": None if d["fine"] is None else str(d["fine"]),
                "confiscation": None if d["confiscation"] is None else str(d["confiscation"])}


class AppealForm(forms.Form):
    """登记行政复议/行政诉讼."""

    kind = forms.ChoiceField(label="救济途径", choices=AppealKind.choices)
    body = forms.CharField(label="复议机关或受理法院", max_length=200)
    applied_on = forms.DateField(label="申请或起诉日期", required=False, widget=DATE, help_text="不填为今天。")
    accepted_on = forms.DateField(label="受理日期", required=False, widget=DATE)
    note = forms.CharField(label="备注", max_length=1000, required=False)
    measure = forms.ChoiceField(label="不服的行为", required=False)

    def __init__(self, *args, case=None, **kwargs):
        """`measure`: the case's decision, or one of its 行政强制措施 once taken (decision 0083)."""
        from sanxiang.cases.actions import TAKEN_MEASURES

        super().__init__(*args, **kwargs)
        taken = [] if case is None else list(case.measures.filter(status__in=TAKEN_MEASURES).order_by("id"))
        if not taken:
            del self.fields["measure"]
            return
        choices = [("", "本案的决定")] if case.decided_on else []
        self.fields["measure"].choices = choices + [
            (str(m.pk), f"{m.get_kind_display()}措施（{m.implemented_on:%Y-%m-%d} 实施）") for m in taken]
        self.fields["measure"].required = not case.decided_on


class AppealOutcomeForm(forms.Form):
    """登记复议决定/裁判结果."""

    outcome = forms.ChoiceField(label="结果", choices=AppealOutcome.choices)
    decided_on = forms.DateField(label="决定或裁判日期", required=False, widget=DATE, help_text="不填为今天。")
    accepted_on = forms.DateField(label="受理日期", required=False, widget=DATE, help_text="登记时未填的可在此补填。")
    remake_days = forms.IntegerField(label="重新作出期限（天）", required=False, min_value=1, max_value=3650,
                                     help_text="责令重新作出的，按决定书或判决书写明的期限填写。")
    note = forms.CharField(label="备注", max_length=500, required=False)
    received_on = forms.DateField(label="收到复议决定书日期", required=False, widget=DATE,
                                  help_text="复议决定适用：当事人起诉期限十五日自此日起算；不填为决定日期。")


class PauseForm(forms.Form):
    """期限中止计算: 检测、检验、检疫、鉴定 or 公告."""

    reason = forms.ChoiceField(label="事由", choices=[("检测检验检疫鉴定", "检测、检验、检疫、鉴定"), ("公告", "公告")])
    note = forms.CharField(label="具体情况", max_length=300, help_text="如送检样品名称、检测机构或公告事项。")
    on = forms.DateField(label="开始日期", required=False, widget=DATE, help_text="不填为今天。")


class ResumeForm(forms.Form):
    """期限恢复计算."""

    on = forms.DateField(label="结束日期", required=False, widget=DATE, help_text="不填为今天。")


class RemakeForm(forms.Form):
    """重新作出: a new case for the decision a 复议/诉讼 outcome ordered remade."""

    cause = forms.CharField(label="案由", required=False, max_length=300, help_text="不填为“重新作出：原案由”。")
    on = forms.DateField(label="登记日期", required=False, widget=DATE, help_text="不填为今天。")


PROCEDURES = Procedure.choices


class InspectionForm(forms.Form):
    """登记行政检查: the entity, the source, what is inspected and the inspectors fixed in advance."""

    unit = forms.ChoiceField(label="承办机构")
    source = forms.ChoiceField(label="检查来源", choices=InspectionSource.choices)
    cause = forms.CharField(label="检查事项", max_length=300, help_text="如：双随机抽查：食品经营者日常监督检查。")
    party = forms.ChoiceField(label="被检查对象", help_text="先在“当事人”中登记，再在此选择。")
    handlers = forms.MultipleChoiceField(label="检查人员（至少两名持执法证的执法人员）",
                                         widget=forms.CheckboxSelectMultiple)
    planned_on = forms.DateField(label="计划检查日期", required=False, widget=DATE, help_text="不填为今天。")

    def __init__(self, *args, units=(), parties=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        units = list(units)
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = [(str(u.pk), u.name) for u in units]
        self.parties = {str(p.pk): p for p in parties}
        self.fields["party"].choices = [(str(p.pk), p.name) for p in parties]
        self.people = {str(p.pk): p for p in people}
        self.fields["handlers"].choices = [(str(p.pk), p.name) for p in people]
