"""Upload limits and ages, from the environment (README "Configuration"); Django settings of the
same name override them (tests)."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GiB = 1 << 30


def _number(name: str, env_name: str, default: int) -> int:
    if hasattr(settings, name):
        return int(getattr(settings, name))
    text = os.environ.get(env_name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) <= 0:
        raise ImproperlyConfigured(f"环境变量 {env_name} 应为正整数，收到：{text!r}")
    return int(text)


def max_bytes() -> int:
    """The largest file one upload may declare (Tus-Max-Size): 4 GiB unless configured."""
    return _number("UPLOAD_MAX_BYTES", "SANXIANG_UPLOAD_MAX_BYTES", 4 * GiB)


def abandon_hours() -> int:
    """An incomplete upload that received nothing for this many hours is removed by the job."""
    return _number("UPLOAD_ABANDON_HOURS", "SANXIANG_UPLOAD_ABANDON_HOURS", 24)


def partial_dir():
    """Where the bytes of incomplete uploads wait (always local disk, whatever the store): the data
    directory's `uploads/`, or UPLOAD_PARTIAL_DIR (each test module has its own: the test
    processes share one data directory, and upload numbers restart in each test database)."""
    return getattr(settings, "UPLOAD_PARTIAL_DIR", None) or settings.DATA_DIR / "uploads"


def browser_chunk_bytes() -> int:
    """The size of each PATCH the browser widget sends: a lost connection costs at most one piece,
    and proxies in front of the server (request body limits) accept it. 8 MiB unless configured."""
    return _number("UPLOAD_BROWSER_CHUNK_BYTES", "SANXIANG_UPLOAD_BROWSER_CHUNK_BYTES", 8 << 20)
