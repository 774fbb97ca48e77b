import pytest
from django.db import transaction
from retrieval_cast import make_env


@pytest.fixture(scope="module")
def env(django_db_setup, django_db_blocker):
    """One agency with its people for the module, rolled back after it (each test in a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_env()
        transaction.set_rollback(True)
