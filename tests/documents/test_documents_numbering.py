"""Two officers generating at the same moment get consecutive 文号 (PostgreSQL: SQLite's in-memory
test database locks whole tables across threads). In a module of its own: the other modules hold a
module-wide transaction open on the main connection, which the threads could not see into."""

import threading

import pytest
from cases_cast import make_env
from django.db import connection, transaction
from documents_cast import decided_case

from sanxiang.documents import actions as D


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_generators_get_consecutive_numbers():
    """Two officers generate at the same moment on their own connections: 1 and 2, no gap, no clash."""
    env = make_env()
    cases = [decided_case(env, "filed") for _ in range(2)]
    D.current_template(env.agency, "filing_approval")  # registered before: the threads meet only at the number
    barrier, numbers, errors = threading.Barrier(2), [], []

    def generate(case):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                numbers.append(D.do_generate_document(case, "filing_approval", actor=env.officer).number_seq)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()  # the thread's own connection, so the test database can be dropped

    threads = [threading.Thread(target=generate, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sorted(numbers) == [1, 2]
