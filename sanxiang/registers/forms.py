"""The forms of the goods pages: registration, hand-over and disposal (the actions check everything)."""

from django import forms

from .models import CustodyStage, DisposalMethod


class SignedForm(forms.Form):
    handed_at = forms.DateTimeField(label="交接时间", required=False, help_text="留空为现在；格式 2026-09-05 10:00",
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    location = forms.CharField(label="交接地点", max_length=300)
    condition = forms.CharField(label="财物状况", max_length=500, help_text="数量是否相符、封条和包装是否完好等")
    handed_by = forms.CharField(label="移交人签名", max_length=100)
    received_by = forms.CharField(label="接收人签名", max_length=100)
    reason = forms.CharField(label="交接事由", max_length=500)


class RegisterSeizedForm(SignedForm):
    holder = forms.CharField(label="接收保管人", max_length=200)
    place = forms.CharField(label="存放地点", max_length=300)
    field_order = ["holder", "place"]


class HandOverForm(SignedForm):
    from_holder = forms.CharField(label="移交方（当前保管人）", max_length=200)
    to_holder = forms.CharField(label="接收方（保管人）", max_length=200)
    to_place = forms.CharField(label="存放地点", max_length=300)
    stage = forms.ChoiceField(label="去向", choices=[(CustodyStage.CUSTODY, CustodyStage.CUSTODY.label),
                                                    (CustodyStage.WAREHOUSE, CustodyStage.WAREHOUSE.label)])
    receiver_outside = forms.CharField(label="外部接收人的身份证件号码或单位", max_length=200, required=False,
                                       help_text="接收人不是本机关的用户时必填")
    field_order = ["from_holder", "to_holder", "to_place", "stage"]


class DisposeForm(SignedForm):
    method = forms.ChoiceField(label="处置方式", choices=DisposalMethod.choices)
    approval = forms.CharField(label="审批意见", max_length=500, help_text="审批意见或审批文号；审批人为您本人")
    from_holder = forms.CharField(label="移交方（当前保管人）", max_length=200)
    to_holder = forms.CharField(label="接收方", max_length=200, help_text="拍卖机构、销毁单位、接收机关或当事人")
    proceeds = forms.DecimalField(label="拍卖所得（元）", required=False, max_digits=14, decimal_places=2)
    field_order = ["method", "approval", "from_holder", "to_holder", "proceeds"]


class RegisterConfiscatedForm(SignedForm):
    name = forms.CharField(label="财物名称", max_length=200)
    spec = forms.CharField(label="规格型号", max_length=200, required=False)
    quantity = forms.DecimalField(label="数量", max_digits=14, decimal_places=3)
    unit = forms.CharField(label="计量单位", max_length=20)
    holder = forms.CharField(label="接收保管人", max_length=200)
    place = forms.CharField(label="存放地点", max_length=300)
    field_order = ["name", "spec", "quantity", "unit", "holder", "place"]
