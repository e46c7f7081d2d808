"""humas.sql: rows written together, in one round trip on PostgreSQL and one transaction everywhere."""

from __future__ import annotations

import os

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint, ComplaintEvent, EventKind, Status
from humas import sql
from humas.models import Unit


def new_complaint(unit: Unit, code: str) -> Complaint:
    return Complaint(kind="complaint", unit=unit, title="Lampu jalan mati", description="x" * 40,
                     status=Status.NEW, tracking_code=code)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_rows_that_refer_to_each_other_go_in_one_round_trip():
    unit = Unit.objects.create(name="Biro Humas", slug="biro-humas")
    complaint = new_complaint(unit, "AAAABBBBCCCC")
    event = ComplaintEvent(complaint=complaint, kind=EventKind.SUBMITTED, by_reporter=True, to_status=Status.NEW)
    sql.draw_ids(complaint, event)
    assert complaint.pk and event.pk
    with CaptureQueriesContext(connection) as queries:
        rows = sql.run([sql.insert(complaint), sql.insert(event), sql.Statement("SELECT 41 + 1")])
    assert len(queries) == 1
    assert rows == [(42,)]
    stored = ComplaintEvent.objects.select_related("complaint").get(pk=event.pk)
    assert stored.complaint.pk == complaint.pk and stored.complaint.tracking_code == "AAAABBBBCCCC"
    assert stored.complaint.created_at == complaint.created_at  # auto_now_add filled on the instance
    assert not complaint._state.adding


@pytest.mark.django_db(transaction=True)
def test_a_failing_statement_leaves_none_of_them_written():
    unit = Unit.objects.create(name="Biro Humas", slug="biro-humas")
    new_complaint(unit, "DDDDEEEEFFFF").save()
    first = new_complaint(unit, "GGGGHHHHJJJJ")
    duplicate = new_complaint(unit, "DDDDEEEEFFFF")  # the tracking code is taken: the second INSERT fails
    sql.draw_ids(first, duplicate)
    with pytest.raises(DatabaseError):
        sql.run([sql.insert(first), sql.insert(duplicate)])
    assert list(Complaint.objects.values_list("tracking_code", flat=True)) == ["DDDDEEEEFFFF"]
    # the connection is usable afterwards (no transaction left aborted)
    assert Complaint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_keys_are_drawn_in_blocks_and_a_key_drawn_later_is_larger():
    unit = Unit.objects.create(name="Biro Humas", slug="biro-humas")
    sql._drawn.clear()
    complaints = [new_complaint(unit, f"KKKKMMMM{n:04d}".replace("0", "A")) for n in range(sql.ID_BLOCK + 1)]
    with CaptureQueriesContext(connection) as queries:
        for complaint in complaints:
            sql.draw_ids(complaint)
    assert len(queries) == 2  # one block, then the next one for the last report
    keys = [c.pk for c in complaints]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for complaint in complaints:
        sql.run([sql.insert(complaint)])
    # a row saved the ordinary way takes its key from the sequence now: above every key handed out before
    later = new_complaint(unit, "NNNNPPPPQQQQ")
    later.save()
    assert later.pk > max(keys)


def test_a_forked_process_does_not_hand_out_its_parents_keys():
    sql._drawn.clear()
    sql._drawn["some_seq"] = [10**9 + 2, 10**9 + 1]  # drawn by this process before it forks
    child = os.fork()
    if child == 0:  # the child: it must draw its own keys, not reuse these
        os._exit(0 if sql._drawn == {} else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sql._drawn == {"some_seq": [10**9 + 2, 10**9 + 1]}  # the parent keeps its own
    sql._drawn.clear()


@pytest.mark.django_db(transaction=True)
def test_statements_are_prepared_once_per_connection_and_a_failed_message_starts_afresh():
    unit = Unit.objects.create(name="Biro Humas", slug="biro-humas")
    connection.close()  # a new connection: nothing prepared on it yet
    percent = sql.Statement("SELECT '100%%' || %s, %s::int + 1", ["x", 41])
    with CaptureQueriesContext(connection) as queries:
        assert sql.run([percent]) == [("100%x", 42)]
        assert sql.run([percent]) == [("100%x", 42)]
    first, second = (q["sql"] for q in queries.captured_queries)
    assert "PREPARE" in first and "PREPARE" not in second and "EXECUTE" in second

    taken = new_complaint(unit, "DDDDEEEEFFFF")
    taken.save()
    fresh, duplicate = new_complaint(unit, "GGGGHHHHJJJJ"), new_complaint(unit, "DDDDEEEEFFFF")
    sql.draw_ids(fresh, duplicate)
    with pytest.raises(DatabaseError):
        sql.run([sql.insert(fresh), sql.insert(duplicate)])
    with CaptureQueriesContext(connection) as queries:
        assert sql.run([percent]) == [("100%x", 42)]  # whatever the failed message prepared is dropped first
    assert queries.captured_queries[0]["sql"].startswith("DEALLOCATE ALL")
    again = new_complaint(unit, "KKKKMMMMNNNN")
    sql.draw_ids(again)
    sql.run([sql.insert(again)])
    assert set(Complaint.objects.values_list("tracking_code", flat=True)) == {"DDDDEEEEFFFF", "KKKKMMMMNNNN"}


@pytest.mark.django_db
def test_beyond_the_prepared_limit_statements_are_sent_as_they_are(monkeypatch):
    monkeypatch.setattr(sql, "MAX_PREPARED", len(sql._names))
    with CaptureQueriesContext(connection) as queries:
        assert sql.run([sql.Statement("SELECT %s::int * 2 AS never_prepared", [21])]) == [(42,)]
    assert "PREPARE" not in queries.captured_queries[0]["sql"]
