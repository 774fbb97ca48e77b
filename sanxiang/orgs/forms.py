"""Forms for agency administrators (管理员): they only turn posted text into the actions' arguments.

The law (who may, empty names, duplicate numbers, date order, categories…) is checked by the
actions in `actions.py`; these forms parse types and offer choices, nothing more. Text fields
the actions check are `required=False` here so that the action's own message is shown.
"""

from django import forms

from . import queries
from .models import CertificateKind, PersonKind, Role, TrainingKind, UnitKind

DATE = forms.DateInput(attrs={"type": "date", "placeholder": "YYYY-MM-DD"}, format="%Y-%m-%d")
WIDE = {"style": "width:100%"}
NEEDED = {"required": True}  # a hint for the browser only; the action decides


def _blank(choices, label="（按默认）"):
    return [("", label), *choices]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _AgencyForm(forms.Form):
    """A form about one agency; unit choices are the agency's units the user may see."""

    unit_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        for name in self.unit_fields:
            self.fields[name].queryset = queries.units(user, agency).order_by("id")


class UnitForm(_AgencyForm):
    unit_fields = ("parent",)

    name = forms.CharField(label="科室名称", required=False, max_length=200, widget=forms.TextInput(attrs=NEEDED))
    parent = UnitChoiceField(label="上级科室", queryset=None, required=False, empty_label="（无，直属本单位）")
    kind = forms.ChoiceField(label="类型", required=False, choices=_blank(UnitKind.choices, "（按名称判断）"))
    equipment_group = forms.CharField(label="装备分组", required=False, max_length=64,
                                      help_text="与规则配置中执法装备最低配备标准的分组对应，可不填。")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.position}）" if obj.position else obj.name


class OverseerForm(forms.Form):
    """分管领导 of a unit: one of the agency's people who hold the 单位领导 role today (the action checks)."""

    leader = PersonChoiceField(label="分管领导", queryset=None, required=False, empty_label="（未设置）")

    def __init__(self, *args, user, agency, **kwargs):
        from sanxiang.orgs.models import Person, RoleAssignment

        super().__init__(*args, **kwargs)
        leaders = RoleAssignment.objects.filter(agency=agency, role=Role.AGENCY_LEADER, active=True).values("user_id")
        self.fields["leader"].queryset = Person.objects.filter(agency=agency, user_id__in=leaders).order_by("id")


class PersonForm(_AgencyForm):
    unit_fields = ("unit",)

    name = forms.CharField(label="姓名", required=False, max_length=100, widget=forms.TextInput(attrs=NEEDED))
    kind = forms.ChoiceField(label="人员类别", choices=PersonKind.choices)
    unit = UnitChoiceField(label="所在科室", queryset=None, required=False, empty_label="（未分配科室）")
    position = forms.CharField(label="职务", required=False, max_length=100)
    remit = forms.CharField(label="分工", required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3, **WIDE}))


class CertificateForm(forms.Form):
    number = forms.CharField(label="证号", required=False, max_length=64, widget=forms.TextInput(attrs=NEEDED))
    kind = forms.ChoiceField(label="证件类型", required=False,
                             choices=_blank(CertificateKind.choices, "（按人员类别：辅助人员发工作证）"))
    categories = forms.MultipleChoiceField(label="执法类别", required=False, widget=forms.CheckboxSelectMultiple,
                                           help_text="行政执法证至少选一个；工作证不选。")
    area = forms.CharField(label="执法区域", required=False, max_length=200)
    issuing_authority = forms.CharField(label="发证机关", required=False, max_length=200)
    valid_from = forms.DateField(label="有效期起", widget=DATE)
    valid_to = forms.DateField(label="有效期止", widget=DATE)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [(c, c) for c in person.agency.categories or []]


class CertificateStatusForm(forms.Form):
    reason = forms.CharField(label="原因", required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3, **WIDE, **NEEDED}))


class TrainingForm(forms.Form):
    title = forms.CharField(label="培训名称", required=False, max_length=200, widget=forms.TextInput(attrs=NEEDED))
    kind = forms.ChoiceField(label="类型", choices=TrainingKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    hours = forms.DecimalField(label="学时", required=False, max_digits=6, decimal_places=1,
                               widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}))
    score = forms.DecimalField(label="成绩", required=False, max_digits=6, decimal_places=1,
                               widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}))
    passed = forms.NullBooleanField(label="考试结果", required=False, widget=forms.Select(
        choices=[("unknown", "（未填）"), ("true", "合格"), ("false", "不合格")]))


class QualificationForm(forms.Form):
    number = forms.CharField(label="证书编号", required=False, max_length=64, widget=forms.TextInput(attrs=NEEDED))
    obtained_on = forms.DateField(label="取得日期", widget=DATE)


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        from sanxiang.accounts.queries import account_label

        return account_label(obj)


class RoleForm(_AgencyForm):
    unit_fields = ("unit",)

    account = AccountChoiceField(label="人员账号", queryset=None, empty_label="（请选择）",
                                 help_text="本单位已开通账号的人员；没有账号的，请先在其人员页面“开通账号”。")
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    unit = UnitChoiceField(label="科室", queryset=None, required=False, empty_label="（全单位）")
    valid_from = forms.DateField(label="生效日期", required=False, widget=DATE, help_text="不填为今天。")
    valid_to = forms.DateField(label="失效日期", required=False, widget=DATE,
                               help_text="法律顾问、公职律师和行业专家必填。")
    scope = forms.MultipleChoiceField(label="授权对象", required=False,
                                      widget=forms.SelectMultiple(attrs={"size": 8, **WIDE}),
                                      help_text="仅法律顾问等：可多选本单位的人员和科室（按住 Ctrl 或 ⌘ 多选）。")

    def __init__(self, *args, user, agency, **kwargs):
        super().__init__(*args, user=user, agency=agency, **kwargs)
        from sanxiang.accounts.queries import assignable_accounts

        self.fields["account"].queryset = assignable_accounts(agency)
        # Stored as "orgs.person:12" / "orgs.unit:3", as RoleAssignment.scope always was.
        self.fields["scope"].choices = [
            ("人员", [(f"orgs.person:{p.pk}", f"{p.name}（{p.unit.name if p.unit else p.get_kind_display()}）")
                    for p in queries.people(user, agency=agency).order_by("unit_id", "id")]),
            ("科室", [(f"orgs.unit:{u.pk}", u.name) for u in queries.units(user, agency).order_by("id")]),
        ]


class RevokeRoleForm(forms.Form):
    reason = forms.CharField(label="原因", required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3, **WIDE}))
