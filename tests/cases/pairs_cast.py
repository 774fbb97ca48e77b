"""What the every-(state, action)-pair tests of the case tables share: the spanning tree they walk,
the rollback that undoes a tried move, and what "nothing written" compares."""

from sanxiang.cases.models import Case
from sanxiang.deadlines.models import Obligation
from sanxiang.ledger.models import LedgerEntry


class Rollback(Exception):
    """Raised inside `transaction.atomic()` to undo a tried move after its assertions."""


def spanning_tree(table):
    """{state: [(action, child state)]}: each state's first discovery in breadth-first order, not by the
    table's side roads (已决定 is reached by a penalty decided; 不予行政处罚 is tried as a pair)."""
    tree, seen, queue = {s: [] for s in table.states}, {table.initial}, [table.initial]
    while queue:
        state = queue.pop(0)
        for t in table.from_state(state):
            if t.action in table.side_roads:
                continue
            if t.target not in seen:
                seen.add(t.target)
                tree[state].append((t.action, t.target))
                queue.append(t.target)
    return tree


def written(case):
    """The case row's digest, the ledger's length and the case's deadlines: equal before and after
    means a refusal wrote nothing."""
    obs = Obligation.objects.filter(object_id=str(case.pk), object_type="cases.case")
    return (Case.objects.get(pk=case.pk).ledger_digest(), LedgerEntry.objects.count(),
            sorted(obs.values_list("kind", "status")))


def entries(case):
    return LedgerEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).order_by("index")
