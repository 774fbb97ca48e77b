from ninja import NinjaAPI

from sanxiang.ledger.api import router as ledger_router

api = NinjaAPI(
    title="Sanxiang API",
    version="1",
    description="三项 — 行政执法三项制度平台 JSON API",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
)
api.add_router("/ledger/", ledger_router)

urlpatterns = api.urls[0]
