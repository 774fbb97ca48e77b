"""The OpenAPI document matches the API: schemathesis generates requests for every operation
(valid and invalid) and checks each response against the documented status codes and schemas."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Django's own WSGI application: `sanxiang.wsgi` also prepares the data directory, which looks at
# the database — not allowed while tests are collected (the session fixture prepares it instead).
application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(scope="module")
def ledger_with_checkpoint(django_db_setup, django_db_blocker):
    """Some entries and a signed checkpoint, so the proofs have a tree to work on: made once for the
    module in a transaction of its own, rolled back after it; each operation's examples run in a
    savepoint inside it (`db`), so what one operation's requests change is gone before the next —
    as the flush after each operation did, without 240 flushes and 240 checkpoints signed
    (docs/how-to.md "Test time")."""
    from django.db import transaction

    from sanxiang.access.actors import OPERATOR
    from sanxiang.ledger.actions import do_post_announcement, do_take_checkpoint

    with django_db_blocker.unblock(), transaction.atomic():
        for i in range(5):
            do_post_announcement(f"公告 {i}", actor=OPERATOR)
        do_take_checkpoint(actor=OPERATOR)
        yield
        transaction.set_rollback(True)


@pytest.mark.database_agnostic
@pytest.mark.usefixtures("ledger_with_checkpoint", "db")
@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_answers_as_documented(case):
    # Status codes, response schemas, content types and server errors are all checked. A
    # schema-valid request may still be refused with 400 when its parameters contradict each other
    # or the ledger (index ≥ size, a size beyond the tree), which OpenAPI cannot express.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
