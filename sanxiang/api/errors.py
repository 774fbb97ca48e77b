"""The API's one error shape (`ErrorOut`) and the handlers that give every failure that shape.

Views raise the error family of `sanxiang.core.errors`; request validation (422), unknown paths
(404), permission refusals (403) and authentication failures (401) are rendered the same way.
"""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

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
    loc = list(loc or ())
    if len(loc) > 2 and loc[0] == "body":
        del loc[1]  # the view's parameter name (`data`): callers name the JSON field only
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "form", "header", "cookie")]
    return ".".join(parts) or None


# pydantic's error types, said in Chinese (its own messages are English); an unlisted type gets the
# generic 格式不正确 rather than the English text.
_PROBLEMS = {
    "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "float_parsing": "应为数字", "float_type": "应为数字", "decimal_parsing": "应为数字",
    "decimal_type": "应为数字", "finite_number": "应为有限的数字",
    "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "string_type": "应为文本", "list_type": "应为列表", "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象", "model_attributes_type": "应为 JSON 对象",
    "date_parsing": "应为日期（YYYY-MM-DD）", "date_type": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不带时刻",
    "datetime_parsing": "应为日期时间（ISO 8601）", "datetime_type": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
    "string_too_long": "不能超过 {max_length} 个字符", "string_too_short": "不能少于 {min_length} 个字符",
    "too_long": "最多 {max_length} 项", "too_short": "至少 {min_length} 项",
    "greater_than": "应大于 {gt}", "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}", "less_than_equal": "应不大于 {le}",
    "enum": "应为以下之一：{expected}", "literal_error": "应为以下之一：{expected}",
    "extra_forbidden": "不是可用的参数", "json_invalid": "不是有效的 JSON",
}


def problem(error: dict) -> str:
    """What is wrong with one field, in Chinese, from a pydantic error."""
    template = _PROBLEMS.get(error.get("type", ""), "格式不正确")
    try:
        return template.format(**{k: str(v).replace("' or '", "、").replace("', '", "、").replace("'", "")
                                  for k, v in (error.get("ctx") or {}).items()})
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("：") or "格式不正确"


def _validation(exc: ValidationError) -> RuleViolation:
    reasons, field = [], None
    for error in exc.errors:
        name = _field(error.get("loc"))
        loc = tuple(error.get("loc") or ())
        if error.get("type") == "missing" and len(loc) == 2 and loc[0] == "body":
            reasons.append("缺少请求体（应为 JSON 对象）")  # the view's parameter name is nobody's business
            continue
        field = field or name
        if error.get("type") == "missing":
            reasons.append(f"缺少参数 {name}")
        else:
            reasons.append(f"参数 {name} {problem(error)}")
    message = "请求参数有误：" + "；".join(reasons) if reasons else "请求参数有误。"
    error = RuleViolation(message, field=field, reasons=reasons or None, code="invalid_request")
    error.status = 422
    return error


def request_error_response(request, error: SanxiangError):
    """The error shape as a response, for a view that must add headers (e.g. Retry-After)."""
    from sanxiang.api.urls import api

    return api.create_response(request, error.as_dict(), status=error.status)


_UNPARSABLE = "Cannot parse request body"  # django-ninja's message when the body parser fails


class ObjectBodyParser(Parser):
    """Every request body is one JSON object; a list, string, number or null is refused as unparsable
    (400 in the error shape) before any view reads it."""

    def parse_body(self, request):
        from sanxiang.core.text import check_json_body

        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("request body is not a JSON object")
        check_json_body(data)  # a lone surrogate ("\ud800"): 400, never the database's 500 (s22 tester8 #3)
        return data


def install(api) -> None:
    def render(request, error: SanxiangError):
        return api.create_response(request, error.as_dict(), status=error.status)

    api.add_exception_handler(SanxiangError, render)
    api.add_exception_handler(ValidationError, lambda request, exc: render(request, _validation(exc)))
    api.add_exception_handler(Http404, lambda request, exc: render(request, NotFound()))
    api.add_exception_handler(PermissionDenied, lambda request, exc: render(request, NotPermitted()))
    api.add_exception_handler(AuthenticationError, lambda request, exc: render(request, NotAuthenticated()))

    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, SanxiangError):  # the body parser's own refusal, as it said it
            return render(request, exc.__cause__)
        if exc.status_code == 400 and str(exc).startswith(_UNPARSABLE):
            # no example: one body fits one endpoint (a date for the dated acts was shown for every one, s23 #12)
            error = RuleViolation("请求体无法解析：应为一个 JSON 对象（以 { 开头，Content-Type: application/json），"
                                  "各接口的字段见接口文档 /api/v1/docs。", code="invalid_request")
        else:
            error = SanxiangError(str(exc) if exc.status_code != 405 else "不支持该请求方法。", code="http_error")
        error.status = exc.status_code
        return render(request, error)

    api.add_exception_handler(HttpError, http_error)

    def too_big(request, exc: RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        error = RuleViolation(f"请求体过大（最多 {limit / (1 << 20):.1f} MB）；文件请用上传接口（/api/v1/uploads/）。",
                              code="request_too_large")
        error.status = 413
        return render(request, error)

    api.add_exception_handler(RequestDataTooBig, too_big)  # else Django's English HTML 400 (s18 tester 23)
