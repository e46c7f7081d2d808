"""Writing several rows in one round trip, for the hot paths (a citizen's report is four rows).

PostgreSQL runs the statements of one simple-query message as one transaction when none is open (and as part
of the open one otherwise), so `run` sends them together there: a failure in any of them leaves none of them
written. Rows that refer to each other get their primary keys beforehand from their tables' sequences
(`draw_ids`: each process draws them in blocks, so most reports need no round trip for them). Elsewhere
(SQLite, the embedded mode) the statements run one after the other inside `transaction.atomic`, and an
inserted instance learns its key from the cursor."""

from __future__ import annotations

import os
import re
import weakref
from dataclasses import dataclass, field
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction


@dataclass
class Statement:
    sql: str = ""
    params: list = field(default_factory=list)
    obj: models.Model | None = None  # an INSERT of this unsaved instance, built when it runs


def insert(obj: models.Model) -> Statement:
    """The INSERT of an unsaved model instance, with the values save() would write (auto_now fields and
    defaults are filled on the instance as save() does; foreign keys are read from the related instances
    when the statement runs, so they may be inserted earlier in the same `run`). No model signals are sent."""
    for model_field in obj._meta.local_concrete_fields:
        model_field.pre_save(obj, True)  # fills auto_now(_add) fields now, so the caller can use them
    return Statement(obj=obj)


def one_round_trip() -> bool:
    """PostgreSQL: `run` sends its statements together and `draw_ids` draws keys beforehand."""
    return connection.vendor == "postgresql"


@cache
def _sequence(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        return cursor.fetchone()[0]


ID_BLOCK = 32  # keys a process draws from a sequence at once (unused ones are gaps, as rollbacks leave)
_drawn: dict[str, list[int]] = {}  # sequence -> keys drawn by this process and not used yet, largest first
os.register_at_fork(after_in_child=_drawn.clear)  # a forked process must not hand out its parent's keys again


def draw_ids(*objs: models.Model) -> None:
    """Give unsaved instances their primary keys from their tables' sequences (PostgreSQL), so that rows
    referring to them can go in the same `run`. Keys come from blocks this process drew earlier (one round
    trip per ID_BLOCK rows); a key drawn later is larger than every key drawn before it, so rows of one report
    still sort in the order they were made. Elsewhere they get their keys as they are inserted."""
    if not one_round_trip() or not objs:
        return
    sequences = [_sequence(o._meta.db_table, o._meta.pk.column) for o in objs]
    short = sorted(s for s in set(sequences) if len(_drawn.get(s, ())) < sequences.count(s))
    if short:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s, nextval(s::regclass) FROM unnest(%s::text[]) AS s, generate_series(1, %s)",
                [short, ID_BLOCK],
            )
            for sequence, key in cursor.fetchall():
                _drawn.setdefault(sequence, []).append(key)
        for sequence in short:
            _drawn[sequence].sort(reverse=True)
    for obj, sequence in zip(objs, sequences, strict=True):
        obj.pk = _drawn[sequence].pop()


@cache
def _columns(model: type[models.Model], with_pk: bool) -> tuple[str, tuple[models.Field, ...]]:
    """The INSERT's head and the fields it writes, per model (built once per process)."""
    ops = connections[DEFAULT_DB_ALIAS].ops
    written = tuple(f for f in model._meta.local_concrete_fields if with_pk or not f.primary_key)
    columns = ", ".join(ops.quote_name(f.column) for f in written)
    placeholders = ", ".join(["%s"] * len(written))
    return f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({placeholders})", written  # noqa: S608


def _built(statement: Statement) -> tuple[str, list]:
    obj = statement.obj
    if obj is None:
        return statement.sql, statement.params
    obj._prepare_related_fields_for_save(operation_name="save")
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: each read through the proxy costs
    head, written = _columns(type(obj), obj.pk is not None)
    return head, [f.get_db_prep_save(getattr(obj, f.attname), connection=db) for f in written]


def run(statements: list[Statement]) -> list[tuple]:
    """Run the statements as one transaction (or within the open one); returns the rows of the last one."""
    with connection.cursor() as cursor:
        if one_round_trip():
            built = [_built(s) for s in statements]
            driver = connection.connection
            message, new_names = _prepared_message(driver, [sql for sql, _ in built])
            try:
                cursor.execute(message, [p for _, params in built for p in params])
            except BaseException:
                _prepared[driver] = None  # some of the message's PREPAREs may have run: start afresh next time
                raise
            _prepared[driver] |= new_names
            rows = cursor.fetchall() if cursor.description else []
        else:
            with transaction.atomic():
                for statement in statements:
                    cursor.execute(*_built(statement))
                    if statement.obj is not None and statement.obj.pk is None:
                        statement.obj.pk = cursor.lastrowid
                rows = cursor.fetchall() if cursor.description else []
    for statement in statements:
        if statement.obj is not None:
            statement.obj._state.adding, statement.obj._state.db = False, connection.alias
    return rows


# PostgreSQL parses and plans each kind of statement `run` sends once per database connection, not for every
# report: the first message of a connection that carries it says PREPARE … AS …, later ones say EXECUTE.
MAX_PREPARED = 100  # kinds of statement a process prepares; any further ones are sent as they are
_names: dict[str, tuple[str, str, int]] = {}  # statement text -> (name, PREPARE statement, placeholders)
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # driver connection -> names prepared on it


def _prepared_message(driver, texts: list[str]) -> tuple[str, set[str]]:
    """The message that runs `texts` as prepared statements on `driver`, and the names it prepares."""
    known = _prepared.get(driver)
    parts = []
    if known is None:
        if driver in _prepared:  # a message failed half-way on this connection: forget what it prepared
            parts.append("DEALLOCATE ALL")
        known = _prepared[driver] = set()
    new_names: set[str] = set()
    for text in texts:
        prepared = _names.get(text)
        if prepared is None and len(_names) < MAX_PREPARED:
            prepared = _names[text] = _prepare(f"humas_{len(_names) + 1}", text)
        if prepared is None:
            parts.append(text)
            continue
        name, statement, placeholders = prepared
        if name not in known and name not in new_names:
            parts.append(statement)
            new_names.add(name)
        parts.append(f"EXECUTE {name} ({', '.join(['%s'] * placeholders)})" if placeholders else f"EXECUTE {name}")
    return ";\n".join(parts), new_names


def _prepare(name: str, text: str) -> tuple[str, str, int]:
    """PREPARE with PostgreSQL's placeholders ($1, $2…) for psycopg2's (%s); a literal percent sign (%%) stays."""
    count = 0

    def number(match: re.Match) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%%"
        count += 1
        return f"${count}"

    return name, f"PREPARE {name} AS {re.sub(r'%%|%s', number, text)}", count
