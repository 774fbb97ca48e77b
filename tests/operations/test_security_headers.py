"""Security headers: a Content-Security-Policy on every page (and templates that need no inline
script or style), no caching of personal data, and HTTPS mode (`SANXIANG_HTTPS=1`) clean under
`sanxiang check --deploy`."""

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import sanxiang
from sanxiang.orgs import testing as T
from sanxiang.orgs.models import Role

SANXIANG = str(Path(sys.executable).with_name("sanxiang"))
PACKAGE = Path(sanxiang.__file__).resolve().parent

PUBLIC_PAGES = ["/", "/login/", "/deadlines/calculator/", "/public/certificate/",
                "/public/certificate/NO-SUCH/", "/api/v1/docs", "/no-such-page/"]


def csp_directives(response) -> dict:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_page_has_a_same_origin_policy_without_inline_code(client, path):
    response = client.get(path)
    policy = csp_directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_no_template_has_inline_script_or_style():
    """What the policy would block: style="…", <style>, inline <script>, on…= handlers."""
    offences = []
    for template in PACKAGE.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (r"\sstyle\s*=", r"<style", r"<script(?![^>]*\ssrc=)[^>]*>", r"\son[a-z]+\s*=",
                        r"javascript:"):
            for match in re.finditer(pattern, text, re.IGNORECASE):
                offences.append(f"{template.relative_to(PACKAGE)}: {match.group(0)}")
    assert offences == []


@pytest.fixture
def officer_client(client, db):
    agency = T.agency("hdr-amr")
    user = T.member(agency, Role.OFFICER)
    T.certificate(T.person(agency, name="李卫东", user_obj=user), "43029999001",
                  valid_to=dt.date(2099, 12, 31))
    client.force_login(user)
    client.agency = agency
    return client


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_pages_for_a_logged_in_user_are_never_stored(officer_client):
    from sanxiang.orgs.models import Person

    person = Person.objects.get(name="李卫东")
    for path in ("/", f"/people/{person.pk}/", f"/agencies/{officer_client.agency.code}/",
                 "/deadlines/calculator/", "/profiles/", "/no-such-page/"):
        response = officer_client.get(path)
        assert no_store(response), path
        assert "private" in response["Cache-Control"], path


@pytest.mark.django_db
def test_authenticated_api_responses_are_never_stored(officer_client):
    response = officer_client.get("/api/v1/ledger/entries/0")
    assert no_store(response)
    public = officer_client.get("/api/v1/public/certificates/43029999001")
    assert no_store(public)  # answered to a logged-in caller: not for a shared cache


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/public/certificate/", "/deadlines/calculator/",
                                  "/api/v1/ledger/checkpoint", "/api/v1/docs"])
def test_public_pages_stay_cacheable(client, path):
    response = client.get(path)
    assert not no_store(response), path


def settings_env(**extra):
    # A deployment's environment: not the test database, nor what the browser tests set for
    # Playwright in this process (DJANGO_ALLOW_ASYNC_UNSAFE) — `check --deploy` rightly flags it.
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE") and not k.startswith("SANXIANG_")}
    env.update(PYTHONIOENCODING="utf-8", **extra)
    return env


@pytest.mark.own_sqlite_installation  # SQLite installation of its own: the SQLite pass runs it
def test_check_deploy_is_clean_in_https_mode(tmp_path):
    env = settings_env(SANXIANG_DATA_DIR=str(tmp_path / "data"), SANXIANG_HTTPS="1",
                       SANXIANG_SECRET_KEY=secrets.token_urlsafe(50))
    clean = subprocess.run([SANXIANG, "check", "--deploy", "--fail-level", "WARNING"], env=env,
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "no issues" in clean.stdout
    # Without HTTPS mode the same check names what is missing (the test above is not vacuous).
    env.pop("SANXIANG_HTTPS")
    plain = subprocess.run([SANXIANG, "check", "--deploy", "--fail-level", "WARNING"], env=env,
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert plain.returncode != 0
    assert "SESSION_COOKIE_SECURE" in plain.stderr + plain.stdout


HTTPS_PROBE = textwrap.dedent("""
    import django
    django.setup()
    from django.test import Client

    client = Client()
    plain = client.get("/login/")
    print("plain", plain.status_code, plain.get("Location", ""))
    health = client.get("/healthz")
    print("health", health.status_code)
    secure = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
    print("secure", secure.status_code)
    print("hsts", secure.get("Strict-Transport-Security", ""))
    print("csrf-cookie-secure", secure.cookies["csrftoken"]["secure"])
    from django.conf import settings
    print("session-cookie-secure", settings.SESSION_COOKIE_SECURE)
""")


@pytest.mark.own_sqlite_installation  # SQLite installation of its own: the SQLite pass runs it
def test_https_mode_redirects_marks_cookies_secure_and_sends_hsts(tmp_path):
    data_dir = tmp_path / "data"
    env = settings_env(SANXIANG_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="sanxiang.settings")
    assert subprocess.run([SANXIANG, "migrate", "--noinput", "-v0"], env=env, cwd=tmp_path,
                          capture_output=True, timeout=300).returncode == 0
    env["SANXIANG_HTTPS"] = "1"
    result = subprocess.run([sys.executable, "-c", HTTPS_PROBE], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert lines["plain"] == "301 https://testserver/login/"
    assert lines["health"] == "200"
    assert lines["secure"] == "200"
    assert lines["hsts"] == "max-age=31536000"
    assert lines["csrf-cookie-secure"] == "True"
    assert lines["session-cookie-secure"] == "True"
