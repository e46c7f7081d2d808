"""The per-day summary counts follow every filing, status change and forwarding, and equal a full recount."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from complaints import intake, recap, workflow
from complaints.models import DailyCount, EventKind, Status


def counts():
    return {
        (row["unit_id"], row["status"]): row["n"]
        for row in DailyCount.objects.values("unit_id", "status").annotate(n=Sum("count")).order_by()
        if row["n"]
    }


@pytest.mark.django_db
def test_counts_follow_filing_and_status_changes_and_match_a_rebuild(unit_tree):
    kanwil = unit_tree["kanwil"]
    made = [
        intake.submit_complaint(
            data=intake.ComplaintInput(
                kind="complaint",
                title=f"Laporan {i}",
                description="x" * 40,
                unit=kanwil,
                identity_mode="anonymous",
                consent=True,
            ),
            files=[],
        )
        for i in range(3)
    ]
    assert counts() == {(kanwil.pk, Status.NEW): 3}
    workflow.move(workflow.locked(made[0]), to_status=Status.VERIFIED, event_kind=EventKind.VERIFIED)
    workflow.move(workflow.locked(made[1]), to_status=Status.REJECTED, event_kind=EventKind.REJECTED)
    assert counts() == {(kanwil.pk, Status.NEW): 1, (kanwil.pk, Status.VERIFIED): 1, (kanwil.pk, Status.REJECTED): 1}
    incremental = counts()
    recap.rebuild()
    assert counts() == incremental


@pytest.mark.django_db
def test_forwarding_moves_the_count_to_the_new_unit(unit_tree):
    complaint = intake.submit_complaint(
        data=intake.ComplaintInput(kind="aspiration", title="Aspirasi warga", description="y" * 40,
                                   unit=unit_tree["kanwil"], identity_mode="anonymous", consent=True),
        files=[],
    )  # fmt: skip
    recap.count_unit(complaint, unit_tree["kanwil"], unit_tree["other"])
    assert counts() == {(unit_tree["other"].pk, Status.NEW): 1}
