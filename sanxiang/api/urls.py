from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from sanxiang.accounts.api import router as accounts_router
from sanxiang.api import errors
from sanxiang.archive.api import router as archive_router
from sanxiang.cases import api_procedure  # noqa: F401 — adds its routes to the cases router
from sanxiang.cases.api import router as cases_router
from sanxiang.cases.api_coercion import router as coercion_router
from sanxiang.cases.api_inspection import router as inspections_router
from sanxiang.deadlines.api import router as deadlines_router
from sanxiang.documents.api import router as documents_router
from sanxiang.ledger.api import router as ledger_router
from sanxiang.orgs.api import router as orgs_router
from sanxiang.parties.api import router as parties_router
from sanxiang.portal.api import router as public_decisions_router
from sanxiang.profiles.api import router as profiles_router
from sanxiang.publicity.api import router as publications_router
from sanxiang.publicity.party_api import router as party_requests_router
from sanxiang.records.api import router as uploads_router
from sanxiang.records.api_records import router as records_router
from sanxiang.registers.api import goods_router
from sanxiang.registers.api import router as registers_router
from sanxiang.retrieval.api import router as retrieval_router
from sanxiang.review.api import router as reviews_router
from sanxiang.review.api_catalogue import router as review_catalogue_router
from sanxiang.review.api_flow import router as review_flow_router
from sanxiang.review.api_stats import router as review_statistics_router
from sanxiang.witness.api import router as witness_router


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese left readable (no \\u escapes) for people reading errors."""

    json_dumps_params = {"ensure_ascii": False}


class SanxiangAPI(NinjaAPI):
    """Builds the OpenAPI description once per process and path prefix: it is fixed by the code,
    and building it costs about a hundred times a public endpoint (decision 0015). Callers only
    serialise it; one that wants to change it must copy it first."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schemas = self.__dict__.setdefault("_openapi_schemas", {})
        if path_prefix not in schemas:
            schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return schemas[path_prefix]


api = SanxiangAPI(
    renderer=ReadableJSONRenderer(),
    parser=errors.ObjectBodyParser(),
    title="Sanxiang API",
    version="1",
    description="三项 — 行政执法三项制度平台 JSON API",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/ledger/", ledger_router)
api.add_router("/deadlines/", deadlines_router)
api.add_router("/public/", orgs_router)
api.add_router("/public/decisions/", public_decisions_router)  # 执法决定检索 (issue 10 §7)
api.add_router("/profiles/", profiles_router)
api.add_router("/witness/", witness_router)
api.add_router("/parties/", parties_router)
api.add_router("/cases/", cases_router)
api.add_router("/coercion/", coercion_router)
api.add_router("/inspections/", inspections_router)
api.add_router("/uploads/", uploads_router)
api.add_router("/documents/", documents_router)
api.add_router("/registers/", registers_router)
api.add_router("/goods/", goods_router)
api.add_router("/retrieval/", retrieval_router)
api.add_router("/records/", records_router)
api.add_router("/archive/", archive_router)
api.add_router("/review/catalogue/", review_catalogue_router)
api.add_router("/reviews/", reviews_router)
api.add_router("/reviews/", review_flow_router)  # 签批、分歧、征求意见、审核调查
api.add_router("/review-statistics/", review_statistics_router)
api.add_router("/publications/", publications_router)  # 公示义务、公示信息 (issue 10 §3, §5)
api.add_router("/party-requests/", party_requests_router)  # 更正申请、提前停止公示 (decision 0072)
api.add_router("/", accounts_router)

urlpatterns = api.urls[0]
