"""Reading a row back as stored, cheaply (the ledger digests rows as stored; actions hand back fresh rows)."""

from django.db import connection

_RELOAD: dict[type, tuple[str, list]] = {}


def reload_row(obj, also: str = ""):
    """Like `obj.refresh_from_db()` for concrete fields, but with one raw SELECT: the ORM's
    compiling was half the cost of a ledger append (which digests the row as stored).
    `also` is one more SQL expression evaluated in the same round trip; its value is returned."""
    model = type(obj)
    if model not in _RELOAD:
        meta = model._meta
        fields = list(meta.concrete_fields)
        cols = [f.get_col(meta.db_table) for f in fields]
        sql = "SELECT {} FROM {} WHERE {} = %s".format(
            ", ".join(connection.ops.quote_name(f.column) for f in fields),
            connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column))
        converters = [[*connection.ops.get_db_converters(c), *c.get_db_converters(connection)]
                      for c in cols]
        _RELOAD[model] = (sql, list(zip(fields, cols, converters)))
    sql, plan = _RELOAD[model]
    if also:
        sql = sql.replace(" FROM ", f", {also} FROM ", 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, [obj._meta.pk.get_db_prep_value(obj.pk, connection)])
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"{model._meta.label} {obj.pk} 不存在")
    for (field, col, converters), value in zip(plan, row):
        for converter in converters:
            value = converter(value, col, connection)
        if field.is_relation and getattr(obj, field.attname) != value and field.is_cached(obj):
            field.delete_cached_value(obj)
        setattr(obj, field.attname, value)
    return row[-1] if also else None
