"""Under /api/, answers Django itself produces outside django-ninja's handlers (an unknown path,
a method the path does not allow) get the one JSON error shape too."""

import json

from django.http import HttpResponse

from sanxiang.core.errors import NotFound, SanxiangError

API_PREFIX = "/api/"


def _render(error: SanxiangError, status: int, headers=None) -> HttpResponse:
    response = HttpResponse(json.dumps(error.as_dict(), ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    for key, value in (headers or {}).items():
        response[key] = value
    return response


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.get("Content-Type", "").startswith(
                ("application/json", "text/plain")):
            return response
        if response.status_code == 404:
            return _render(NotFound("没有这个接口。"), 404)
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            error = SanxiangError(f"该接口不支持 {request.method} 方法（可用：{allowed}）。", code="http_error")
            return _render(error, 405, {"Allow": allowed})
        return response
