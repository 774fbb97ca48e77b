"""The serving endpoint, `GET|HEAD /api/v1/retrieval/files/<kind>/<id>/<file>` (`?mode=download`,
`?purpose=`), a plain Django view ahead of the ninja API: it streams (StreamingHttpResponse), answers
206 and 416 with their headers, and renders errors in the one JSON error shape. Authentication is
the session or an API token (`Authorization: Bearer`), as everywhere in the API."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from sanxiang import storage
from sanxiang.core.errors import SanxiangError

from . import serving


def _navigating(request) -> bool:
    """A person following a page's 查看/下载 link (the browser asks for a page), not a program."""
    accept = request.headers.get("Accept", "")
    return request.headers.get("Sec-Fetch-Mode") == "navigate" or (
        "text/html" in accept and "application/json" not in accept)


def error_page(request, error: SanxiangError) -> HttpResponse:
    """The refusal as a 中文 page for a person (s18 tester T1: the browser showed the JSON), same status."""
    from django.shortcuts import render

    response = render(request, "retrieval/refused.html", {"message": error.message}, status=error.status)
    response["Cache-Control"] = "no-store"
    return response


def error_response(error: SanxiangError, method: str = "GET", request=None) -> HttpResponse:
    if request is not None and method != "HEAD" and _navigating(request):
        return error_page(request, error)
    body = b"" if method == "HEAD" else json.dumps(error.as_dict(), ensure_ascii=False).encode()
    response = HttpResponse(body, status=error.status, content_type="application/json; charset=utf-8")
    for key, value in getattr(error, "headers", {}).items():
        response[key] = value
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="sanxiang"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD"])
def record_file(request, kind: str, pk: str, file: str):
    try:
        return serving.serve(request, kind, pk, file, mode=request.GET.get("mode") or "view")
    except SanxiangError as error:
        return error_response(error, request.method, request)
    except storage.StorageError as exc:
        error = SanxiangError(str(exc), code="file_missing")
        error.status = 500
        return error_response(error, request.method, request)
