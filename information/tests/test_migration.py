"""Item 7: complaints of kind information_request become requests, twice without harm."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from complaints.handling import workflow as complaint_workflow
from complaints.models import Complaint, IdentityMode, Kind
from complaints.public import intake as complaint_intake
from information.models import InformationRequest, RequestEvent

migration = importlib.import_module("information.migrations.0002_move_information_request_complaints")


def complaint(unit, *, kind=Kind.INFORMATION_REQUEST, mode=IdentityMode.NAMED, title="Salinan anggaran 2025"):
    named = mode == IdentityMode.NAMED
    return complaint_intake.submit_complaint(
        data=complaint_intake.ComplaintInput(
            kind=kind, title=title, description="Mohon salinan realisasi anggaran tahun 2025 per program kegiatan.",
            unit=unit, identity_mode=mode, reporter_name="Rina" if named else "",
            reporter_email="rina@example.test" if named else "", consent=True,
        ),
        files=[],
    )  # fmt: skip


@pytest.mark.django_db
def test_information_complaints_move_in_order_with_their_events_and_their_codes_keep_working(unit_tree, officer):
    first = complaint(unit_tree["kanwil"])
    second = complaint(unit_tree["kanwil"], mode=IdentityMode.ANONIM, title="Data penerima bantuan")
    complaint_workflow.verify(second, by=officer)
    complaint_workflow.resolve(Complaint.objects.get(pk=second.pk), by=officer, message="Data terlampir di situs.")
    ordinary = complaint(unit_tree["kanwil"], kind=Kind.COMPLAINT, title="Jalan rusak di depan kantor")

    migration.move_complaints(apps, None)
    migration.move_complaints(apps, None)  # a second run changes nothing

    moved = list(InformationRequest.objects.order_by("sequence"))
    assert [r.legacy_complaint_id for r in moved] == [first.pk, second.pk]
    assert [r.sequence for r in moved] == [1, 2] and moved[0].number.startswith("001/")
    assert moved[0].status == "received" and moved[0].email == "rina@example.test"
    assert moved[1].status == "granted" and moved[1].name == "Identitas dirahasiakan" and moved[1].email == ""
    assert moved[1].decision_text == "Data terlampir di situs."
    copied = RequestEvent.objects.filter(request=moved[1])
    assert copied.count() == second.events.count() - 1 + 1  # its events (the closing one is new) and "moved"
    assert not InformationRequest.objects.filter(legacy_complaint_id=ordinary.pk).exists()

    first.refresh_from_db()
    assert first.status == "closed" and moved[0].number in first.events.last().public_message
    assert Complaint.objects.get(pk=ordinary.pk).status == "new"

    client = Client()
    response = client.post(reverse("information:track"), {"code": first.issued_code})
    assert response.status_code == 302 and response["Location"].endswith(f"/informasi/lacak/{moved[0].pk}/")


@pytest.mark.slow
@pytest.mark.django_db
def test_the_migration_on_the_demo_data(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 — the demo moves its own too
    legacy = Complaint.objects.filter(kind=Kind.INFORMATION_REQUEST)
    assert legacy.exists()
    before = InformationRequest.objects.count()
    assert InformationRequest.objects.exclude(legacy_complaint_id=None).count() == legacy.count()
    migration.move_complaints(apps, None)
    assert InformationRequest.objects.count() == before
    assert not legacy.filter(status__in=["new", "verified", "in_progress", "waiting_reporter"]).exists()
