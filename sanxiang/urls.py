from django.urls import include, path

from sanxiang.api.urls import api

urlpatterns = [
    # tus 1.0 speaks raw bodies and its own statuses: plain views ahead of the ninja API (decision 0026).
    path("api/v1/uploads/", include("sanxiang.records.urls")),
    path("api/v1/", api.urls),
    path("", include("sanxiang.core.urls")),
    path("", include("sanxiang.accounts.urls")),
    path("", include("sanxiang.orgs.urls")),
    path("profiles/", include("sanxiang.profiles.urls")),
    path("deadlines/", include("sanxiang.deadlines.urls")),
    path("parties/", include("sanxiang.parties.urls")),
    path("cases/", include("sanxiang.cases.urls")),
    path("documents/", include("sanxiang.documents.urls")),
    path("archive/", include("sanxiang.archive.urls")),
]
