"""Transition tables (状态流转表) as data: states, transitions, and the checks run when one is built.

A table is validated when it is constructed (at import of the app's `workflows.py`), so a
mistyped state, a duplicate (state, action) pair or a state nobody can reach fails at start-up,
not in front of an officer.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

UNITS = ("hours", "days", "workdays", "months")


class TableError(ImproperlyConfigured):
    """A transition table that contradicts itself (a programming error, found at import)."""


@dataclass(frozen=True)
class Param:
    """An input of a transition (参数), e.g. the reason of a suspension, with its Chinese label.

    Text parameters are stripped and limited to `max_length`; a required one may not be blank.
    """

    label: str
    required: bool = True
    text: bool = True
    max_length: int = 500


@dataclass(frozen=True)
class Opens:
    """A deadline (时限) opened by a transition: a rule named in the agency's profile, or a fixed
    count and unit; `duty` routes it to the unit and leader the profile names for that duty.
    `start(obj, params)` gives the start date (default: today). `bearer` "party" marks a period the
    party holds (陈述申辩期…): once passed it is 已届满, never counted as the agency's lateness.
    The subject's `obligation_units()` (if it has one, e.g. a case: its 承办机构) puts every
    obligation in that unit's queue."""

    kind: str
    rule: str = ""
    count: int | None = None
    unit: str | None = None
    duty: str = ""
    start: Callable[..., Any] | None = None
    bearer: str = "agency"

    def __post_init__(self):
        if not self.kind:
            raise TableError("an obligation opened by a transition needs a kind")
        if not self.rule and (self.count is None or self.unit is None):
            raise TableError(f"obligation {self.kind!r}: give a profile rule or a count and a unit")
        if self.unit is not None and self.unit not in UNITS:
            raise TableError(f"obligation {self.kind!r}: unknown unit {self.unit!r} (one of {UNITS})")
        if self.bearer not in ("agency", "party"):
            raise TableError(f"obligation {self.kind!r}: bearer must be 'agency' or 'party'")


@dataclass(frozen=True)
class Transition:
    """One row of a transition table (流转): from `source` by `action` to `target`.

    - `label`: the action's Chinese name, shown on buttons, in messages and in diagrams ("暂扣").
    - `roles`: `orgs.Role` values that may perform it in the object's agency; empty means only
      the system (a system actor or a system administrator) may.
    - `guards`: callables `(obj, actor, **params) -> None | str`; a string is the Chinese reason
      for refusing. Each guard's docstring (first line, Chinese) is shown in the docs.
    - `params`: the inputs the transition takes, name -> `Param` (or just its Chinese label).
    - `effect`: `(obj, actor, **params) -> dict | None`, sets the object's other fields when it
      moves (e.g. the time it was met) and returns extra ledger payload.
    - `opens` / `closes`: deadlines opened, and kinds of deadlines met, by this transition.
    - `ledger_action`: the ledger's action name (default `<action>_<model name>`).
    - `approval`: the object waits on its approver for this move (立案, 决定, 结案 …): the
      approver's 待我审批 lists the objects where it is allowed now.
    """

    action: str
    source: str | tuple[str, ...]
    target: str
    label: str
    roles: tuple[str, ...] = ()
    guards: tuple[Callable[..., str | None], ...] = ()
    params: dict[str, Param | str] = field(default_factory=dict)
    effect: Callable[..., dict | None] | None = None
    opens: tuple[Opens, ...] = ()
    closes: tuple[str, ...] = ()
    ledger_action: str = ""
    approval: bool = False

    def __post_init__(self):
        set_ = object.__setattr__
        source = (self.source,) if isinstance(self.source, str) else tuple(self.source)
        # Plain strings, so TextChoices members and stored values compare and serialise alike.
        set_(self, "source", tuple(_plain_state(s) for s in source))
        set_(self, "target", _plain_state(self.target))
        set_(self, "roles", tuple(getattr(r, "value", r) for r in self.roles))
        set_(self, "guards", tuple(self.guards))
        set_(self, "opens", tuple(self.opens))
        set_(self, "closes", tuple(self.closes))
        set_(self, "params", {name: p if isinstance(p, Param) else Param(p) for name, p in self.params.items()})

    @property
    def system_only(self) -> bool:
        return not self.roles


def _plain_state(state) -> str:
    return str(getattr(state, "value", state))


def guard_label(guard) -> str:
    doc = (guard.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else guard.__name__


@dataclass(frozen=True)
class Table:
    """状态流转表 — the states of one model's `state_field` and the transitions between them.

    `model` is a model class or an "app_label.Model" label; the model needs an access policy
    (its app's policies.py), which also says which agency owns an object. `subject(obj)` names
    the object in messages ("执法证 43020000001"); `payload(obj)` adds the keys every ledger
    entry of this table carries (read after the move).
    """

    name: str
    label: str
    model: Any
    state_field: str
    states: dict[str, str]
    initial: str
    transitions: tuple[Transition, ...]
    subject: Callable[[Any], str] | None = None
    payload: Callable[[Any], dict] | None = None
    # Side roads: actions `paths()` does not take unless asked — a move that reaches a state sooner
    # than the main road, but only on inputs of its own (不予行政处罚: a proposal without a penalty).
    side_roads: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "transitions", tuple(self.transitions))
        object.__setattr__(self, "side_roads", tuple(self.side_roads))
        object.__setattr__(self, "states", {_plain_state(k): str(v) for k, v in self.states.items()})
        object.__setattr__(self, "initial", _plain_state(self.initial))
        self._validate()

    # ---- validation ---------------------------------------------------------------------------

    def _validate(self):
        from sanxiang.orgs.models import Role

        where = f"transition table {self.name!r}"
        if not self.states:
            raise TableError(f"{where}: no states")
        for value, text in self.states.items():
            if not text:
                raise TableError(f"{where}: state {value!r} has no Chinese label")
        if self.initial not in self.states:
            raise TableError(f"{where}: initial state {self.initial!r} is not a declared state")
        roles = set(Role.values)
        seen = set()
        for t in self.transitions:
            if not t.label:
                raise TableError(f"{where}: action {t.action!r} has no Chinese label")
            for state in (*t.source, t.target):
                if state not in self.states:
                    raise TableError(f"{where}: action {t.action!r} names unknown state {state!r}")
            for source in t.source:
                if (source, t.action) in seen:
                    raise TableError(f"{where}: duplicate pair (state {source!r}, action {t.action!r})")
                seen.add((source, t.action))
            for role in t.roles:
                if role not in roles:
                    raise TableError(f"{where}: action {t.action!r} names unknown role {role!r}")
            for guard in t.guards:
                if not (guard.__doc__ or "").strip():
                    raise TableError(f"{where}: guard {guard.__name__!r} of {t.action!r} needs a docstring "
                                     "(its Chinese description)")
        labels, action_roles = {}, {}
        for t in self.transitions:
            if labels.setdefault(t.action, t.label) != t.label:
                raise TableError(f"{where}: action {t.action!r} has two labels")
            # The access policy grants per (model, action): one set of roles per action.
            if set(action_roles.setdefault(t.action, t.roles)) != set(t.roles):
                raise TableError(f"{where}: action {t.action!r} has two sets of roles")
        unknown = set(self.side_roads) - set(self.actions())
        if unknown:
            raise TableError(f"{where}: side roads {sorted(unknown)} are not actions of the table")
        unreachable = set(self.states) - set(self.paths(avoid=()))
        if unreachable:
            raise TableError(f"{where}: unreachable states {sorted(unreachable)}")
        self._validate_model_choices(where)

    def _validate_model_choices(self, where):
        if isinstance(self.model, str):
            return
        choices = self.model._meta.get_field(self.state_field).choices
        if choices and set(dict(choices)) != set(self.states):
            raise TableError(f"{where}: states {sorted(self.states)} differ from the choices of "
                             f"{self.model.__name__}.{self.state_field} {sorted(dict(choices))}")

    # ---- reading the table --------------------------------------------------------------------

    @property
    def model_class(self):
        return apps.get_model(self.model) if isinstance(self.model, str) else self.model

    def actions(self) -> list[str]:
        return list(dict.fromkeys(t.action for t in self.transitions))

    def action_label(self, action: str) -> str:
        for t in self.transitions:
            if t.action == action:
                return t.label
        return action

    def state_label(self, state) -> str:
        return self.states.get(state, str(state))

    def find(self, state, action) -> Transition | None:
        for t in self.transitions:
            if t.action == action and state in t.source:
                return t
        return None

    def from_state(self, state) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    def terminal_states(self) -> list[str]:
        return [s for s in self.states if not self.from_state(s)]

    def paths(self, avoid=None) -> dict[str, list[str]]:
        """A shortest sequence of actions from the initial state to each reachable state, not taking
        the actions in `avoid` (default: the table's `side_roads`)."""
        avoid = self.side_roads if avoid is None else avoid
        paths = {self.initial: []}
        queue = deque([self.initial])
        while queue:
            state = queue.popleft()
            for t in self.from_state(state):
                if t.action in avoid:
                    continue
                if t.target not in paths:
                    paths[t.target] = [*paths[state], t.action]
                    queue.append(t.target)
        return paths

    def next_state(self, state, action) -> str:
        """The target of (state, action), for actions that move the state as part of a larger act
        (the enclosing action writes the ledger entry). Refuses an undeclared pair."""
        from .engine import not_allowed

        t = self.find(state, action)
        if t is None:
            raise not_allowed(self, None, state, action)
        return t.target

    def ledger_action(self, t: Transition) -> str:
        return t.ledger_action or f"{t.action}_{self.model_class._meta.model_name}"

    def ledger_actions(self) -> list[str]:
        """The ledger action names this table appends (each registered, with its Chinese label,
        by the app's actions.py through `sanxiang.ledger.registry.register_actions`)."""
        return list(dict.fromkeys(self.ledger_action(t) for t in self.transitions))

    # ---- acting (see engine) ------------------------------------------------------------------

    def available(self, obj, user):
        from .engine import available

        return available(obj, user, table=self)

    def apply(self, obj, action, *, actor, locked=None, **params):
        from .engine import apply

        return apply(obj, action, actor=actor, table=self, locked=locked, **params)

    def roles(self, action: str) -> tuple[str, ...]:
        return next((t.roles for t in self.transitions if t.action == action), ())

    def grants(self) -> list[tuple[str, str, dict[str, str]]]:
        """(model label, action, {role: scope}) for the access policy: each declared role within
        the object's agency. System-only actions grant nothing (the system passes every check)."""
        label = self.model_class._meta.label_lower
        return [(label, action, {role: "agency" for role in self.roles(action)})
                for action in self.actions() if self.roles(action)]


_REGISTRY: dict[str, Table] = {}


def register(table: Table) -> Table:
    """Make `table` known to `apply`/`available` on its model, the access policy, the CLI and the
    generated docs."""
    existing = _REGISTRY.get(table.name)
    if existing is not None and existing is not table:
        raise TableError(f"two transition tables are named {table.name!r}")
    for other in _REGISTRY.values():
        if other is table or other.model_class is not table.model_class:
            continue
        for action in set(other.actions()) & set(table.actions()):
            if set(other.roles(action)) != set(table.roles(action)):
                raise TableError(f"tables {other.name!r} and {table.name!r} give action {action!r} on the same "
                                 "model different roles (the access policy keeps one rule per model and action)")
    _REGISTRY[table.name] = table
    if apps.ready:
        grant_roles(table)
    return table


def grant_roles(table: Table) -> None:
    """Put the table's roles into the access policy (`sanxiang.access.policy.grant`), so
    `can(user, action, obj)` and `apply` answer alike. The model needs a registered policy, and
    every ledger action of the table a registered name."""
    from sanxiang.access.policy import grant, policy_for
    from sanxiang.ledger.registry import is_registered

    model = table.model_class
    if policy_for(model) is None:
        raise TableError(f"transition table {table.name!r}: {model._meta.label} has no access policy; "
                         "register one in its app's policies.py")
    unregistered = [name for name in table.ledger_actions() if not is_registered(name)]
    if unregistered:
        raise TableError(f"transition table {table.name!r}: ledger actions {unregistered} are not registered; "
                         "add them with their Chinese labels to register_actions in the app's actions.py")
    for _, action, grants in table.grants():
        grant(model, action, grants)


_discovered = False


def discover() -> None:
    """Import every installed app's `workflows` module, where tables are declared and registered.
    Once per process: the search walks every app (tens of milliseconds), and tables are fixed by code."""
    global _discovered
    if _discovered:
        return
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("workflows")
    _discovered = True


def all_tables() -> list[Table]:
    discover()
    return sorted(_REGISTRY.values(), key=lambda t: t.name)


def get_table(name: str) -> Table:
    discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        from sanxiang.core.errors import NotFound

        known = "、".join(sorted(_REGISTRY)) or "（无）"
        raise NotFound(f"没有名为“{name}”的状态流转表。已有：{known}") from None


def table_for(obj) -> Table:
    """The table that governs `obj`: its model's `workflow_table()` if it has several (a case
    of a given kind), else the one table registered for its model."""
    chooser = getattr(obj, "workflow_table", None)
    if callable(chooser):
        return get_table(chooser())
    discover()
    model = type(obj)._meta.concrete_model
    found = [t for t in _REGISTRY.values() if t.model_class is model]
    if len(found) != 1:
        raise TableError(f"{model.__name__}: {len(found)} transition tables; give the table explicitly")
    return found[0]
