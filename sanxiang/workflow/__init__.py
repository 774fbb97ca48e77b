"""Transition tables (状态流转表): a model's states and the actions between them, as data.

Declare a `Table` in your app's `workflows.py` and `register` it; act with `apply(obj, action,
actor=…, **inputs)` and show the choices with `available(obj, user)`. See docs/workflow.md.
"""

from .engine import Option, apply, apply_consequence, available, join_reasons, permitted_for, refusals
from .guards import obligations_met
from .tables import (
    Opens,
    Param,
    Table,
    TableError,
    Transition,
    all_tables,
    get_table,
    register,
    table_for,
)

__all__ = [
    "Opens", "Option", "Param", "Table", "TableError", "Transition", "all_tables", "apply",
    "apply_consequence", "available", "get_table", "join_reasons", "obligations_met", "permitted_for", "refusals", "register", "table_for",
]
