import pytest
from cases_cast import make_env
from django.db import transaction


@pytest.fixture(scope="module")
def env(django_db_setup, django_db_blocker):
    """One agency with its people for the whole module, rolled back after it (each test runs in
    its own savepoint through the `db` fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env()
        transaction.set_rollback(True)
