"""Filing, tracking, the staff's steps, the objection and the bad inputs of issue 16."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from humas import codes
from humas.models import OutboxEmail
from information.handling import workflow
from information.models import InformationRequest, Objection, RequestEvent, Status
from information.tests.conftest import file_request, request_data

pytestmark = pytest.mark.django_db


def test_a_request_is_registered_with_a_number_a_due_date_and_a_code_kept_only_as_a_hash(
    client, unit_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("information:form"), request_data())
    assert response.status_code == 302
    info_request = InformationRequest.objects.get()
    year = info_request.registered_at.year
    assert info_request.number.startswith("001/PPID-KANWIL-TENGAH/")
    assert info_request.number.endswith(f"/{year}")
    receipt = client.get(response["Location"])
    code = receipt.context["code"]
    assert code.startswith("INF-")
    assert info_request.tracking_digest == codes.digest(codes.normalise(code, "INF"))
    assert code.replace("-", "")[3:] not in str(InformationRequest.objects.values().get())
    # the code is shown once: reloading the receipt no longer shows it
    assert client.get(response["Location"]).context["code"] is None
    assert len(mail.outbox) == 1 and code in mail.outbox[0].body
    bare = codes.normalise(code, "INF")
    assert bare not in str(list(OutboxEmail.objects.values_list("context", flat=True)))  # kept sealed, not in clear
    second = file_request(unit_tree["kanwil"])[0]
    assert second.sequence == 2 and second.number.startswith("002/")


def test_the_tracking_code_opens_the_request_in_another_browser_and_the_number_does_not(client, unit_tree):
    info_request, code = file_request(unit_tree["kanwil"])
    from django.test import Client

    other = Client()
    assert other.get(reverse("information:track_detail", args=[info_request.pk])).status_code == 404
    response = other.post(reverse("information:track"), {"code": info_request.number})
    assert response.status_code == 404
    response = other.post(reverse("information:track"), {"code": codes.display(code, "INF").lower()})
    assert response.status_code == 302
    assert other.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nik": "52710112039"}, "nik"),  # not 16 digits
        ({"nik": "5271013213900001"}, "nik"),  # day 32, month 13: impossible birth date
        ({"nik": "5271017102900001"}, "nik"),  # 31 February (71 - 40)
        ({"purpose": ""}, "purpose"),
        ({"requester_kind": "organisation", "organisation": "LSM Transparansi"}, "legal_document"),
        ({"delivery_method": "email", "email": "", "phone": "0812-3456-7890"}, "email"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(client, unit_tree, overrides, field):
    response = client.post(reverse("information:form"), request_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["form"].data["name"] == "Budi Santoso"  # nothing typed is lost
    assert not InformationRequest.objects.exists()


def test_the_api_files_a_request_and_tracks_it_by_code(client, unit_tree):
    data = request_data()
    data.pop("website"), data.pop("started")
    data["consent"] = True
    response = client.post("/api/v1/information-requests/", data, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("001/")
    tracked = client.get(f"/api/v1/information-requests/{body['tracking_code']}/")
    assert tracked.status_code == 200
    assert tracked.json()["number"] == body["number"]
    assert "nik" not in tracked.json() and "Budi" not in tracked.content.decode()
    bad = client.post("/api/v1/information-requests/", {**data, "nik": "123"}, content_type="application/json")
    assert bad.status_code == 400 and "nik" in bad.json()["errors"]


def test_the_ppid_extends_once_before_the_due_date(unit_tree, ppid):
    info_request, _code = file_request(unit_tree["kanwil"])
    due = info_request.due_at
    workflow.extend(info_request, by=ppid, reason="Dokumen tersimpan di arsip daerah.")
    info_request.refresh_from_db()
    assert info_request.status == Status.EXTENDED and info_request.due_at > due
    with pytest.raises(workflow.Refused, match="hanya mengizinkan satu kali perpanjangan"):
        workflow.extend(info_request, by=ppid, reason="Lagi")
    late, _code = file_request(unit_tree["kanwil"])
    InformationRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(workflow.Refused, match="tidak dapat diperpanjang lagi"):
        workflow.extend(late, by=ppid, reason="Terlambat")
    late.refresh_from_db()
    assert late.extended_at is None and late.status == Status.RECEIVED


def test_a_refusal_without_a_ground_is_refused_on_the_staff_page(client, unit_tree, ppid):
    info_request, _code = file_request(unit_tree["kanwil"])
    client.force_login(ppid)
    url = reverse("information_staff:action", args=[info_request.pk, "decide"])
    data = {"outcome": "refused", "decision_text": "Ditolak.", "signer_name": "Siti", "signer_position": "PPID",
            "consequence_test": "Membuka data pribadi."}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400
    assert "exemption" in response.context["actions"][-1][1].errors or any(
        "exemption" in form.errors for _a, form in response.context["actions"]
    )
    info_request.refresh_from_db()
    assert info_request.status == Status.RECEIVED
    response = client.post(url, {**data, "exemption": "h"})
    assert response.status_code == 302
    info_request.refresh_from_db()
    assert info_request.status == Status.REFUSED and info_request.exemption == "h"
    notice = client.get(reverse("information_staff:notice", args=[info_request.pk, "keputusan"]))
    assert notice.status_code == 200 and "Siti" in notice.content.decode()


def test_other_units_requests_answer_404_and_a_wrong_role_403(client, unit_tree, other_ppid, atasan):
    info_request, _code = file_request(unit_tree["kanwil"])
    client.force_login(other_ppid)
    assert client.get(reverse("information_staff:detail", args=[info_request.pk])).status_code == 404
    client.force_login(atasan)
    assert client.get(reverse("information_staff:detail", args=[info_request.pk])).status_code == 200
    response = client.post(reverse("information_staff:action", args=[info_request.pk, "extend"]), {"reason": "x"})
    assert response.status_code == 403
    assert not RequestEvent.objects.filter(kind="extended").exists()


def test_objection_path_filing_by_the_requester_only_within_the_window(client, unit_tree, ppid, atasan):
    info_request, code = file_request(unit_tree["kanwil"])
    workflow.decide(info_request, by=ppid, decision=workflow.Decision(
        outcome="not_held", decision_text="Tidak dikuasai.", signer_name="Siti", signer_position="PPID"))  # fmt: skip
    url = reverse("information:object", args=[info_request.pk])
    from django.test import Client

    stranger = Client()
    assert stranger.post(url, {"grounds": ["not_fulfilled"], "reason": "Saya keberatan"}).status_code == 404
    assert not Objection.objects.exists()
    client.post(reverse("information:track"), {"code": code})
    response = client.post(url, {"grounds": ["not_fulfilled"], "reason": "Saya keberatan"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    workflow.answer_objection(info_request, by=atasan, upheld=False, answer="Tetap.", signer_name="Made",
                              signer_position="Atasan PPID")  # fmt: skip
    objection.refresh_from_db()
    assert objection.commission_deadline is not None
    page = client.get(reverse("information:track_detail", args=[info_request.pk]))
    assert b"data-commission" in page.content


def test_an_objection_after_thirty_working_days_is_refused_with_the_date_it_closed(client, unit_tree, ppid):
    info_request, code = file_request(unit_tree["kanwil"])
    workflow.decide(info_request, by=ppid, decision=workflow.Decision(
        outcome="granted", decision_text="Terlampir.", signer_name="Siti", signer_position="PPID"))  # fmt: skip
    InformationRequest.objects.filter(pk=info_request.pk).update(decided_at=timezone.now() - timedelta(days=60))
    client.post(reverse("information:track"), {"code": code})
    page = client.get(reverse("information:track_detail", args=[info_request.pk]))
    assert page.context["may_object"] is False
    response = client.post(reverse("information:object", args=[info_request.pk]), {"grounds": ["late"], "reason": "x"})
    assert response.status_code == 400
    message = str(response.context["objection_form"].non_field_errors())
    assert "30" in message and str(timezone.now().year) in message
    assert not Objection.objects.exists()


def test_the_schema_documents_the_information_request_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/information-requests/" in schema and "InformationRequestReceipt" in schema


def test_the_admin_shows_requests_without_the_code_hash_or_the_nik(client, superuser, unit_tree):
    info_request, _code = file_request(unit_tree["kanwil"])
    client.force_login(superuser)
    page = client.get(f"/admin/information/informationrequest/{info_request.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert info_request.tracking_digest not in text and info_request.nik not in text


def test_the_ppid_records_a_dispute_date_picked_with_indonesian_month_names(client, unit_tree, ppid, atasan):
    info_request, _code = file_request(unit_tree["kanwil"])
    workflow.decide(info_request, by=ppid, decision=workflow.Decision(
        outcome="not_held", decision_text="Tidak dikuasai.", signer_name="Siti", signer_position="PPID"))  # fmt: skip
    workflow.file_objection(info_request, grounds=["refused_exemption"], reason="Keberatan.")
    workflow.answer_objection(info_request, by=atasan, upheld=False, answer="Tetap.", signer_name="Made",
                              signer_position="Atasan PPID")  # fmt: skip
    client.force_login(ppid)
    page = client.get(reverse("information_staff:detail", args=[info_request.pk])).content.decode()
    assert 'name="filed_on_month"' in page and ">Desember</option>" in page and 'type="date"' not in page
    today = timezone.localdate()
    url = reverse("information_staff:action", args=[info_request.pk, "record_dispute"])
    client.post(url, {"filed_on_day": today.day, "filed_on_month": today.month, "filed_on_year": today.year})
    assert Objection.objects.get(request=info_request).dispute_filed_on == today
