"""Issue 15 item 9 for information requests: past the term after a request is finished, nothing identifying
the requester is left in its row, its legal-entity document or its e-mails, nor in the PPID report; the
request, its decision, its number and the statistics stay; an unfinished request is untouched; the requester
downloads what the portal holds from the tracking page."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.tests.test_retention import rows_holding
from humas import retention
from humas.models import OutboxEmail
from information import retention as information_retention
from information.handling import workflow
from information.models import InformationRequest, Objection, ObjectionStatus
from information.tests.conftest import file_request, request_data
from information.tests.test_files_and_limits import PDF

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Ayu Ratnaningsih Wulandari", "ayu.wulandari@example.test"
ORGANISATION, ADDRESS, PHONE = "Yayasan Ratnaningsih Terbuka", "Jl. Kenari Sembilan 77, Ampenan", "0819-5555-3131"
NIK = "5271014507880002"  # a person's NIK (a woman born 5 July 1988)
IDENTIFYING = [NAME, "Ratnaningsih", NIK, EMAIL, "Kenari Sembilan", "55553131", "akta_ratna"]


def decide(info_request, ppid, outcome="granted"):
    workflow.decide(info_request, by=ppid, decision=workflow.Decision(
        outcome=outcome, decision_text="Dokumen realisasi anggaran terlampir.", signer_name="Siti",
        signer_position="PPID"))  # fmt: skip
    return InformationRequest.objects.get(pk=info_request.pk)


def age(info_request, days: int) -> None:
    InformationRequest.objects.filter(pk=info_request.pk).update(decided_at=timezone.now() - timedelta(days=days))


def test_past_the_term_nothing_identifying_is_left_while_unfinished_requests_are_untouched(
    client, settings, tmp_path, unit_tree, ppid, django_capture_on_commit_callbacks
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    data = request_data(
        requester_kind="organisation", name=NAME, nik="", organisation=ORGANISATION, address=ADDRESS, phone=PHONE,
        email=EMAIL,
    )  # fmt: skip
    data["legal_document"] = SimpleUploadedFile("akta_ratna.pdf", PDF, content_type="application/pdf")
    assert client.post(reverse("information:form"), data).status_code == 302
    finished = decide(InformationRequest.objects.get(), ppid)
    document = tmp_path / finished.legal_document.name
    assert document.exists()
    assert OutboxEmail.objects.filter(key__startswith="information-update:").exists()  # the decision's e-mail
    kanwil = unit_tree["kanwil"]
    person = decide(file_request(kanwil, name="Putri Ratnaningsih", nik=NIK, email="putri@example.test")[0], ppid)
    still_open, _code = file_request(kanwil, name="Rahmat Hidayat", email="rahmat@example.test")
    objected = decide(file_request(kanwil, name="Dewi Lestari", email="dewi@example.test")[0], ppid, "not_held")
    workflow.file_objection(objected, grounds=["not_fulfilled"], reason="Saya keberatan.")
    within_window = decide(file_request(kanwil, name="Joko Susilo", email="joko@example.test")[0], ppid)
    for item in (finished, person, objected):
        age(item, 800)
    age(within_window, 725)  # decided before the cutoff, but its objection window closed after it
    assert len(rows_holding(IDENTIFYING)) >= 2, "the test data never reached the tables"

    staff = Client()
    staff.force_login(ppid)
    received_before = staff.get(reverse("information_reports:report")).context["report"].total.received

    later = timezone.now() + timedelta(days=1)
    with (
        mock.patch.object(timezone, "now", return_value=later),  # the clock moved past the term
        django_capture_on_commit_callbacks(execute=True),  # the file goes once the erasure commits
    ):
        assert retention.run()["information"] == 2
        assert retention.run()["information"] == 0  # a second run changes nothing

    erased = InformationRequest.objects.get(pk=finished.pk)
    assert (erased.name, erased.nik, erased.organisation, erased.address, erased.phone, erased.email) == ("",) * 6
    assert not erased.legal_document and not document.exists()
    assert erased.anonymised_at == later
    assert InformationRequest.objects.filter(pk=person.pk, name="", nik="", anonymised_at=later).exists()
    assert erased.number == finished.number and erased.status == "granted"  # the request and its decision stay
    assert erased.decision_text == "Dokumen realisasi anggaran terlampir." and erased.events.count() >= 2
    assert not OutboxEmail.objects.filter(key=f"information-receipt:{erased.pk}").exists()
    assert rows_holding(IDENTIFYING) == []
    # the unfinished ones keep their requester: open, an objection awaiting its answer, a window closing late
    for item in (still_open, objected, within_window):
        kept = InformationRequest.objects.get(pk=item.pk)
        assert kept.name == item.name and kept.email and kept.anonymised_at is None
        assert OutboxEmail.objects.filter(key=f"information-receipt:{item.pk}").exists()

    detail = staff.get(reverse("information_staff:detail", args=[erased.pk])).content.decode()
    assert "Data pemohon dihapus pada" in detail and finished.number in detail

    report = staff.get(reverse("information_reports:report"))
    assert report.context["report"].total.received == received_before == 5  # the statistics stay
    xlsx = staff.get(reverse("information_reports:report") + "?format=xlsx")
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        text = " ".join(book.read(name).decode(errors="replace") for name in book.namelist())
    assert "Laporan" in text and not [value for value in IDENTIFYING if value in text]


def test_the_term_after_an_objection_runs_from_the_dispute_deadline(unit_tree, ppid, atasan):
    info_request = decide(file_request(unit_tree["kanwil"])[0], ppid, "not_held")
    workflow.file_objection(info_request, grounds=["not_fulfilled"], reason="Saya keberatan.")
    assert information_retention.finished_at(InformationRequest.objects.get(pk=info_request.pk)) is None
    workflow.answer_objection(
        info_request, by=atasan, upheld=False, answer="Tetap.", signer_name="Made", signer_position="Atasan PPID"
    )
    objection = Objection.objects.get()
    assert objection.status == ObjectionStatus.REJECTED
    assert information_retention.finished_at(InformationRequest.objects.get(pk=info_request.pk)) == (
        objection.commission_deadline
    )
    age(info_request, 900)  # the decision is old, the answer to the objection is not: not yet
    with mock.patch.object(timezone, "now", return_value=timezone.now() + timedelta(days=700)):
        assert information_retention.purge(timezone.now()) == 0
    with mock.patch.object(timezone, "now", return_value=timezone.now() + timedelta(days=800)):
        assert information_retention.purge(timezone.now()) == 1
    assert InformationRequest.objects.get(pk=info_request.pk).email == ""


def test_the_requester_downloads_what_the_portal_holds_from_the_tracking_session_only(client, unit_tree):
    data = request_data(name=NAME, address=ADDRESS, phone=PHONE, email=EMAIL)
    assert client.post(reverse("information:form"), data).status_code == 302
    info_request = InformationRequest.objects.get()
    url = reverse("information:my_data", args=[info_request.pk])
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == f'attachment; filename="permohonan-informasi-{info_request.pk}.json"'
    held = json.loads(response.content)
    assert held["number"] == info_request.number
    requester = held["requester"]
    assert (requester["name"], requester["nik"], requester["email"]) == (NAME, "5271011203900001", EMAIL)
    assert held["history"][0]["kind"] == "received" and "internal_note" not in response.content.decode()
    assert Client().get(url).status_code == 404  # a stranger
    page = client.get(reverse("information:track_detail", args=[info_request.pk])).content.decode()
    assert url in page and "Data pribadi Anda" in page
