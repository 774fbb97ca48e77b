"""The API's one error shape (`ErrorOut`) and the handlers that give every failure that shape.

Views raise the error family of `sanxiang.core.errors`; request validation (422), unknown paths
(404), permission refusals (403) and authentication failures (401) are rendered the same way.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sanxiang.core.errors import NotAuthenticated, NotFound, NotPermitted, RuleViolation, SanxiangError


class ErrorOut(Schema):
    """错误 — what went wrong, in Chinese, and for programs a stable code and the offending field."""

    code: str
    message: str
    field: str | None = None
    reasons: list[str] = []


def error_responses(*statuses: int) -> dict:
    """`response=` entries documenting the error statuses an operation can answer."""
    return {status: ErrorOut for status in statuses}


def _field(loc) -> str | None:
    parts = [str(p) for p in loc or () if p not in ("query", "path", "body", "form", "header", "cookie")]
    return ".".join(parts) or None


def _validation(exc: ValidationError) -> RuleViolation:
    reasons, field = [], None
    for error in exc.errors:
        name = _field(error.get("loc"))
        field = field or name
        if error.get("type") == "missing":
            reasons.append(f"缺少参数 {name}")
        else:
            reasons.append(f"参数 {name} 无效：{error.get('msg', '')}")
    message = "请求参数有误：" + "；".join(reasons) if reasons else "请求参数有误。"
    error = RuleViolation(message, field=field, reasons=reasons or None, code="invalid_request")
    error.status = 422
    return error


def request_error_response(request, error: SanxiangError):
    """The error shape as a response, for a view that must add headers (e.g. Retry-After)."""
    from sanxiang.api.urls import api

    return api.create_response(request, error.as_dict(), status=error.status)


def install(api) -> None:
    def render(request, error: SanxiangError):
        return api.create_response(request, error.as_dict(), status=error.status)

    api.add_exception_handler(SanxiangError, render)
    api.add_exception_handler(ValidationError, lambda request, exc: render(request, _validation(exc)))
    api.add_exception_handler(Http404, lambda request, exc: render(request, NotFound()))
    api.add_exception_handler(PermissionDenied, lambda request, exc: render(request, NotPermitted()))
    api.add_exception_handler(AuthenticationError, lambda request, exc: render(request, NotAuthenticated()))

    def http_error(request, exc: HttpError):
        error = SanxiangError(str(exc) if exc.status_code != 405 else "不支持该请求方法。", code="http_error")
        error.status = exc.status_code
        return render(request, error)

    api.add_exception_handler(HttpError, http_error)
