import sys
from pathlib import Path

import pytest
from django.db import transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
# archive_cast (an archived case) and the documents_cast it builds on, also when tests/records runs alone
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "documents"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "archive"))


@pytest.fixture(scope="module")
def env(django_db_setup, django_db_blocker):
    """One agency (national profile) with its people for the module, rolled back after it."""
    from cases_cast import make_env

    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def blocker(django_db_blocker):
    return django_db_blocker


@pytest.fixture(scope="module")
def case(env, blocker):
    """One new case of the module's agency (modules that need another kind define their own)."""
    from cases_cast import new_case

    with blocker.unblock():
        return new_case(env)
