from django.urls import path

from . import views

urlpatterns = [
    path("account/", views.my_account, name="my-account"),
    path("account/password/", views.change_password, name="account-password"),
    path("account/totp/", views.enrol_totp, name="account-totp"),
    path("account/tokens/new/", views.create_token, name="token-create"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="token-revoke"),
    path("account/security-events/", views.security_events, name="security-events"),
    path("people/<int:pk>/account/new/", views.account_create, name="account-create"),
    path("people/<int:pk>/account/password/", views.account_reset_password, name="account-reset-password"),
    path("people/<int:pk>/account/disable/", views.account_change, {"op": "disable"}, name="account-disable"),
    path("people/<int:pk>/account/enable/", views.account_change, {"op": "enable"}, name="account-enable"),
]
