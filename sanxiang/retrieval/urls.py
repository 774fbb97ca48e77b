from django.urls import path

from . import views

app_name = "retrieval"

urlpatterns = [
    path("records/<slug:kind>/<int:pk>/<slug:file>/", views.record, name="record"),
    path("requests/", views.requests_page, name="requests"),
    path("requests/<int:pk>/decide/", views.decide, name="decide"),
    path("cases/<int:pk>/request/", views.request_access, name="request"),
    path("cases/<int:pk>/log/", views.access_log, name="log"),
    path("cases/<int:pk>/records/", views.granted_records, name="granted"),
    path("cases/<int:pk>/party-copies/", views.party_copies, name="party-copies"),
    path("party-copies/<int:pk>/", views.party_copy, name="party-copy"),
]
