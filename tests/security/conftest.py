"""Helpers of the security tests: file a report through the real intake, sign a user in, fingerprint the
tables a hostile request must leave alone."""

from __future__ import annotations

import pytest
from django.test import Client

from complaints.models import Attachment, Complaint, ComplaintEvent
from humas.models import OutboxEmail


def file_report(unit, **extra) -> Complaint:
    from complaints.public import intake

    data = intake.ComplaintInput(
        kind="complaint", title="Lampu jalan padam di Jl. Udayana", description="Tiga lampu padam sejak dua minggu.",
        unit=unit, reporter_name="Budi Santoso", reporter_email="budi@example.test", reporter_phone="+6281234567890",
        consent=True,
    )  # fmt: skip
    for key, value in extra.items():
        setattr(data, key, value)
    return intake.submit_complaint(data=data, files=[])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def snapshot() -> tuple:
    """What a refused request must not have changed: the reports (status, assignee, rating, duplicate),
    their events and attachments, and the outbox."""
    reports = tuple(
        Complaint.objects.order_by("pk").values_list("pk", "status", "assigned_to_id", "rating", "duplicate_of_id",
                                                     "unit_id", "updated_at")
    )  # fmt: skip
    return (
        reports,
        ComplaintEvent.objects.count(),
        Attachment.objects.count(),
        OutboxEmail.objects.count(),
    )


@pytest.fixture(autouse=True)
def _no_form_delay(settings):
    settings.COMPLAINT_FORM_MIN_SECONDS = 0


@pytest.fixture
def report(unit_tree):
    return file_report(unit_tree["kanwil"])


@pytest.fixture
def other_report(unit_tree):
    return file_report(unit_tree["other"], title="Pungutan di loket Kanwil Timur")
