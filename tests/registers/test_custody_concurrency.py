"""Two people record a hand-over of the same goods at the same moment, both from its current holder:
one wins, the other is told the holder changed, and the chain has no fork (PostgreSQL: SQLite's
in-memory test database locks whole tables across threads). A module of its own: the other modules
hold a module-wide transaction open that the threads could not see into."""

import threading

import pytest
from cases_cast import make_env
from django.db import connection, transaction
from registers_cast import SIGNED, investigating_case, seized_goods

from sanxiang.core.errors import Conflict
from sanxiang.registers import actions as R
from sanxiang.registers.models import Goods


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_hand_overs_from_the_same_holder_one_wins():
    env = make_env()
    case, day = investigating_case(env)
    goods = seized_goods(env, case=case, day=day)
    barrier, done, errors = threading.Barrier(2), [], []

    def hand_over(to_holder, user):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                R.do_hand_over_goods(goods, from_holder="王执法", to_holder=to_holder, to_place="保管室", stage="custody",
                                     reason="移交保管", actor=user, receiver_outside="某仓储公司",
                                     **{**SIGNED, "received_by": to_holder})
            done.append(to_holder)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_over, args=args) for args in (("李保管", env.officer), ("赵保管", env.officer))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(done) == 1 and len(errors) == 1, (done, errors)
    assert isinstance(errors[0], Conflict) and errors[0].code == "not_current_holder"
    goods = Goods.objects.get(pk=goods.pk)
    assert goods.holder == done[0]
    assert [(h.seq, h.from_holder) for h in goods.hand_overs.order_by("seq")] == [(1, "某某食品有限公司"), (2, "王执法")]
