"""The installations the backup tests start from, built once per test process.

Most backup tests need an installation with every kind of thing a backup carries — people and
accounts, agencies and their witnesses' keys, profiles, ledger entries, a stored file, a signed
checkpoint — not the demo's hundreds of cases: `small_installation`. One test backs up and restores
the whole demo (`demo_installation`), so every table the demo fills goes through a backup.
"""

import pytest
from installations import REGISTER_FILE, SMALL_DEMO, Factory


@pytest.fixture(scope="session")
def installations(tmp_path_factory):
    made = Factory(tmp_path_factory.mktemp("installations"))
    yield made
    made.close()


@pytest.fixture(scope="session")
def demo_installation(installations):
    """The demo data, a recorded file and a signed checkpoint — never changed: a test module
    that needs the installation works on `installations.copy_of(demo_installation, …)`.

    Built with the `sanxiang` commands an operator runs (about 15 s of CPU), once per test process
    instead of once per module in each process."""
    inst = installations("demo")
    inst.run("migrate", "--noinput", "-v0")
    inst.run("demo")
    # A stored file, recorded in the ledger as the records app will do (verify checks it).
    inst.run("shell", "-c", REGISTER_FILE)
    inst.run("checkpoint")  # a signed checkpoint: restore checks the backup's key against it
    return inst


@pytest.fixture(scope="session")
def small_installation(installations):
    """The demo's agencies, people, accounts, parties and witnesses without its cases, a recorded
    file and a signed checkpoint — never changed (copy it with `installations.copy_of`)."""
    inst = installations("small")
    inst.run("migrate", "--noinput", "-v0")
    inst.run("shell", "-c", SMALL_DEMO)
    inst.run("shell", "-c", REGISTER_FILE)
    inst.run("checkpoint")
    return inst


@pytest.fixture(scope="session")
def small_backup(small_installation, tmp_path_factory):
    """`sanxiang backup` of the small installation — read only: copy it to damage it."""
    backup_dir = tmp_path_factory.mktemp("small-backup") / "backup"
    small_installation.run("backup", str(backup_dir))
    return backup_dir


@pytest.fixture(scope="session")
def demo_backup(demo_installation, tmp_path_factory):
    """`sanxiang backup` of the demo installation — read only: copy it to damage it."""
    backup_dir = tmp_path_factory.mktemp("demo-backup") / "backup"
    demo_installation.run("backup", str(backup_dir))
    return backup_dir
