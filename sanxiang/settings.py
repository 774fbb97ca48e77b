"""Sanxiang settings: one module, driven by the environment (healthchecks style).

SQLite in the data directory (see sanxiang.core.datadir) is the embedded default; DATABASE_URL switches to PostgreSQL.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from sanxiang.core.datadir import read_key, resolve_data_dir

BASE_DIR = Path(__file__).resolve().parent
# Nothing is written here: `sanxiang.core.datadir.prepare()` creates the directory and the keys.
DATA_DIR = resolve_data_dir()

# Until `prepare()` has written DATA_DIR/secret_key, a process gets a throwaway secret: commands
# that never sign a cookie need none, and `serve`, `migrate`, `demo` and wsgi.py prepare first.
SECRET_KEY = (os.environ.get("SANXIANG_SECRET_KEY") or read_key(DATA_DIR / "secret_key")
              or secrets.token_urlsafe(50))
# The ledger's checkpoint signing key: see sanxiang.ledger.signing.
SIGNING_KEY = os.environ.get("SANXIANG_SIGNING_KEY", "")
SIGNING_KEY_FILE = DATA_DIR / "signing_key"
LEDGER_ORIGIN = os.environ.get("SANXIANG_LEDGER_ORIGIN", "sanxiang.local/ledger")
# How entries get their index (docs/decisions/0014-sequencer.md): auto (default), inline, deferred.
LEDGER_SEQUENCING = os.environ.get("SANXIANG_LEDGER_SEQUENCING", "auto")
if LEDGER_SEQUENCING not in ("auto", "inline", "deferred"):
    raise ImproperlyConfigured("SANXIANG_LEDGER_SEQUENCING 只能是 auto、inline 或 deferred")

DEBUG = os.environ.get("SANXIANG_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("SANXIANG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from its own static files (/api/v1/docs works offline)
    "sanxiang.core",
    "sanxiang.access",
    "sanxiang.ledger",
    "sanxiang.profiles",
    "sanxiang.deadlines",
    "sanxiang.orgs",
    "sanxiang.parties",
    "sanxiang.cases",
    "sanxiang.documents",  # 执法文书 (issue 8)
    "sanxiang.registers",  # 执法台账, 涉案财物保管 (issue 8)
    "sanxiang.accounts",
    "django_tasks",
    "django_tasks_db",
    "sanxiang.jobs",
    "sanxiang.workflow",
    "sanxiang.witness",
    "sanxiang.records",
    "sanxiang.retrieval",  # 查阅留痕、调阅、水印 (issue 8 §4)
    "sanxiang.archive",  # 案卷与归档 (issue 8 §5)
    "sanxiang.review",  # 法制审核 (issue 9)
    "sanxiang.publicity",  # 公示 (issue 10): 脱敏 first
    "sanxiang.search",  # 公开检索 (issue 10 §7)
    "sanxiang.disclosure",  # 事前公开 (issue 10 §1): versioned before-enforcement disclosure
    "sanxiang.portal",  # 公开门户 (issue 10 §7): public, session-less pages per agency
    "sanxiang.annual",  # 行政执法统计年报 (issue 10 §6)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sanxiang.core.public_cache.PublicPageCacheMiddleware",  # anonymous public pages (decision 0015)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sanxiang.accounts.middleware.BearerTokenMiddleware",
    "sanxiang.accounts.middleware.PasswordChangeMiddleware",
    "sanxiang.access.middleware.RolesReadOncePerRequest",  # a read page reads the user's roles once
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sanxiang.api.middleware.ApiErrorShapeMiddleware",
    "sanxiang.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "sanxiang.urls"
WSGI_APPLICATION = "sanxiang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanxiang.core.context_processors.navigation",
            ],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'sanxiang.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Each server thread keeps its connection between requests (opening one costs more than a simple
# page); a broken one is noticed before use and replaced (docs/decisions/0015).
def _seconds(env_name: str, default: int) -> int:
    text = os.environ.get(env_name, "").strip() or str(default)
    if not text.isdigit():
        raise ImproperlyConfigured(f"环境变量 {env_name} 应为不小于 0 的整数（秒），收到：{text!r}")
    return int(text)


DATABASES["default"]["CONN_MAX_AGE"] = _seconds("SANXIANG_DB_CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: the application role whose grants `migrate` (run as the owner, with
# SANXIANG_OWNER_DATABASE_URL) keeps right; see sanxiang.core.dbroles and docs/operations.md.
DATABASE_APP_ROLE = os.environ.get("SANXIANG_DB_APP_ROLE", "").strip()

# Background jobs (任务): django-tasks with its database backend, so the embedded default needs no
# other server; `sanxiang worker` runs them and the schedules below (see docs/operations.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _positive_number(env_name: str, default, kind=int):
    text = os.environ.get(env_name, "")
    try:
        value = kind(text) if text.strip() else default
    except ValueError:
        value = None
    if value is None or value <= 0:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"环境变量 {env_name} 应为正数，收到：{text!r}")
    return value


# Seconds between two runs of each scheduled job (定时任务), by schedule name.
JOB_INTERVALS = {
    "sign_checkpoint": _positive_number("SANXIANG_JOB_CHECKPOINT_SECONDS", 5),
    "mark_overdue_obligations": _positive_number("SANXIANG_JOB_OVERDUE_SECONDS", 300),
    "expire_certificates": _positive_number("SANXIANG_JOB_CERTIFICATES_SECONDS", 3600),
    "prune_job_history": _positive_number("SANXIANG_JOB_PRUNE_SECONDS", 86400),
    "prune_security_events": _positive_number("SANXIANG_JOB_SECURITY_EVENTS_SECONDS", 86400),
    "witness_logs": _positive_number("SANXIANG_JOB_WITNESS_SECONDS", 30),
    "prune_cosignatures": _positive_number("SANXIANG_JOB_COSIGNATURES_SECONDS", 86400),
}
# Seconds a server process keeps a rendered public page at most (sanxiang.core.public_cache; 0: off).
PUBLIC_CACHE_SECONDS = _seconds("SANXIANG_PUBLIC_CACHE_SECONDS", 60)

# How often an idle worker looks for due schedules and queued tasks; how long job history is kept.
JOB_POLL_SECONDS = _positive_number("SANXIANG_WORKER_POLL_SECONDS", 1.0, float)
JOB_HISTORY_DAYS = _positive_number("SANXIANG_JOB_HISTORY_DAYS", 14)
# Security events (安全事件) are kept this many days; the Cybersecurity Law (网络安全法 第二十一条)
# asks network logs to be kept no less than six months.
SECURITY_EVENT_DAYS = _positive_number("SANXIANG_SECURITY_EVENT_DAYS", 365)
# Witnesses' cosignatures of checkpoints signed in the last this many days are kept (and the latest
# of each witness always); older ones are pruned (sanxiang.witness.served.prune).
COSIGNATURE_KEEP_DAYS = _positive_number("SANXIANG_COSIGNATURE_KEEP_DAYS", 30)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
SESSION_COOKIE_AGE = int(os.environ.get("SANXIANG_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Failed logins allowed within LOGIN_THROTTLE_WINDOW seconds: per account name, and (higher, since
# a whole office may share one NAT address) per address.
LOGIN_THROTTLE_ACCOUNT_LIMIT = int(os.environ.get("SANXIANG_LOGIN_THROTTLE_ACCOUNT_LIMIT", 5))
LOGIN_THROTTLE_ADDRESS_LIMIT = int(os.environ.get("SANXIANG_LOGIN_THROTTLE_ADDRESS_LIMIT", 50))
LOGIN_THROTTLE_WINDOW = int(os.environ.get("SANXIANG_LOGIN_THROTTLE_WINDOW", 900))
# The public portal's party checks (公示查询码) count apart from staff logins, in the same window: per case
# number and client, and per client (decision 0086).
PORTAL_THROTTLE_NUMBER_LIMIT = int(os.environ.get("SANXIANG_PORTAL_THROTTLE_NUMBER_LIMIT", 5))
PORTAL_THROTTLE_ADDRESS_LIMIT = int(os.environ.get("SANXIANG_PORTAL_THROTTLE_ADDRESS_LIMIT", 50))
# The reverse proxies in front of `sanxiang serve` (comma-separated addresses or networks, e.g. 127.0.0.1,::1 or
# 10.0.0.0/8): a request from one of them is counted by the client address in its X-Forwarded-For
# (accounts.throttle.client_address). Empty (the default): the header is ignored and every request counts by its
# own peer address. An entry that is neither an address nor a network stops the start with a message: a typo
# would otherwise silently count every visitor as the proxy (s25 tester10b #10).
def _proxies(text: str) -> frozenset:
    import ipaddress

    found = set()
    for entry in (a.strip() for a in text.split(",")):
        if not entry:
            continue
        try:
            found.add(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"环境变量 SANXIANG_TRUSTED_PROXIES 中的“{entry}”不是 IP 地址或网段（应为如 127.0.0.1、::1、"
                "10.0.0.0/8 的地址或网段，以逗号分隔）") from None
    return frozenset(found)


TRUSTED_PROXIES = _proxies(os.environ.get("SANXIANG_TRUSTED_PROXIES", ""))
# API tokens (访问令牌): lifetime when none is given, and the longest allowed, in days.
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("SANXIANG_API_TOKEN_DAYS", 90))
API_TOKEN_MAX_DAYS = int(os.environ.get("SANXIANG_API_TOKEN_MAX_DAYS", 730))
# Serving a record's file whole: re-hash it first when it is at most this many bytes (64 MiB);
# larger files are left to the daily sampled re-hash (docs/retrieval.md).
RETRIEVAL_REHASH_MAX_BYTES = int(os.environ.get("SANXIANG_RETRIEVAL_REHASH_MAX_BYTES", 64 << 20))
# Watermarking an image decodes it whole (about 11 bytes per pixel while stamping: an 8000×8000 PNG
# took ~700 MB). Larger images are refused before decoding (their header gives the size). 25 million
# pixels (~280 MB) covers the 12–24 MP photos of phones, body cameras and scanners at 600 dpi A4
# (~35 MP is over: scan at 400 dpi). Platform default, no rule of law (docs/retrieval.md).
RETRIEVAL_WATERMARK_MAX_PIXELS = int(os.environ.get("SANXIANG_RETRIEVAL_WATERMARK_MAX_PIXELS", 25_000_000))
# Archive packages asked for from the browser or the API (归档信息包导出): built by the job runner
# into this directory (on a shared volume where web and worker run on different hosts), deleted
# this many hours after they are ready.
ARCHIVE_EXPORT_DIR = Path(os.environ.get("SANXIANG_ARCHIVE_EXPORT_DIR", "") or DATA_DIR / "exports")
ARCHIVE_EXPORT_KEEP_HOURS = _positive_number("SANXIANG_ARCHIVE_EXPORT_KEEP_HOURS", 72)

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(DATA_DIR / "files")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # The content-addressed store of documents, evidence and recordings (sanxiang/storage/).
    "records": {"BACKEND": "sanxiang.storage.DataDirFileStorage"},
}
def _s3_transfer_config():
    """Multipart uploads holding at most 2 parts of 8 MiB in memory (boto3's default, 10 parts read
    ahead, made a 256 MiB upload's completion grow the server by 130 MiB; decision 0026)."""
    from boto3.s3.transfer import TransferConfig

    config = TransferConfig(multipart_chunksize=8 << 20, max_concurrency=2)
    config.max_in_memory_upload_chunks = 2
    return config


if os.environ.get("SANXIANG_S3_BUCKET", "").strip():
    # S3 (django-storages + boto3). The secret key comes from the environment or a 0600 file.
    _s3_secret = os.environ.get("SANXIANG_S3_SECRET_KEY", "") or read_key(
        Path(os.environ.get("SANXIANG_S3_SECRET_KEY_FILE", "") or DATA_DIR / "s3_secret_key"))
    STORAGES["records"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": os.environ["SANXIANG_S3_BUCKET"].strip(),
        "endpoint_url": os.environ.get("SANXIANG_S3_ENDPOINT", "").strip() or None,
        "region_name": os.environ.get("SANXIANG_S3_REGION", "").strip() or "us-east-1",
        "access_key": os.environ.get("SANXIANG_S3_ACCESS_KEY", "").strip(),
        "secret_key": _s3_secret,
        "file_overwrite": True,  # content-addressed: the same name always holds the same bytes
        "default_acl": None,
        "transfer_config": _s3_transfer_config(),
    }}
WHITENOISE_USE_FINDERS = True

# Behind a TLS-terminating reverse proxy (SANXIANG_HTTPS=1): cookies only over HTTPS, HSTS, and the
# proxy's X-Forwarded-Proto trusted. The proxy must set that header itself (and strip a client's).
HTTPS = os.environ.get("SANXIANG_HTTPS", "") == "1"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes from the proxy's host speak plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SANXIANG_HSTS_SECONDS", 365 * 24 * 3600))
    # includeSubDomains and preload commit every other host of the agency's domain to HTTPS:
    # that is the domain owner's decision, not this application's (docs/decisions/0006).
    SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
# Same-origin only; no inline script or style anywhere (sanxiang.core.middleware).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# The address printed on certificates' QR codes and in public links, whatever host a page was
# opened on (an officer's page opened on the intranet must still print the public address).
PUBLIC_URL = os.environ.get("SANXIANG_PUBLIC_URL", "http://127.0.0.1:8000").strip().rstrip("/")
_public = urlsplit(PUBLIC_URL)
if _public.scheme not in ("http", "https") or not _public.netloc or _public.path or _public.query:
    raise ImproperlyConfigured(
        f"SANXIANG_PUBLIC_URL 应为 http(s)://主机[:端口]，不含路径，收到：{PUBLIC_URL!r}")

# The witness's name (c2sp.org/tlog-cosignature key name): a schema-less URL naming this instance.
WITNESS_NAME = os.environ.get("SANXIANG_WITNESS_NAME", "").strip() or f"{_public.netloc}/witness"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SANXIANG_LOG_LEVEL", "WARNING")},
}
