"""Browser-test harness: Playwright (sync API) driving Debian's chromium against `live_server`.

Never `playwright install`: the browser is /usr/bin/chromium from Debian. Every test gets a fresh
browser context (`page`, laptop size; `phone_page`, 390×844) and, on failure, a screenshot in
var/screenshots/. Set SANXIANG_SCREENSHOTS=DIR to also keep the journeys' page screenshots there
(docs/screenshots/ is made that way).

Set SANXIANG_BROWSER_THROTTLE=BYTES_PER_SECOND (e.g. 30000) to have chromium receive every response
that slowly, 50 ms late (its network emulation): a page is then shown long before all of it has
arrived, and a read that races the page load (journeys.py's rule) fails every time instead of once in
a while on a loaded machine — stop 25's CI failure of test_parties_phone.py fails so at once. (At 30000
the API docs test's Swagger UI bundle, 1.5 MB, takes longer than its 15 s.)
"""

import os
import re
import shutil
from pathlib import Path

# Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are still
# synchronous and safe, so Django's async guard is switched off for the browser tests.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
FAILURE_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"缺少 {CHROMIUM}：请安装 Debian 软件包 chromium 和 fonts-noto-cjk（make test 会自动安装）")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _page(browser, request, viewport, **extra):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **extra)
    context.set_default_timeout(15_000)
    page = context.new_page()
    throttle = int(os.environ.get("SANXIANG_BROWSER_THROTTLE") or 0)
    if throttle:
        network = context.new_cdp_session(page)
        network.send("Network.enable")
        network.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 50, "downloadThroughput": throttle, "uploadThroughput": -1})
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        FAILURE_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])[:120]
        try:
            page.screenshot(path=str(FAILURE_DIR / f"{name}.png"), full_page=True)
        except Exception:  # a crashed page must not hide the test's own failure
            pass
    context.close()


@pytest.fixture
def page(browser, request, live_server):
    """A fresh laptop-sized page; `page.base` is the live server's URL."""
    for p in _page(browser, request, LAPTOP):
        p.base = live_server.url
        yield p


@pytest.fixture
def phone_page(browser, request, live_server):
    """A fresh phone-sized page (390×844, touch) on the live server."""
    for p in _page(browser, request, PHONE, is_mobile=True, has_touch=True, device_scale_factor=1):
        p.base = live_server.url
        yield p


class DemoCopy:
    """The demo database as `sanxiang demo` first built it in this process, kept aside.

    On the in-memory SQLite test database the demo is built once per process and copied back
    before every browser test (SQLite's backup API: milliseconds, against seconds of CPU for each
    build): every test starts from the very same rows, ids and sequences, and what a test writes
    is flushed after it as before (`transactional_db`). Other databases build it for each test.
    The files the build stored (templates, documents, media) are kept too and copied into each
    module's own file store (`module_file_store`): the rows name them. Where a module's `demo`
    fixture built the demo in this process already, that build is laid down and committed on the
    database as it found it (`DEMO.commit_into`) instead of building it a second time.
    """

    def __init__(self):
        self.saved = None
        self.output = None
        self.files = None

    def load(self):
        from io import StringIO

        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        if self.saved is not None:
            connection.ensure_connection()
            self.saved.backup(connection.connection)
            if self.files is not None:
                shutil.copytree(self.files, settings.FILES_DIR, dirs_exist_ok=True)
            from django.contrib.contenttypes.models import ContentType

            ContentType.objects.clear_cache()  # ids as in the copy, not as the last flush made them
            return self.output
        from demo_snapshot import DEMO

        # Built already in this process for the `demo` modules (tests/demo_snapshot.py): laid down on
        # the database as that build found it and committed, instead of a second build.
        laid_down = DEMO.commit_into(Path(settings.FILES_DIR))
        out = StringIO(laid_down or "")
        if laid_down is None:
            call_command("demo", stdout=out)
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            import sqlite3
            import tempfile

            self.saved = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self.saved)
            self.output = out.getvalue()
            if Path(settings.FILES_DIR).is_dir():
                self.files = Path(tempfile.mkdtemp(prefix="sanxiang-demo-files-")) / "files"
                shutil.copytree(settings.FILES_DIR, self.files)
        return out.getvalue()


DEMO_COPY = DemoCopy()


@pytest.fixture
def demo(transactional_db, live_server):
    """The demo data (`sanxiang demo`) in the live server's database; login throttling reset."""
    from django.core.cache import cache

    output = DEMO_COPY.load()
    cache.clear()
    return output


@pytest.fixture
def shoot():
    """shoot(page, name): keep a screenshot of the page when SANXIANG_SCREENSHOTS is set."""
    target = os.environ.get("SANXIANG_SCREENSHOTS")

    def take(page, name, full_page=True):
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=full_page)

    return take
