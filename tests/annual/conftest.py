import sys
from pathlib import Path

import pytest
from django.db import transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))


@pytest.fixture(scope="module")
def env(django_db_setup, django_db_blocker):
    """One agency (national profile) with its people for the module, rolled back after it."""
    from cases_cast import make_env

    from sanxiang.access.actors import OPERATOR
    from sanxiang.deadlines.actions import seed_calendar

    with django_db_blocker.unblock(), transaction.atomic():
        seed_calendar(actor=OPERATOR, years=[2025])
        yield make_env()
        transaction.set_rollback(True)
