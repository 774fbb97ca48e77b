"""Forms of the account pages: they parse input; the actions decide."""

from django import forms
from django.conf import settings

PASSWORD = forms.PasswordInput(attrs={"autocomplete": "new-password"})
CURRENT = forms.PasswordInput(attrs={"autocomplete": "current-password"})


class CreateAccountForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150, help_text="登录时使用，字母、数字或 @ . + - _。")
    password = forms.CharField(label="初始密码", required=False, widget=PASSWORD,
                               help_text="不填则自动生成一次性临时密码（只显示一次）；本人首次登录时须修改。")


class ResetPasswordForm(forms.Form):
    password = forms.CharField(label="新密码", required=False, widget=PASSWORD,
                               help_text="不填则自动生成一次性临时密码（只显示一次）；本人下次登录时须修改。")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ChangePasswordForm(forms.Form):
    current_password = forms.CharField(label="当前密码", widget=CURRENT)
    new_password = forms.CharField(label="新密码", widget=PASSWORD, help_text="至少 10 个字符，不能过于常见。")
    new_password2 = forms.CharField(label="再次输入新密码", widget=PASSWORD)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class TotpForm(forms.Form):
    password = forms.CharField(label="当前密码", widget=CURRENT)
    code = forms.CharField(label="动态口令", max_length=8, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}), help_text="身份验证器上显示的 6 位数字。")


def _day_choices():
    options = [d for d in (30, 90, 180, 365, 730) if d <= settings.API_TOKEN_MAX_DAYS]
    return [(str(d), f"{d} 天") for d in options]


class TokenForm(forms.Form):
    label = forms.CharField(label="用途", required=False, max_length=100,
                            help_text="例如“执法记录仪工作站”，便于日后辨认。")
    days = forms.ChoiceField(label="有效期", choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = _day_choices()
        self.fields["days"].initial = str(settings.API_TOKEN_DEFAULT_DAYS)
