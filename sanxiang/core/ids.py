"""Rows looked up by an id a user typed or put in a path."""

MAX_ID_DIGITS = 18  # below 2**63: a longer number overflows the database's integer


def row_by_id(queryset, value, field: str = "pk"):
    """The row of `queryset` whose `field` is the integer `value` names, or None — for any text: not
    a plain ASCII number (`str.isdigit` also accepts "²" and "١", which `int` refuses or reads
    differently) or too long for the database is simply not found."""
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS):
        return None
    return queryset.filter(**{field: int(text)}).first()
