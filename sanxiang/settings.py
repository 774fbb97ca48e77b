"""Sanxiang settings: one module, driven by the environment (healthchecks style).

SQLite under ./var/ is the embedded default; DATABASE_URL switches to PostgreSQL.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SANXIANG_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_from_env_or_file(env_name: str, filename: str) -> str:
    """Return the env value, or a random value kept in DATA_DIR (created once, mode 0600)."""
    value = os.environ.get(env_name)
    if value:
        return value
    path = DATA_DIR / filename
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_from_env_or_file("SANXIANG_SECRET_KEY", "secret_key")
# The ledger's checkpoint signing key: see sanxiang.ledger.signing.
SIGNING_KEY = os.environ.get("SANXIANG_SIGNING_KEY", "")
SIGNING_KEY_FILE = DATA_DIR / "signing_key"
LEDGER_ORIGIN = os.environ.get("SANXIANG_LEDGER_ORIGIN", "sanxiang.local/ledger")
# A new checkpoint is signed after a commit once the latest is this many entries or minutes old.
LEDGER_CHECKPOINT_EVERY_ENTRIES = int(os.environ.get("SANXIANG_CHECKPOINT_ENTRIES", 10000))
LEDGER_CHECKPOINT_EVERY_MINUTES = float(os.environ.get("SANXIANG_CHECKPOINT_MINUTES", 60))

DEBUG = os.environ.get("SANXIANG_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("SANXIANG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "sanxiang.core",
    "sanxiang.access",
    "sanxiang.ledger",
    "sanxiang.profiles",
    "sanxiang.deadlines",
    "sanxiang.orgs",
    "sanxiang.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sanxiang.accounts.middleware.BearerTokenMiddleware",
    "sanxiang.accounts.middleware.PasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
# API tokens (访问令牌): lifetime when none is given, and the longest allowed, in days.
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("SANXIANG_API_TOKEN_DAYS", 90))
API_TOKEN_MAX_DAYS = int(os.environ.get("SANXIANG_API_TOKEN_MAX_DAYS", 730))

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(DATA_DIR / "files")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SANXIANG_LOG_LEVEL", "WARNING")},
}
