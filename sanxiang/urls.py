from django.urls import include, path

from sanxiang.api.urls import api
from sanxiang.records import upload_pages

urlpatterns = [
    # 公开门户 (issue 10 §7) first: the public pages are the most requested, and no other pattern starts with
    # gk/ — tried first, a portal address is resolved without walking the ~50 patterns before it (decision 0078).
    path("gk/", include("sanxiang.portal.urls")),
    # tus 1.0 speaks raw bodies and its own statuses: plain views ahead of the ninja API (decision 0026).
    path("api/v1/uploads/", include("sanxiang.records.urls")),
    # Record files stream with HTTP ranges (206/416): a plain view ahead of the ninja API (decision 0034).
    path("api/v1/retrieval/files/", include("sanxiang.retrieval.urls_api")),
    path("api/v1/", api.urls),
    path("", include("sanxiang.core.urls")),
    path("", include("sanxiang.accounts.urls")),
    path("", include("sanxiang.orgs.urls")),
    path("profiles/", include("sanxiang.profiles.urls")),
    path("deadlines/", include("sanxiang.deadlines.urls")),
    path("parties/", include("sanxiang.parties.urls")),
    path("cases/", include("sanxiang.cases.urls")),
    path("documents/", include("sanxiang.documents.urls")),
    path("registers/", include("sanxiang.registers.urls")),
    path("retrieval/", include("sanxiang.retrieval.urls")),
    path("records/uploads/", upload_pages.uploads, name="uploads-page"),
    path("records/", include("sanxiang.records.page_urls")),
    path("archive/", include("sanxiang.archive.urls")),
    path("review/catalogue/", include("sanxiang.review.urls_catalogue")),
    path("review/", include("sanxiang.review.urls")),
    path("disclosure/", include("sanxiang.disclosure.urls")),
    path("annual/", include("sanxiang.annual.urls")),
    path("publicity/", include("sanxiang.publicity.urls")),
]
