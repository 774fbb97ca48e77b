from django.urls import include, path

from sanxiang.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("sanxiang.core.urls")),
    path("", include("sanxiang.accounts.urls")),
    path("", include("sanxiang.orgs.urls")),
    path("profiles/", include("sanxiang.profiles.urls")),
    path("deadlines/", include("sanxiang.deadlines.urls")),
    path("parties/", include("sanxiang.parties.urls")),
    path("cases/", include("sanxiang.cases.urls")),
    path("documents/", include("sanxiang.documents.urls")),
]
