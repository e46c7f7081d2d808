"""First answers in HandlingTime: kept by the workflow as they happen, equal to a rebuild and to what the
migration that introduced them computes for the reports answered before it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from complaints.handling import workflow
from complaints.models import HandlingTime, Metric, Status
from complaints.reporting import summaries

from .test_workflow import file, put_in

pytestmark = pytest.mark.django_db

migration = importlib.import_module("complaints.migrations.0008_handling_time_first_answer")


def respond_rows() -> set[tuple]:
    rows = HandlingTime.objects.filter(metric=Metric.RESPOND, count__gt=0)
    return set(rows.values_list("unit_id", "month", "bucket", "count", "on_time"))


def test_first_answers_are_counted_as_they_happen_like_a_rebuild_and_the_migration(unit_tree, officer):
    answered = put_in(file(unit_tree["kanwil"]), Status.IN_PROGRESS)
    workflow.add_response(answered, by=officer, message="Sedang kami periksa.")
    workflow.add_response(answered, by=officer, message="Perbaikan dijadwalkan.")  # the first answer counts once
    resolved = put_in(file(unit_tree["satker"]), Status.IN_PROGRESS)
    workflow.resolve(resolved, by=officer, message="Sudah diperbaiki.")  # resolving is also the first answer
    put_in(file(unit_tree["satker"]), Status.VERIFIED)  # not answered yet
    live = respond_rows()
    assert sum(row[3] for row in live) == 2 and sum(row[4] for row in live) == 2
    summaries.rebuild()
    assert respond_rows() == live
    HandlingTime.objects.filter(metric=Metric.RESPOND).delete()
    migration.count_first_answers(apps, None)
    assert respond_rows() == live
