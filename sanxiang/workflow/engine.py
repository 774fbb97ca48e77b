"""Acting on a transition table: `available()` for the interfaces, `apply()` for the one write.

`apply` runs in one transaction: lock the row, refuse a stale state (`Conflict`), check
permission (`NotPermitted`), the table and the guards (`RuleViolation`), write the new state,
append one ledger entry, meet and open the transition's deadlines. A refusal writes nothing.
`available` asks the same questions without writing, so an interface never offers what
`apply` would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction

from sanxiang.access.policy import agency_code_of, agency_of, can
from sanxiang.core.errors import Conflict, NotFound, NotPermitted, RuleViolation, join_reasons  # noqa: F401

from .tables import Table, Transition, table_for


@dataclass(frozen=True)
class Option:
    """One action the UI may show for an object: whether `user` may take it now, and if not why."""

    transition: Transition
    allowed: bool
    reason: str = ""

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def label(self) -> str:
        return self.transition.label


# ---- who may ------------------------------------------------------------------------------------

def _permitted(user, transition: Transition, obj, table: Table) -> bool:
    """May `user` perform `transition` on `obj`? Asked of the access policy, into which each
    registered table granted its roles (in the object's agency) when the apps were ready; a
    system actor or system administrator always may."""
    return can(user, transition.action, obj)


def _permission_message(table: Table, transition: Transition, obj) -> str:
    if transition.system_only:
        return f"“{transition.label}”只能由系统执行。"
    from sanxiang.orgs.models import Agency, Role

    code = agency_code(table, obj)
    name = Agency.objects.filter(code=code).values_list("name", flat=True).first() or code
    roles = "、".join(Role(r).label for r in transition.roles)
    return f"只有“{name}”的{roles}或系统管理员可以对{subject(table, obj)}执行“{transition.label}”。"


# ---- describing the object ----------------------------------------------------------------------

def agency_code(table: Table, obj) -> str:
    """The code of the agency that owns `obj`, as its access policy says (ledger entries and
    deadlines are filed under it)."""
    return agency_code_of(obj)


def subject(table: Table, obj) -> str:
    """How messages name `obj` ("执法证 43020000001 "), spaced so Chinese text can follow."""
    text = table.subject(obj) if obj is not None and table.subject is not None else ""
    text = text or str(table.model_class._meta.verbose_name)
    return f"{text} " if text[-1].isascii() and text[-1].isalnum() else text


def not_allowed(table: Table, obj, state, action) -> RuleViolation:
    label = table.action_label(action)
    return RuleViolation(f"{subject(table, obj)}的当前状态为“{table.state_label(state)}”，不能执行“{label}”。",
                         code="transition_not_allowed", field="action")


def _plain(value):
    """Ledger payloads hold names and keys, not model instances."""
    if isinstance(value, models.Model):
        if hasattr(value, "get_username"):
            return value.get_username()
        return f"{value._meta.label_lower}:{value.pk}"
    return value


def _clean_params(t: Transition, params: dict) -> dict:
    unknown = sorted(set(params) - set(t.params))
    if unknown:
        raise RuleViolation(f"“{t.label}”不接受以下输入：{'、'.join(unknown)}。", code="unknown_param",
                            field=unknown[0])
    clean = {}
    for name, spec in t.params.items():
        value = params.get(name)
        if spec.text and value is not None:
            if not isinstance(value, str):
                raise RuleViolation(f"{spec.label}必须是文字。", field=name)
            value = value.strip()
            if len(value) > spec.max_length:
                raise RuleViolation(f"{spec.label}过长（最多 {spec.max_length} 字）。", field=name)
        if spec.required and value in (None, ""):
            raise RuleViolation(f"{spec.label}不能为空。", field=name)
        if name in params:
            clean[name] = value
    return clean




def refusals(t: Transition, obj, actor, params: dict | None = None) -> list[str]:
    """The guards' reasons for refusing `t` on `obj` now (empty: the guards allow it)."""
    reasons = []
    for guard in t.guards:
        reason = guard(obj, actor, **(params or {}))
        if reason:
            reasons.append(reason)
    return reasons


# ---- reading ------------------------------------------------------------------------------------

def available(obj, user, *, table: Table | None = None, actions=None, permitted=None,
              reasons: bool = True) -> list[Option]:
    """The actions of `obj`'s current state, each allowed for `user` or refused with a Chinese
    reason. Guards are asked without inputs (the form asks for those). For a page that lists rows
    with some of their moves: `actions`, only these (nothing asked of the others); `permitted`, action →
    the pks `user` may take it on, asked once for the page's rows (`permitted_for`) instead of the policy
    per row and move; `reasons=False`, a refused move is not explained (the page shows only the allowed:
    no message looked up, the guards asked until the first refuses)."""
    table = table or table_for(obj)
    options = []
    for t in table.from_state(getattr(obj, table.state_field)):
        if actions is not None and t.action not in actions:
            continue
        allowed = obj.pk in permitted[t.action] if permitted is not None and t.action in permitted \
            else _permitted(user, t, obj, table)
        if not allowed:
            options.append(Option(t, False, _permission_message(table, t, obj) if reasons else ""))
            continue
        if not reasons:
            options.append(Option(t, not _refused(t, obj, user)))
            continue
        refused = refusals(t, obj, user)
        options.append(Option(t, not refused, join_reasons(refused)))
    return options


def _refused(t: Transition, obj, actor) -> bool:
    """Does any guard refuse `t` on `obj` now? (`refusals` without asking the rest once one has.)"""
    return any(guard(obj, actor) for guard in t.guards)


def permitted_for(objs, user, actions) -> dict[str, set]:
    """Action → the pks of `objs` (rows of one table's model) `user` may take it on: the access policy
    asked once per action for all the rows (`available(..., permitted=)`)."""
    from sanxiang.access.policy import permitted_pks

    objs = list(objs)
    return {action: permitted_pks(user, action, objs) for action in sorted(set(actions))}


# ---- writing ------------------------------------------------------------------------------------

_listeners: list = []


def on_applied(listener):
    """Register `listener(table, transition, obj, actor, params)`, called after every applied move
    inside its transaction (a refusal — an exception — refuses the move). Registering twice is once.
    The cases app uses it to tell other apps that a decision was made (`cases/decisions.py`)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def apply(obj, action: str, *, actor, table: Table | None = None, locked=None, **params):
    """Perform `action` on `obj` as `actor` (see the module docstring). Returns the updated row;
    `obj` itself is updated too, so the caller's copy is not left stale. `locked`: the same row,
    already read with `select_for_update()` by the caller in its open transaction (not read again)."""
    return _apply(table or table_for(obj), obj, action, actor, params, check_permission=True, locked=locked)


def apply_consequence(obj, action: str, *, actor, table: Table | None = None, locked=None, **params):
    """Like `apply`, for a move that follows from an act the actor was already permitted (a case
    transition meeting its deadline): the table and guards are checked, permission is not."""
    return _apply(table or table_for(obj), obj, action, actor, params, check_permission=False, locked=locked)


def _apply(table: Table, obj, action, actor, params, *, check_permission, locked=None):
    from sanxiang.ledger.actions import append_entry  # not at import: this package is an app

    if action not in table.actions():
        raise RuleViolation(f"“{table.label}”没有“{action}”这一操作。", code="unknown_action", field="action")
    model, field = table.model_class, table.state_field
    if locked is not None and (locked.pk != obj.pk or not transaction.get_connection().in_atomic_block):
        raise ValueError("`locked` must be the same row, locked in the caller's open transaction")
    with transaction.atomic():
        if locked is None:
            locked = model._default_manager.select_for_update().filter(pk=obj.pk).first()
        if locked is None:
            raise NotFound(f"{subject(table, obj)}不存在或已被删除。")
        seen, current = getattr(obj, field), getattr(locked, field)
        if seen != current:
            raise Conflict(f"{subject(table, locked)}的状态已被他人改为“{table.state_label(current)}”"
                           f"（您看到的是“{table.state_label(seen)}”），请刷新后重试。", field=field)
        t = table.find(current, action)
        if check_permission:
            asked = t or next(x for x in table.transitions if x.action == action)
            # Permission first: someone who may not act learns nothing about the state.
            if not _permitted(actor, asked, locked, table):
                raise NotPermitted(_permission_message(table, asked, locked))
        if t is None:
            raise not_allowed(table, locked, current, action)
        params = _clean_params(t, params)
        reasons = refusals(t, locked, actor, params)
        if reasons:
            raise RuleViolation(join_reasons(reasons), reasons=reasons, code="guard_refused")

        setattr(locked, field, t.target)
        extra = t.effect(locked, actor, **params) if t.effect else None
        locked.save()
        code = agency_code(table, locked)
        payload = {"from": current, "to": t.target, **(table.payload(locked) if table.payload else {}),
                   **{k: _plain(v) for k, v in params.items()}, **(extra or {})}
        append_entry(action=table.ledger_action(t), actor=actor, obj=locked, agency=code, payload=payload)
        _meet(t, locked, code, actor)
        _open(t, locked, code, actor, params)
        for listener in list(_listeners):  # other apps' consequences, in the same transaction
            listener(table, t, locked, actor, params)
    for f in model._meta.concrete_fields:
        setattr(obj, f.attname, getattr(locked, f.attname))
    return locked


def _meet(t: Transition, obj, code, actor):
    if not t.closes:
        return
    from sanxiang.deadlines.actions import meet_obligations_of

    meet_obligations_of(object_type=obj.ledger_type(), object_id=obj.pk, kinds=t.closes, actor=actor)


def _open(t: Transition, obj, code, actor, params):
    if not t.opens:
        return
    from django.utils import timezone

    from sanxiang.deadlines.actions import do_open_obligation
    from sanxiang.deadlines.engine import DeadlineError

    units = obj.obligation_units() if hasattr(obj, "obligation_units") else ()
    owner = agency_of(obj) or code  # the row's agency as already loaded, else resolved from its code
    for spec in t.opens:
        start = spec.start(obj, params) if spec.start else timezone.localdate()
        try:
            do_open_obligation(object_type=obj.ledger_type(), object_id=obj.pk, agency=owner, kind=spec.kind,
                               start=start, count=spec.count, unit=spec.unit, rule=spec.rule, duty=spec.duty,
                               units=units, bearer=spec.bearer, actor=actor)
        except DeadlineError as exc:
            # A rule missing from the agency's profile: refuse the whole transition, saying which.
            raise RuleViolation(f"无法开启时限“{spec.kind}”：{exc.message}", code="obligation_not_opened") from None
