"""Rows written as parts of one PostgreSQL statement, through Django's public field API.

Filing a report writes the report, its first event and its share of the summary tables. Saved one by one
that is a BEGIN, four statements and a COMMIT, each a round trip. PostgreSQL runs the statements of one
message as one implicit transaction (simple query protocol), and a data-modifying WITH lets a statement
insert a row and a row that points to it; so the whole filing can travel as one message: one round trip,
atomic without a transaction block, nothing of it left when any part fails. It works through PgBouncer in
transaction pooling mode (one message is one transaction) and holds no session state.

`insert` renders the INSERT that `instance.save()` would run, with every value made by the field itself
(`Field.pre_save`: defaults, `auto_now_add`; `Field.get_db_prep_save`: the adaptation for this database),
so that the INSERT can be one part of such a statement; `loaded` gives back the stored row as Django builds
the rows it reads (`Model.from_db`).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


def concrete_fields(model: type[Model]) -> list:
    """The model's fields that are columns of its table, in the order Model.from_db takes their values."""
    return [
        field
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and not field.many_to_many and not getattr(field, "generated", False)
    ]


def insert(instance: Model, *, given: dict[str, str] | None = None) -> tuple[str, list]:
    """`INSERT INTO <table> (…) VALUES (…) RETURNING id` for the unsaved `instance`, and its parameters.
    `given` sets a column (by attribute name, e.g. "complaint_id") to SQL instead of a value: the id another
    part of the same statement returns."""
    given = given or {}
    quote = connection.ops.quote_name
    columns, values, params = [], [], []
    for field in concrete_fields(type(instance)):
        if field.primary_key:
            continue  # the database draws the id
        columns.append(quote(field.column))
        if field.attname in given:
            values.append(given[field.attname])
            continue
        value = field.get_db_prep_save(field.pre_save(instance, True), connection)
        if hasattr(value, "resolve_expression"):  # a db_default or an expression: not a value to send
            raise TypeError(f"{type(instance).__name__}.{field.name}: only plain values can be rendered")
        values.append("%s")
        params.append(value)
    table = quote(type(instance)._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)}) RETURNING id"  # noqa: S608
    return sql, params


def loaded(instance: Model, pk: int, **related: Model) -> Model:
    """The stored row of `instance` (inserted through `insert`, its id `pk`) as a saved instance, built by
    Model.from_db like any row read back; `related` are objects to keep on it (e.g. unit=unit) so that reading
    them costs no query."""
    model = type(instance)
    fields = concrete_fields(model)
    values = [pk if field.primary_key else getattr(instance, field.attname) for field in fields]
    row = model.from_db(connection.alias, [field.attname for field in fields], values)
    for name, value in related.items():
        setattr(row, name, value)
    return row
