"""The organisation's legal document and the answer's file stay private; throttles; notices; query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from information.handling import workflow
from information.models import InformationRequest, Objection
from information.tests.conftest import file_request, request_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def test_an_organisation_attaches_its_legal_document_which_only_the_ppid_downloads(client, unit_tree, ppid, viewer):
    data = request_data(requester_kind="organisation", organisation="LSM Transparansi", nik="")
    data["legal_document"] = SimpleUploadedFile("akta.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("information:form"), data)
    assert response.status_code == 302, response.context["form"].errors
    info_request = InformationRequest.objects.get()
    assert info_request.organisation == "LSM Transparansi" and info_request.nik == ""
    url = reverse("information_staff:file", args=[info_request.pk, "dokumen"])
    assert client.get(url).status_code == 302  # the requester's browser is sent to sign in
    staff = Client()
    staff.force_login(ppid)
    download = staff.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    staff.force_login(viewer)
    assert staff.get(url).status_code == 403


def test_a_disguised_legal_document_is_refused_and_nothing_is_stored(client, unit_tree):
    data = request_data(requester_kind="organisation", organisation="LSM Transparansi", nik="")
    data["legal_document"] = SimpleUploadedFile("akta.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("information:form"), data)
    assert response.status_code == 400 and "legal_document" in response.context["form"].errors
    assert not InformationRequest.objects.exists()


def test_the_api_answers_429_once_an_address_sent_too_many(client, unit_tree, settings):
    settings.INFORMATION_SUBMIT_LIMIT = 1
    data = {k: v for k, v in request_data(consent=True).items() if k not in ("website", "started")}
    assert client.post("/api/v1/information-requests/", data, content_type="application/json").status_code == 201
    again = client.post("/api/v1/information-requests/", data, content_type="application/json")
    assert again.status_code == 429 and again.json()["detail"]
    assert InformationRequest.objects.count() == 1


def test_the_requester_reads_the_extension_notice_and_is_told_by_email(
    client, unit_tree, ppid, django_capture_on_commit_callbacks
):
    info_request, code = file_request(unit_tree["satker"])  # a unit below the PPID's
    client.post(reverse("information:track"), {"code": code})
    notice = reverse("information:notice", args=[info_request.pk, "perpanjangan"])
    assert client.get(notice).status_code == 404  # nothing to notify yet
    with django_capture_on_commit_callbacks(execute=True):
        workflow.extend(info_request, by=ppid, reason="Data dihimpun dari tiga bidang.")
    page = client.get(notice)
    assert page.status_code == 200 and "Data dihimpun dari tiga bidang." in page.content.decode()
    assert any("Data dihimpun dari tiga bidang." in m.body for m in mail.outbox)
    assert client.get(reverse("information:notice", args=[info_request.pk, "keputusan"])).status_code == 404


def test_a_granted_file_reaches_the_requester_through_the_session_only(client, unit_tree, ppid):
    info_request, code = file_request(unit_tree["kanwil"])
    staff = Client()
    staff.force_login(ppid)
    response = staff.post(
        reverse("information_staff:action", args=[info_request.pk, "decide"]),
        {"outcome": "granted", "decision_text": "Terlampir.", "signer_name": "Siti", "signer_position": "PPID",
         "answer_file": SimpleUploadedFile("lra.pdf", PDF, content_type="application/pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    url = reverse("information:answer_file", args=[info_request.pk])
    assert client.get(url).status_code == 404
    client.post(reverse("information:track"), {"code": code})
    assert b"".join(client.get(url).streaming_content) == PDF


def test_an_ignored_request_may_be_objected_to_once_its_due_date_passed(unit_tree):
    info_request, _code = file_request(unit_tree["kanwil"])
    with pytest.raises(workflow.Refused):
        workflow.file_objection(info_request, grounds=["ignored"], reason="Tidak dijawab.")
    InformationRequest.objects.filter(pk=info_request.pk).update(due_at=timezone.now() - timedelta(days=1))
    info_request.refresh_from_db()
    objection = workflow.file_objection(info_request, grounds=["ignored", "bogus"], reason="Tidak dijawab.")
    assert objection.grounds == ["ignored"]
    with pytest.raises(workflow.Refused):
        workflow.file_objection(info_request, grounds=["ignored"], reason="Lagi.")
    assert Objection.objects.count() == 1


def test_the_queue_reads_a_fixed_number_of_queries_however_many_requests(
    client, unit_tree, ppid, django_assert_max_num_queries
):
    client.force_login(ppid)
    file_request(unit_tree["kanwil"])
    with django_assert_max_num_queries(12):
        client.get(reverse("information_staff:queue") + "?tampil=semua")
    for _ in range(15):
        file_request(unit_tree["satker"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("information_staff:queue") + "?tampil=semua")
    assert len(response.context["rows"]) == 16


def test_the_atasan_of_another_unit_cannot_answer_and_a_ppid_cannot_answer_objections(unit_tree, ppid):
    info_request, _code = file_request(unit_tree["kanwil"])
    InformationRequest.objects.filter(pk=info_request.pk).update(due_at=timezone.now() - timedelta(days=1))
    info_request.refresh_from_db()
    workflow.file_objection(info_request, grounds=["ignored"], reason="Tidak dijawab.")
    other_atasan = make_staff("atasan_timur", "atasan_ppid", unit_tree["other"])
    for user in (ppid, other_atasan):
        with pytest.raises(workflow.Refused):
            workflow.answer_objection(info_request, by=user, upheld=True, answer="x", signer_name="a",
                                      signer_position="b")  # fmt: skip
    assert Objection.objects.get().status == "filed"
