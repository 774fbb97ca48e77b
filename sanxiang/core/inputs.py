"""Input checking (输入检查): the few rules every app applies to what a person or a client sends — a
date, a text, a whole number, the acting user — in one place, each refusal a `RuleViolation` (400)
naming the field in Chinese and by its key (`field`), never a silent fallback.

- `day`: a date given as a date (a datetime counts as its local day) or an ISO string "2026-03-02";
  nothing means today (`empty=TODAY`), no date (`empty=None`) or a refusal (`empty=REQUIRED`), as the
  caller says; anything else is refused — a bad date never quietly becomes today.
- `text`: stripped text with a label, a field, a maximum length, required or not, and no control
  characters (core/text.py's rule, code `control_characters`).
- `integer`: a whole number, optionally within bounds.
- `request_user`: the logged-in user of an API request, else 401 `NotAuthenticated`.
- `acting_user`: the user row behind an actor (None for a system actor or a visitor) — what a ledger
  entry or a `created_by` column stores.

Each caller keeps its own wording where its pages or tests rely on it (`empty=`/`invalid=`/… message
templates with `{label}`, `{value}`, `{max_length}`); the defaults are the house wording.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .errors import NotAuthenticated, RuleViolation
from .text import check_no_controls

TODAY = "today"
REQUIRED = "required"

EMPTY_TEXT = "请填写{label}。"
NOT_TEXT = "{label}必须是文字。"
TOO_LONG = "{label}过长（最多 {max_length} 字）。"
INVALID_DATE = "{label}“{value}”无效，应为 YYYY-MM-DD。"
EMPTY_DATE = "请填写{label}。"
FUTURE_DATE = "{label}不能晚于今天。"
INVALID_INT = "{label}“{value}”不是整数。"
OUT_OF_RANGE = "{label}应在 {minimum} 到 {maximum} 之间。"
TOO_SMALL = "{label}不能小于 {minimum}。"
TOO_LARGE = "{label}不能大于 {maximum}。"


def day(value, *, field: str = "on", label: str = "日期", empty=TODAY, not_after_today: bool = False,
        invalid: str = INVALID_DATE, required: str = EMPTY_DATE, future: str = FUTURE_DATE) -> dt.date | None:
    """A date input; `empty` says what nothing ("" or None) means: `TODAY`, `None` or `REQUIRED`."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        if empty == TODAY:
            return timezone.localdate()
        if empty == REQUIRED:
            raise RuleViolation(required.format(label=label), field=field)
        return None
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    elif not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(value if isinstance(value, str) else "")
        except ValueError:
            raise RuleViolation(invalid.format(label=label, value=value), field=field) from None
    if not_after_today and value > timezone.localdate():
        raise RuleViolation(future.format(label=label, value=value), field=field)
    return value


def text(value, *, label: str, field: str, max_length: int, required: bool = True,
         empty: str = EMPTY_TEXT, not_text: str = NOT_TEXT, too_long: str = TOO_LONG) -> str:
    """Stripped text: refused when not text, empty while `required`, longer than `max_length`, or holding
    control characters (NUL …)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RuleViolation(not_text.format(label=label), field=field)
    value = value.strip()
    if required and not value:
        raise RuleViolation(empty.format(label=label), field=field)
    if len(value) > max_length:
        raise RuleViolation(too_long.format(label=label, max_length=max_length), field=field)
    return check_no_controls(value, label, field)


def integer(value, *, label: str, field: str, minimum: int | None = None, maximum: int | None = None,
            required: bool = True, invalid: str = INVALID_INT, empty: str = EMPTY_TEXT) -> int | None:
    """A whole number (an int, or its decimal text); None for nothing when not `required`."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        if required:
            raise RuleViolation(empty.format(label=label), field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise RuleViolation(invalid.format(label=label, value=value), field=field)
    try:
        number = int(value)
    except ValueError:
        raise RuleViolation(invalid.format(label=label, value=value), field=field) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        rule = OUT_OF_RANGE if None not in (minimum, maximum) else TOO_SMALL if maximum is None else TOO_LARGE
        raise RuleViolation(rule.format(label=label, minimum=minimum, maximum=maximum), field=field)
    return number


def request_user(request):
    """The logged-in user of an API request; 401 without one."""
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    return request.user


def acting_user(actor):
    """The user row behind `actor`: None for a system actor (its name is in the ledger entry) or anyone
    without a row (a visitor, nobody)."""
    from sanxiang.access.actors import is_system_actor

    if actor is None or is_system_actor(actor) or getattr(actor, "pk", None) is None:
        return None
    return actor
