"""The data directory: resolved once, never relative to the current directory, nothing written
when the settings are imported, keys created only where no data lives, the database private."""

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import sanxiang
from sanxiang.core import datadir

# Its `sanxiang` processes run on SQLite installations of their own: the SQLite pass runs it once.
pytestmark = pytest.mark.own_sqlite_installation

SANXIANG = str(Path(sys.executable).with_name("sanxiang"))
REPO = Path(sanxiang.__file__).resolve().parent.parent


def env_for(data_dir=None, **extra):
    env = {k: v for k, v in os.environ.items()
           if k != "DATABASE_URL" and not k.startswith("SANXIANG_")}
    if data_dir is not None:
        env["SANXIANG_DATA_DIR"] = str(data_dir)
    env.update(PYTHONIOENCODING="utf-8", **extra)
    return env


def run(args, data_dir, cwd, **extra):
    return subprocess.run(args, env=env_for(data_dir, **extra), cwd=cwd, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A data directory `sanxiang migrate` made, once for the module: tests about an existing
    installation work on a copy (`existing_installation`)."""
    data_dir = tmp_path_factory.mktemp("installed") / "data"
    made = run([SANXIANG, "migrate", "--noinput", "-v0"], data_dir, data_dir.parent)
    assert made.returncode == 0, made.stderr
    return data_dir


@pytest.fixture
def existing_installation(installed, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(installed, data_dir)  # file modes too: keys stay 0600
    return data_dir


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def fake_settings(data_dir: Path, **overrides):
    values = dict(
        DATA_DIR=data_dir, SIGNING_KEY="", SIGNING_KEY_FILE=data_dir / "signing_key",
        STATIC_ROOT=data_dir / "static", SECRET_KEY="throwaway",
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
                               "NAME": str(data_dir / "sanxiang.sqlite3")}},
    )
    values.update(overrides)
    return SimpleNamespace(**values)


def test_default_is_var_next_to_the_installation_whatever_the_cwd(tmp_path):
    assert datadir.resolve_data_dir({}) == REPO / "var"
    assert datadir.resolve_data_dir({"SANXIANG_DATA_DIR": str(tmp_path)}) == tmp_path.resolve()
    printed = run([sys.executable, "-c", "import django; django.setup(); "
                   "from django.conf import settings; print(settings.DATA_DIR)"],
                  None, tmp_path, DJANGO_SETTINGS_MODULE="sanxiang.settings")
    assert printed.stdout.strip() == str(REPO / "var")
    assert list(tmp_path.iterdir()) == []


def test_importing_the_settings_writes_nothing(tmp_path):
    data_dir = tmp_path / "not-yet"
    result = run([sys.executable, "-c",
                  "import django; django.setup(); from django.conf import settings; "
                  "assert len(settings.SECRET_KEY) > 50; print(settings.STATIC_ROOT)"],
                 data_dir, tmp_path, DJANGO_SETTINGS_MODULE="sanxiang.settings")
    assert result.returncode == 0, result.stderr
    assert not data_dir.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_relative_data_dir_is_resolved_once_against_the_cwd(tmp_path):
    (tmp_path / "a").mkdir()
    migrated = run([SANXIANG, "migrate", "--noinput", "-v0"], "data", tmp_path / "a")
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "a" / "data" / "signing_key").exists()


def test_prepare_creates_private_keys_once(tmp_path):
    data_dir = tmp_path / "data"
    settings = fake_settings(data_dir)
    created = datadir.prepare(settings=settings)
    assert mode(data_dir) == 0o700
    for name in ("secret_key", "signing_key", "sanxiang.sqlite3"):
        assert mode(data_dir / name) == 0o600, name
        assert str(data_dir / name) in created or name == "sanxiang.sqlite3"
    assert settings.SECRET_KEY == (data_dir / "secret_key").read_text().strip()
    keys = [(data_dir / n).read_text() for n in ("secret_key", "signing_key")]
    assert datadir.prepare(settings=settings) == []
    assert [(data_dir / n).read_text() for n in ("secret_key", "signing_key")] == keys


def test_processes_starting_together_create_the_keys_once(tmp_path):
    """Two servers (or test workers) starting at once: one creates each key, whole; the other
    finds it and uses the same secret instead of failing or overwriting."""
    from concurrent.futures import ProcessPoolExecutor

    data_dir = tmp_path / "data"
    with ProcessPoolExecutor(4) as pool:
        results = list(pool.map(_prepare_in_child, [str(data_dir)] * 8))
    created = [path for paths, _ in results for path in paths]
    assert sorted(p.rsplit("/", 1)[-1] for p in created if not p.endswith("data")) == ["secret_key", "signing_key"]
    secret = (data_dir / "secret_key").read_text().strip()
    # A process that raced for the key uses the one that won ("throwaway": the file already
    # existed, so real settings would have read it at import).
    assert {seen for _, seen in results} - {"throwaway"} == {secret}
    assert not [p for p in data_dir.iterdir() if p.name.endswith(".tmp")]


def _prepare_in_child(data_dir):
    settings = fake_settings(Path(data_dir))
    return datadir.prepare(settings=settings), settings.SECRET_KEY


def test_keys_given_in_the_environment_are_not_written(tmp_path, monkeypatch):
    monkeypatch.setenv("SANXIANG_SECRET_KEY", "x" * 60)
    data_dir = tmp_path / "data"
    datadir.prepare(settings=fake_settings(data_dir, SIGNING_KEY="configured"))
    assert not (data_dir / "secret_key").exists()
    assert not (data_dir / "signing_key").exists()


@pytest.mark.parametrize("missing", ["signing_key", "secret_key"])
@pytest.mark.parametrize("command", ["migrate", "serve", "demo"])
def test_no_new_key_next_to_an_existing_database(existing_installation, tmp_path, missing, command):
    data_dir = existing_installation
    (data_dir / missing).unlink()
    args = [SANXIANG, command] + (["127.0.0.1:0"] if command == "serve" else [])
    refused = run(args, data_dir, tmp_path)
    assert refused.returncode == 1
    assert "拒绝生成新密钥" in refused.stderr and missing in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (data_dir / missing).exists()


def test_no_new_key_next_to_stored_files(tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "files" / "evidence").mkdir(parents=True)
    (data_dir / "files" / "evidence" / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(datadir.DataDirError, match="文件目录"):
        datadir.prepare(settings=fake_settings(data_dir))
    assert not (data_dir / "signing_key").exists() and not (data_dir / "secret_key").exists()


def test_an_empty_database_file_is_not_data(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "sanxiang.sqlite3").touch()
    datadir.prepare(settings=fake_settings(data_dir))
    assert (data_dir / "signing_key").exists()


def test_a_world_readable_database_becomes_private_on_next_use(existing_installation, tmp_path):
    data_dir = existing_installation
    database = data_dir / "sanxiang.sqlite3"
    with sqlite3.connect(database) as db:  # leave a WAL file behind, as a running server does
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE scratch (x)")
        os.chmod(database, 0o644)
        for companion in (data_dir / "sanxiang.sqlite3-wal", data_dir / "sanxiang.sqlite3-shm"):
            if companion.exists():
                os.chmod(companion, 0o644)
        verify = run([SANXIANG, "verify"], data_dir, tmp_path)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        for path in data_dir.glob("sanxiang.sqlite3*"):
            assert mode(path) == 0o600, path.name
