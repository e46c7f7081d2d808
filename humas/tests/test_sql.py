"""humas.sql: rows written together, in one round trip on PostgreSQL and one transaction everywhere."""

from __future__ import annotations

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
