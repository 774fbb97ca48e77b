from django import forms

from .engine import UNITS

UNIT_CHOICES = [("workdays", "工作日"), ("days", "日（自然日）"), ("months", "月"), ("hours", "小时")]


class CalculatorForm(forms.Form):
    start = forms.CharField(label="起算日", max_length=16,
                            widget=forms.TextInput(attrs={"type": "date", "placeholder": "YYYY-MM-DD"}))
    count = forms.CharField(label="期限数", max_length=6,
                            widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}))
    unit = forms.ChoiceField(label="单位", choices=UNIT_CHOICES)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)

    def clean_unit(self):
        value = self.cleaned_data["unit"]
        assert value in UNITS
        return value
