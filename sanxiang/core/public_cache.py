"""公开页面缓存 — each server process keeps the public pages it has rendered for anonymous visitors.

The certificate check (the QR target), the calculator, the ledger proofs, the rule profiles and
the API pages are the same for every anonymous visitor until the data behind them changes, and every change of
that data is an action that appends a ledger entry (docs/architecture.md). So a rendered answer is
kept under the request (host, path and query, language, htmx or not), today's date (a certificate's
state and the calculator's default date depend on it) and the ledger's size: the first request
after any action renders afresh, a revoked certificate is never shown as valid. Each check costs
one `SELECT MAX(...)` instead of the page's queries and template. Entries also expire after
SANXIANG_PUBLIC_CACHE_SECONDS (60; 0 turns the cache off), for anything changed outside actions.

The checkpoint answers (the latest checkpoint with its witnesses' cosignatures, the checkpoint
history, the witness status) change without a ledger entry — the job signs a checkpoint, a
witness delivers a cosignature — so they are kept under a version of their own: the ledger's
size, the newest checkpoint row (id and root: a forged row inserted after it changes the key,
and the answer is computed afresh, skipping it), the newest cosignature row and the verifier
keys the deployment trusts; one query with scalar subqueries on primary keys.

Only anonymous GETs are served from the cache (no Cookie, no Authorization header: a browser with
a session cookie always gets a freshly rendered page), only 200 answers without cookies or
`private`/`no-store` are kept, and only under the prefixes below. See docs/decisions/0015.
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone

# Paths whose anonymous answer depends only on the request, the date, ledgered data and the
# installed files. Not /api/v1/openapi.json: it is built once per process anyway
# (sanxiang.api.urls) and must load without a database.
CACHEABLE_PREFIXES = (
    "/public/certificate/",
    "/api/v1/public/certificates/",
    "/deadlines/calculator/",
    "/api/v1/deadlines/compute",
    "/api/v1/ledger/proofs/",
    "/api/v1/profiles/",  # the shipped rule profiles: read once per process
    "/api/v1/docs",
    "/gk/",  # 公开门户 (sanxiang/portal): 事前公开 versions, certificates, inspections — all ledgered
)
CACHEABLE_EXACT = ("/",)
# Paths whose answer also depends on checkpoints and cosignatures (`checkpoint_version`). The
# first also covers /api/v1/ledger/checkpoints (the history) and /checkpoints/<size>.
CHECKPOINT_PREFIXES = (
    "/api/v1/ledger/checkpoint",
    "/api/v1/witness/checkpoint",
    "/api/v1/witness/status",
)
MAX_ENTRIES = 512
# Headers the answer may vary on that are part of the key; any other Vary header: not kept.
KEYED_HEADERS = ("HTTP_ACCEPT_LANGUAGE", "HTTP_HX_REQUEST")
KEYED_VARY = {"accept-language", "cookie", "hx-request"}


def data_version() -> int:
    """Changes whenever an action commits: the ledger's size."""
    from sanxiang.ledger import tree

    return tree.tree_size()


_checkpoint_sql = None


def checkpoint_version() -> tuple | None:
    """Changes whenever a checkpoint answer may: an entry appended, a checkpoint row inserted, a
    cosignature received, the trusted keys changed. None (not kept) without a signing key.

    A cosignature re-delivered for the same checkpoint updates its row in place (another valid
    line for the same checkpoint), and pruned cosignatures of older checkpoints were valid: both
    show within PUBLIC_CACHE_SECONDS at most."""
    global _checkpoint_sql
    from sanxiang.ledger import signing

    if _checkpoint_sql is None:
        from sanxiang.ledger.models import Checkpoint, LedgerEntry
        from sanxiang.witness.models import Cosignature

        qn = connection.ops.quote_name
        entries, checkpoints = qn(LedgerEntry._meta.db_table), qn(Checkpoint._meta.db_table)
        _checkpoint_sql = (
            f'SELECT (SELECT MAX({qn("index")}) FROM {entries}), (SELECT MAX(id) FROM {checkpoints}), '
            f'(SELECT root_hash FROM {checkpoints} ORDER BY id DESC LIMIT 1), '
            f'(SELECT MAX(id) FROM {qn(Cosignature._meta.db_table)})')
    try:
        keys = tuple(v.vkey for v in signing.trusted_verifiers())
    except signing.SigningKeyError:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_checkpoint_sql)
        return (*cursor.fetchone(), keys)


def cacheable_request(request) -> bool:
    if request.method != "GET":
        return False
    if request.META.get("HTTP_COOKIE", "").strip() or "HTTP_AUTHORIZATION" in request.META:
        return False
    path = request.path_info
    return path in CACHEABLE_EXACT or path.startswith(CACHEABLE_PREFIXES + CHECKPOINT_PREFIXES)


def cacheable_response(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= KEYED_VARY


class PublicPageCache:
    """公开页面缓存: a bounded, thread-safe map from key to (status, headers, body), least recently
    used evicted first."""

    def __init__(self, max_entries=MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, now):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key, value, expires):
        with self._lock:
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()


cache = PublicPageCache()


class PublicPageCacheMiddleware:
    """Placed before the session, CSRF and authentication middleware: a hit skips them (it is
    anonymous and sets no cookie), the middleware before it (security headers) still runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PUBLIC_CACHE_SECONDS
        if not seconds or not cacheable_request(request):
            return self.get_response(request)
        if request.path_info.startswith(CHECKPOINT_PREFIXES):
            version = checkpoint_version()
            if version is None:
                return self.get_response(request)
        else:
            version = data_version()
        # get_host() refuses a host outside ALLOWED_HOSTS (400), as CommonMiddleware would.
        key = (request.get_host(), request.get_full_path_info(),
               *(request.META.get(h, "") for h in KEYED_HEADERS), timezone.localdate(), version)
        now = time.monotonic()
        found = cache.get(key, now)
        if found is not None:
            status, headers, body = found
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if cacheable_response(response):
            cache.put(key, (response.status_code, list(response.items()), response.content),
                      now + seconds)
        return response
