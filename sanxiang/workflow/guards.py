"""Guards several tables need. A guard is `(obj, actor, **params) -> None | reason (中文)`; its
docstring's first line describes it in the generated docs."""

from __future__ import annotations


def obligations_met(*kinds: str):
    """A guard refusing while a deadline of `kinds` on the object is still open or overdue, or is a
    party's period that ran out unfulfilled (an unpaid fine) (e.g. no closing a case with an open
    mandatory deadline)."""

    def guard(obj, actor, **params):
        from sanxiang.deadlines.actions import UNSETTLED
        from sanxiang.deadlines.models import Obligation

        pending = list(Obligation.objects.filter(object_type=obj.ledger_type(), object_id=str(obj.pk),
                                                 kind__in=kinds, status__in=UNSETTLED)
                       .order_by("kind").values_list("kind", flat=True).distinct())
        if pending:
            return f"尚有未履行的时限：{'、'.join(pending)}。"
        return None

    guard.__doc__ = f"时限{'、'.join(kinds)}已履行或已免除"
    guard.__name__ = f"obligations_met({', '.join(kinds)})"
    return guard
