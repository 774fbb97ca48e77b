from django.urls import path

from . import party_pages, views

app_name = "publicity"
urlpatterns = [
    path("", views.obligations, name="obligations"),
    path("publications/<int:pk>/", views.publication, name="publication"),
    path("publications/<int:pk>/<slug:act>/", views.publication_act, name="publication-act"),
    # 当事人申请 (decision 0072): the queue, a request's page and acts, a publication's party page
    path("requests/", party_pages.queue, name="party-requests"),
    path("requests/<slug:kind>/<int:pk>/", party_pages.request_page, name="party-request"),
    path("requests/<slug:kind>/<int:pk>/<slug:act>/", party_pages.request_act, name="party-request-act"),
    path("party/<int:pk>/", party_pages.party_page, name="party"),
    path("party/<int:pk>/<slug:act>/", party_pages.party_act, name="party-act"),
]
