"""Request-level account checks: bearer tokens for the API, and the forced change of a temporary password."""

from django.http import JsonResponse
from django.shortcuts import redirect

from sanxiang.core.errors import NotAuthenticated

from .throttle import client_address

API_PREFIX = "/api/"
# A session whose password was set by someone else may only reach these paths until it is changed.
TEMPORARY_PASSWORD_FLAG = "must_change_password"
ALLOWED_WITH_TEMPORARY_PASSWORD = ("/account/password/", "/logout/", "/static/", "/healthz")


def unauthenticated(error: NotAuthenticated) -> JsonResponse:
    response = JsonResponse(error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False})
    response["WWW-Authenticate"] = 'Bearer realm="sanxiang", error="invalid_token"'
    return response


def _count_dead_token(presented: str, address: str) -> None:
    """A refused token is a security event of its address, and of its account if the token was real."""
    from . import security_events
    from .models import ApiToken
    from .tokens import looks_like_token, token_hash

    presented = (presented or "").strip()
    token = None
    if looks_like_token(presented):
        token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(presented)).first()
    security_events.record("token_invalid", address=address, user=token.user if token else None)


class BearerTokenMiddleware:
    """`Authorization: Bearer <token>` on /api/ requests authenticates as the token's user.

    The session (if any) is ignored for such a request, and no CSRF token is needed: the
    credential is not sent by the browser on its own. A bad token is refused with 401 before
    any view runs, even for public endpoints, so a program learns at once that its token is dead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if request.path.startswith(API_PREFIX) and header:
            scheme, _, presented = header.partition(" ")
            if scheme.lower() != "bearer":
                return unauthenticated(NotAuthenticated("仅支持 Authorization: Bearer <访问令牌>。",
                                                        code="token_invalid"))
            from .tokens import authenticate

            try:
                user, token = authenticate(presented, client_address(request))
            except NotAuthenticated as exc:
                _count_dead_token(presented, client_address(request))
                return unauthenticated(exc)
            request.user = user
            request.api_token = token
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)


class PasswordChangeMiddleware:
    """After logging in with a temporary password, every page leads to the password change first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (session is not None and session.get(TEMPORARY_PASSWORD_FLAG)
                and not request.path.startswith(API_PREFIX)
                and not request.path.startswith(ALLOWED_WITH_TEMPORARY_PASSWORD)):
            return redirect("account-password")
        return self.get_response(request)
