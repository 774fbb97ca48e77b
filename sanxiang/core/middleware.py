"""Response headers Django 5.2 does not set by itself (docs/decisions/0006).

- `Content-Security-Policy` on every page the application renders: same origin only, no inline
  script or style (static files come from WhiteNoise, earlier in the chain, and need none).
- `Cache-Control: no-store` (Django's never-cache headers) on every response to a logged-in
  user or an authenticated API call: personal data must not stay in a browser's or proxy's
  cache. Public pages (certificate check, calculator, ledger proofs) stay cacheable.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or getattr(request, "auth", None):
            add_never_cache_headers(response)
        return response
