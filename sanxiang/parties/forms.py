"""The party form (当事人信息): inputs only — the action checks them (identity, kind rules)."""

from django import forms

from .models import IdKind, PartyKind


class PartyForm(forms.Form):
    agency = forms.ChoiceField(label="登记单位", required=False)
    kind = forms.ChoiceField(label="当事人类型", choices=PartyKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label="姓名或名称", max_length=200)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=40, required=False,
                                  help_text="个体工商户、法人或其他组织填写（18位）。")
    no_credit_code_reason = forms.CharField(label="无统一社会信用代码的原因", max_length=200, required=False,
                                            help_text="确实没有代码时填写，如：未办理登记。")
    legal_representative = forms.CharField(label="法定代表人（负责人）", max_length=100, required=False,
                                           help_text="法人或其他组织填写。")
    operator = forms.CharField(label="经营者", max_length=100, required=False, help_text="个体工商户填写。")
    id_kind = forms.ChoiceField(label="证件种类", choices=[("", "—")] + IdKind.choices, required=False,
                                help_text="自然人或个体工商户经营者的证件。")
    id_number = forms.CharField(label="证件号码", max_length=64, required=False,
                                help_text="居民身份证填写18位公民身份号码。")
    no_id_reason = forms.CharField(label="无证件的原因", max_length=200, required=False,
                                   help_text="证件种类选“无证件”时填写，如：拒绝出示、身份待查。")
    address = forms.CharField(label="住所（地址）", max_length=300, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        agencies = list(agencies)
        if len(agencies) > 1:
            self.fields["agency"].choices = [(a.code, a.name) for a in agencies]
            self.fields["agency"].required = True
        else:
            del self.fields["agency"]

    def party_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "agency"}
