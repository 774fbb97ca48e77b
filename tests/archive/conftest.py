import sys
from pathlib import Path

import pytest
from django.db import transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "documents"))
from cases_cast import make_env  # noqa: E402


@pytest.fixture(scope="module")
def env(django_db_setup, django_db_blocker):
    """One agency with its people for the module, rolled back after it (each test in a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def blocker(django_db_blocker):
    return django_db_blocker
