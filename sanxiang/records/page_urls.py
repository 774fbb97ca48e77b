"""The pages of evidence and audio-video records (the case page's section posts here)."""

from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("recordings/", views.mine, name="mine"),
    path("cases/<int:pk>/evidence/", views.register_evidence, name="register-evidence"),
    path("cases/<int:pk>/recordings/", views.declare_for_case, name="declare"),
    path("cases/<int:pk>/missing/<slug:kind>/", views.waive, name="waive"),
    path("evidence/<int:pk>/correct/", views.correct_evidence, name="correct"),
    path("<slug:kind>/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<slug:kind>/<int:pk>/party-signature.png", views.party_signature, name="party-signature"),
    path("recordings/<int:pk>/upload/", views.attach, name="attach"),
    path("recordings/<int:pk>/link/", views.link, name="link"),
    path("recordings/link/", views.link, {"pk": None}, name="link-chosen"),
    path("recordings/<int:pk>/handover/", views.hand_over, name="handover"),
]
