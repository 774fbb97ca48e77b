"""The tus 1.0 resumable upload protocol (https://tus.io/protocols/resumable-upload) at /api/v1/uploads/:
core (HEAD, PATCH, OPTIONS), creation (POST), termination (DELETE) and checksum (`Upload-Checksum`).

Plain Django views, not django-ninja operations: tus needs the raw request stream (read in chunks,
never `request.body`), its own status codes (204 with headers, 412, 460) and headers on every
answer, which ninja's body parsing and response handling get in the way of (decision 0026). Errors
still have the one JSON error shape. Authentication is the session (with its CSRF token, as ninja
checks it) or an API token (`Authorization: Bearer`, sanxiang.accounts.middleware).
"""

from __future__ import annotations

import base64
import binascii
import json

from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from sanxiang import storage
from sanxiang.core.errors import NotAuthenticated, NotFound, NotPermitted, RuleViolation, SanxiangError

from . import actions, limits, queries

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum"
REASONS = {460: "Checksum Mismatch"}


def _answer(status: int, headers: dict | None = None, error: SanxiangError | None = None,
            method: str = "") -> HttpResponse:
    body = b"" if error is None or method == "HEAD" else json.dumps(error.as_dict(), ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, reason=REASONS.get(status),
                            content_type="application/json; charset=utf-8" if body else None)
    if not body:
        del response["Content-Type"]
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response[key] = str(value)
    return response


def _refuse(request, error: SanxiangError) -> HttpResponse:
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="sanxiang"'
    if error.status == 412:
        headers["Tus-Version"] = TUS_VERSION
    return _answer(error.status, headers, error, request.method)


def _capabilities() -> dict:
    return {"Tus-Version": TUS_VERSION, "Tus-Extension": EXTENSIONS, "Tus-Max-Size": limits.max_bytes(),
            "Tus-Checksum-Algorithm": ",".join(actions.CHECKSUMS)}


def _checked(request):
    """The request's user after the protocol version, login and (for a session) CSRF checks."""
    version = request.headers.get("Tus-Resumable", "")
    if version != TUS_VERSION:
        error = SanxiangError(f"不支持的 tus 协议版本：{version or '（未提供 Tus-Resumable）'}，仅支持 {TUS_VERSION}。",
                              code="tus_version", field="Tus-Resumable")
        error.status = 412
        raise error
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    if not getattr(request, "api_token", None) and request.method not in ("GET", "HEAD", "OPTIONS"):
        refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if refused is not None:
            raise NotPermitted("CSRF 校验失败：请在请求头 X-CSRFToken 中提供 CSRF 令牌，或使用访问令牌。",
                               code="csrf_failed")
    return request.user


def _integer_header(request, name: str, *, required: bool = True) -> int | None:
    text = request.headers.get(name, "").strip()
    if not text and not required:
        return None
    if not (text.isascii() and text.isdigit()):
        raise RuleViolation(f"请求头 {name} 应为不小于 0 的整数，收到：{text or '（空）'}。", field=name,
                            code="invalid_header")
    return int(text)


def parse_metadata(header: str) -> dict:
    """`Upload-Metadata: key base64,key2 base64,flag` → {"key": "text", "flag": ""} (UTF-8 values)."""
    found = {}
    for pair in filter(None, (p.strip() for p in (header or "").split(","))):
        key, _, value = pair.partition(" ")
        if not key.isascii() or not key.isprintable() or key in found:
            raise RuleViolation(f"Upload-Metadata 的键无效或重复：{key}。", field="Upload-Metadata")
        try:
            found[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise RuleViolation(f"Upload-Metadata 中“{key}”的值不是 UTF-8 文本的 Base64 编码。",
                                field="Upload-Metadata") from None
    return found


def _metadata_header(metadata: dict) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}".rstrip() for key, value in metadata.items())


@csrf_exempt
def collection(request):
    """OPTIONS: what this server speaks; POST: create an upload (creation extension)."""
    if request.method == "OPTIONS":
        return _answer(204, _capabilities())
    try:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        if request.method != "POST":
            error = SanxiangError(f"该接口不支持 {request.method} 方法（可用：OPTIONS, POST）。", code="http_error")
            error.status = 405
            return _answer(405, {"Allow": "OPTIONS, POST"}, error, request.method)
        user = _checked(request)
        if request.headers.get("Upload-Defer-Length"):
            raise RuleViolation("不支持延后声明文件大小（Upload-Defer-Length），请提供 Upload-Length。",
                                field="Upload-Defer-Length")
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
        upload = actions.do_create_upload(length=_integer_header(request, "Upload-Length"), metadata=metadata,
                                          agency_code=metadata.get("agency", ""), actor=user)
    except SanxiangError as error:
        return _refuse(request, error)
    location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{upload.pk}")
    return _answer(201, {"Location": location, "Upload-Offset": 0})


@csrf_exempt
def resource(request, upload_id):
    """HEAD: how much arrived; PATCH: the next piece; DELETE: give it up (termination)."""
    if request.method == "OPTIONS":
        return _answer(204, _capabilities())
    try:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        upload = queries.upload_for(request.user, upload_id)
        if upload is None:
            raise NotFound("未找到该上传，或您无权查看。", code="upload_not_found")
        if request.method not in ("HEAD", "PATCH", "DELETE"):
            error = SanxiangError(f"该接口不支持 {request.method} 方法（可用：HEAD, PATCH, DELETE, OPTIONS）。",
                                  code="http_error")
            error.status = 405
            return _answer(405, {"Allow": "HEAD, PATCH, DELETE, OPTIONS"}, error, request.method)
        user = _checked(request)
        if request.method == "HEAD":
            headers = {"Upload-Offset": upload.offset, "Upload-Length": upload.length}
            if upload.metadata:
                headers["Upload-Metadata"] = _metadata_header(upload.metadata)
            return _answer(200, headers)
        if request.method == "DELETE":
            actions.do_terminate_upload(upload, actor=user)
            return _answer(204)
        if request.content_type != "application/offset+octet-stream":
            error = SanxiangError("PATCH 请求的 Content-Type 应为 application/offset+octet-stream。",
                                  code="invalid_content_type", field="Content-Type")
            error.status = 415
            raise error
        upload = actions.do_append_upload(
            upload, request, offset=_integer_header(request, "Upload-Offset"),
            content_length=_integer_header(request, "Content-Length", required=False),
            checksum_header=request.headers.get("Upload-Checksum", ""), actor=user)
    except storage.StorageError as exc:
        error = SanxiangError(f"{exc}；已接收的数据仍在，请稍后以空请求体续传以完成上传。", code="storage_unavailable")
        error.status = 503
        return _refuse(request, error)
    except SanxiangError as error:
        return _refuse(request, error)
    return _answer(204, {"Upload-Offset": upload.offset})
