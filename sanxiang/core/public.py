"""Addresses printed for the public (公开地址): QR codes, links on paper, links in the API.

They use the configured `SANXIANG_PUBLIC_URL`, never the host a page was opened on: an officer's
page opened on the intranet (or at 127.0.0.1 behind a proxy) must still print the address
citizens can reach.
"""

from django.conf import settings
from django.urls import reverse


def public_url(path: str) -> str:
    """`path` (absolute, as `reverse()` gives it) under the public base URL."""
    return settings.PUBLIC_URL + path


def public_reverse(name: str, *args) -> str:
    return public_url(reverse(name, args=args))


def download_disposition(ascii_name: str, name: str, *, inline: bool = False) -> str:
    """Content-Disposition of a download saved under a Chinese name (`filename*`, RFC 6266/5987), with the
    ASCII `ascii_name` for clients that read only `filename` — a citizen's Downloads folder shows the agency's
    name and the content, not its internal code (s25 tester10b #14)."""
    from urllib.parse import quote

    for bad in '/\\"\r\n':
        name = name.replace(bad, "_")
    return f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
