"""One family of errors for every app (错误): the service layer raises them, every interface
turns them into its own form — a Chinese message on a page, one JSON shape in the API
(`ErrorOut`), a message and an exit code on the CLI.

- `RuleViolation` (400): bad input, or the law or a profile rule refuses; nothing was written.
- `NotAuthenticated` (401): no login, or a token that is unknown, expired or revoked.
- `NotPermitted` (403): the actor may not do this.
- `NotFound` (404): no such object, or not one the actor may see (never says which).
- `Conflict` (409): the object changed meanwhile (a stale edit), or a duplicate.
"""

import errno

from django.core.exceptions import PermissionDenied


class SanxiangError(Exception):
    status = 400
    code = "error"
    default_message = "请求无法处理。"

    def __init__(self, message: str | None = None, *, field: str | None = None,
                 reasons: list[str] | None = None, code: str | None = None):
        message = message or self.default_message
        super().__init__(message)
        self.message = message
        self.field = field
        self.reasons = list(reasons) if reasons else [message]
        if code:
            self.code = code

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field, "reasons": self.reasons}

    def show_on(self, form) -> None:
        """Put the message on the form's field it names, else on the whole form (pages show refusals
        beside what the person typed, which is kept)."""
        form.add_error(self.field if self.field and self.field in form.fields else None, self.message)


class RuleViolation(SanxiangError, ValueError):
    status = 400
    code = "rule_violation"
    default_message = "输入有误或不符合规定，未作任何更改。"


class NotAuthenticated(SanxiangError):
    status = 401
    code = "login_required"
    default_message = "请先登录，或提供有效的访问令牌。"


class NotPermitted(SanxiangError, PermissionDenied):
    status = 403
    code = "not_permitted"
    default_message = "您无权执行此操作。"


class NotFound(SanxiangError):
    status = 404
    code = "not_found"
    default_message = "未找到该对象，或您无权查看。"


class Conflict(SanxiangError):
    status = 409
    code = "conflict"
    default_message = "该对象已被他人修改，请刷新后重试。"


def join_reasons(reasons) -> str:
    """The one joiner rule: sentences joined into one message, "甲；乙。", never "甲。；乙。"."""
    parts = [str(r).strip().rstrip("。；") for r in reasons if r and str(r).strip()]
    return "；".join(parts) + "。" if parts else ""


OS_ERRORS_ZH = {
    errno.ENOENT: "文件不存在", errno.EACCES: "没有读取权限", errno.EPERM: "没有权限", errno.EISDIR: "这是一个目录，不是文件",
    errno.ENOTDIR: "路径中有一级不是目录", errno.ENOSPC: "磁盘已满", errno.EROFS: "文件系统只读",
    errno.ENAMETOOLONG: "文件名过长", errno.ELOOP: "符号链接循环",
}


def file_error_text(exc: BaseException) -> str:
    """Why a file could not be read or written, in Chinese, for the operator (OSError's own text —
    "[Errno 2] No such file or directory: …" — is English; the path is named by the caller)."""
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 编码的文本"
    if isinstance(exc, OSError):
        return OS_ERRORS_ZH.get(exc.errno or 0) or (f"系统错误（errno {exc.errno}）" if exc.errno else "无法访问")
    return str(exc)
