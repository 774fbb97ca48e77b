from django.urls import path, re_path

from . import views

urlpatterns = [
    path("account/", views.my_account, name="my-account"),
    path("account/password/", views.change_password, name="account-password"),
    path("account/totp/", views.enrol_totp, name="account-totp"),
    path("account/tokens/new/", views.create_token, name="token-create"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="token-revoke"),
    path("people/<int:pk>/account/new/", views.account_create, name="account-create"),
    path("people/<int:pk>/account/password/", views.account_reset_password, name="account-reset-password"),
    re_path(r"^people/(?P<pk>[0-9]+)/account/(?P<op>%s)/$" % "|".join(views.ACCOUNT_CHANGES),
            views.account_change, name="account-change"),
]
