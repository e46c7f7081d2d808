"""Duplicates receive their answer: the original's public answers reach each duplicate's reporter once, by
e-mail and on their tracking page, without anything internal or the original reporter's identity; staff split
a duplicate off again with its own clock; chains are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from complaints.handling import duplicates, workflow
from complaints.models import Complaint, ComplaintEvent, EventKind, RejectReason, Status
from complaints.tests import test_workflow
from complaints.tests.test_workflow import file
from humas import dates
from humas.errors import Refused
from humas.models import OutboxEmail

S = Status


def put_in(complaint, status):
    with transaction.atomic():  # some tests here commit for real, to see the outbox send
        return test_workflow.put_in(complaint, status)


def original_and_duplicate(unit_tree, officer, *, status=S.IN_PROGRESS, **duplicate_fields):
    filed = file(unit_tree["kanwil"], reporter_name="Budi Rahasia", reporter_email="budi.asli@example.test")
    original = put_in(filed, status)
    original.issued_code = filed.issued_code
    fields = {"reporter_name": "Siti Aminah", "reporter_email": "siti@example.test", **duplicate_fields}
    duplicate = file(unit_tree["kanwil"], **fields)
    workflow.mark_duplicate(duplicate, by=officer, original=original)
    reloaded = Complaint.objects.get(pk=duplicate.pk)
    reloaded.issued_code = duplicate.issued_code  # the code shown once at filing, for the tests to look for
    return original, reloaded


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.mark.django_db(transaction=True)
def test_each_answer_of_the_original_reaches_the_duplicate_once_without_internal_notes_or_identity(unit_tree, officer):
    original, duplicate = original_and_duplicate(unit_tree, officer)
    mail.outbox.clear()
    workflow.add_internal_note(original, by=officer, note="CATATAN-INTERNAL pelapor Budi minta cepat")
    workflow.assign(original, by=officer, officer=officer, note="TIM-A-INTERNAL")
    response = workflow.add_response(original, by=officer, message="Tim kami sudah meninjau lokasi.")
    workflow.resolve(original, by=officer, message="Lubang sudah ditambal.")
    workflow.close(original, by=officer)

    to_duplicate = mails_to("siti@example.test")
    assert len(to_duplicate) == 3  # response, resolution, closing
    bodies = [m.subject + m.body + m.alternatives[0][0] for m in to_duplicate]
    assert "Tim kami sudah meninjau lokasi." in bodies[0] and "Lubang sudah ditambal." in bodies[1]
    for body in bodies:
        assert "Siti Aminah" in body  # their own name
        for secret in ("CATATAN-INTERNAL", "TIM-A-INTERNAL", "Budi Rahasia", "budi.asli@example.test"):
            assert secret not in body
        assert original.issued_code not in body and duplicate.issued_code not in body
    # the original's reporter got their own updates, not the duplicate's
    assert all(m.to == ["budi.asli@example.test"] for m in mail.outbox if m not in to_duplicate)

    # passing the same answer on again sends nothing more
    assert duplicates.pass_on(ComplaintEvent.objects.get(pk=response.pk)) == 1  # the keyed row exists already
    assert OutboxEmail.objects.filter(key__startswith=f"duplicate-answer:{duplicate.pk}:").count() == 3
    assert len(mails_to("siti@example.test")) == 3


@pytest.mark.django_db(transaction=True)
def test_the_original_reporters_rating_comment_is_not_passed_on(unit_tree, officer):
    original, duplicate = original_and_duplicate(unit_tree, officer, status=S.RESOLVED)
    mail.outbox.clear()
    workflow.rate(original, score=2, comment="KOMENTAR-PRIBADI Budi")
    assert mails_to("siti@example.test") == []
    assert "KOMENTAR-PRIBADI" not in "".join(e.public_message for e in duplicates.original_answers(duplicate))


@pytest.mark.django_db
def test_the_tracking_page_of_a_duplicate_shows_the_originals_answer_and_nothing_internal(client, unit_tree, officer):
    original, duplicate = original_and_duplicate(unit_tree, officer)
    workflow.add_internal_note(original, by=officer, note="CATATAN-INTERNAL")
    assert client.post("/pengaduan/lacak/", {"code": duplicate.issued_code}).status_code == 302  # its session
    page = client.get(f"/pengaduan/lacak/{duplicate.pk}/").content.decode()
    assert "Jawaban atas laporan asal" in page and "Belum ada jawaban" in page
    workflow.add_response(original, by=officer, message="Perbaikan dijadwalkan pekan depan.")
    page = client.get(f"/pengaduan/lacak/{duplicate.pk}/").content.decode()
    assert "Perbaikan dijadwalkan pekan depan." in page
    assert "CATATAN-INTERNAL" not in page and "Budi Rahasia" not in page and original.issued_code not in page


@pytest.mark.django_db
def test_a_report_that_is_not_a_duplicate_shows_no_original(client, unit_tree):
    complaint = file(unit_tree["kanwil"])
    assert duplicates.original_answers(complaint) == []
    assert client.post("/pengaduan/lacak/", {"code": complaint.issued_code}).status_code == 302  # its session
    assert "Jawaban atas laporan asal" not in client.get(f"/pengaduan/lacak/{complaint.pk}/").content.decode()


@pytest.mark.django_db
def test_a_duplicate_chain_is_refused_both_ways(unit_tree, officer):
    a = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    b = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    c = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    workflow.mark_duplicate(b, by=officer, original=a)
    with pytest.raises(Refused) as onto_a_duplicate:  # C → B while B → A
        workflow.mark_duplicate(c, by=officer, original=b)
    assert onto_a_duplicate.value.code == "duplicate_chain" and f"#{a.pk}" in onto_a_duplicate.value.message
    with pytest.raises(Refused) as original_becomes_duplicate:  # A → C while B → A
        workflow.mark_duplicate(a, by=officer, original=c)
    assert original_becomes_duplicate.value.code == "duplicate_chain"
    a.refresh_from_db()
    c.refresh_from_db()
    assert (a.status, a.duplicate_of_id, c.status) == (S.VERIFIED, None, S.VERIFIED)


@pytest.mark.django_db
def test_a_chain_refused_in_the_console_keeps_the_form_and_says_why(client, unit_tree, officer):
    a = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    b = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    workflow.mark_duplicate(b, by=officer, original=a)
    client.force_login(officer)
    response = client.post(
        f"/staf/pengaduan/{a.pk}/mark_duplicate/", {"original": str(b.pk), "message": "Pesan yang saya ketik"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        f"Laporan yang dipilih sendiri adalah duplikat dari laporan #{a.pk}" in page and "Pesan yang saya ketik" in page
    )


@pytest.mark.django_db(transaction=True)
def test_splitting_a_duplicate_returns_it_to_its_status_with_its_own_clock(unit_tree, officer):
    original = put_in(file(unit_tree["kanwil"]), S.IN_PROGRESS)
    duplicate = put_in(file(unit_tree["kanwil"], reporter_email="siti@example.test"), S.IN_PROGRESS)
    due_before = timezone.now() + timedelta(days=20)
    Complaint.objects.filter(pk=duplicate.pk).update(resolution_due_at=due_before)
    workflow.mark_duplicate(duplicate, by=officer, original=original)
    # the duplicate stood for a while: the marking is dated ten days back
    marked = ComplaintEvent.objects.get(complaint=duplicate, kind=EventKind.DUPLICATE)
    ten_days_ago = timezone.now() - timedelta(days=10)
    ComplaintEvent.objects.filter(pk=marked.pk).update(created_at=ten_days_ago)
    mail.outbox.clear()

    event = workflow.split_duplicate(duplicate, by=officer)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of_id, duplicate.reject_reason, duplicate.closed_at) == (
        S.IN_PROGRESS, None, "", None
    )  # fmt: skip
    tz = unit_tree["kanwil"].time_zone
    paused = dates.working_days_between(
        dates.to_local(ten_days_ago, tz).date(), dates.to_local(timezone.now(), tz).date()
    )
    assert paused >= 5
    expected = dates.to_local(due_before, tz)
    moved = dates.add_working_days(expected.date(), paused)
    assert dates.to_local(duplicate.resolution_due_at, tz).date() == moved
    assert event.kind == EventKind.SPLIT and event.from_status == S.REJECTED and event.to_status == S.IN_PROGRESS
    assert len(mails_to("siti@example.test")) == 1  # told the report is handled on its own again
    # no longer a duplicate: the original's answers stop reaching it
    mail.outbox.clear()
    workflow.add_response(original, by=officer, message="Jawaban untuk laporan asal.")
    assert mails_to("siti@example.test") == []


@pytest.mark.django_db
def test_a_new_report_split_off_gets_its_verification_deadline_back(unit_tree, officer):
    original = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    duplicate = file(unit_tree["kanwil"])
    workflow.mark_duplicate(duplicate, by=officer, original=original)
    workflow.split_duplicate(duplicate, by=officer)
    duplicate.refresh_from_db()
    assert duplicate.status == S.NEW and duplicate.verification_due_at is not None


@pytest.mark.django_db
def test_only_a_duplicate_may_be_split_and_only_by_a_handler_of_its_unit(
    unit_tree, officer, viewer, other_unit_officer
):
    plain = file(unit_tree["kanwil"])
    workflow.reject(plain, by=officer, reason=RejectReason.INCOMPLETE, message="Kurang data.")
    with pytest.raises(Refused) as not_a_duplicate:
        workflow.split_duplicate(plain, by=officer)
    assert not_a_duplicate.value.status == 409
    assert "split_duplicate" not in {
        a.name for a in workflow.allowed_actions(officer, Complaint.objects.get(pk=plain.pk))
    }

    original = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    duplicate = file(unit_tree["kanwil"])
    workflow.mark_duplicate(duplicate, by=officer, original=original)
    duplicate = Complaint.objects.get(pk=duplicate.pk)
    assert "split_duplicate" in {a.name for a in workflow.allowed_actions(officer, duplicate)}
    with pytest.raises(Refused) as forbidden:
        workflow.split_duplicate(duplicate, by=viewer)
    assert forbidden.value.status == 403
    with pytest.raises(Refused) as hidden:
        workflow.split_duplicate(duplicate, by=other_unit_officer)
    assert hidden.value.status == 404


@pytest.mark.django_db
def test_the_console_splits_a_duplicate(client, unit_tree, officer):
    original = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    duplicate = file(unit_tree["kanwil"])
    workflow.mark_duplicate(duplicate, by=officer, original=original)
    client.force_login(officer)
    page = client.get(f"/staf/pengaduan/{duplicate.pk}/").content.decode()
    assert "Pisahkan dari laporan asal" in page
    original_page = client.get(f"/staf/pengaduan/{original.pk}/").content.decode()
    assert "Pisahkan dari laporan asal" not in original_page and duplicate.display_reference in original_page
    response = client.post(f"/staf/pengaduan/{duplicate.pk}/split_duplicate/", {"message": ""})
    assert response.status_code == 302
    assert Complaint.objects.get(pk=duplicate.pk).status == S.NEW


def test_the_split_action_leads_back_to_the_statuses_a_duplicate_comes_from():
    action = workflow.ACTIONS["split_duplicate"]
    assert action.sources == {S.REJECTED} and action.returns_to == set(workflow.ACTIONS["mark_duplicate"].sources)
    for status in action.returns_to:
        assert workflow.may_move(S.REJECTED, status)
    assert not workflow.may_move(S.REJECTED, S.RESOLVED)


@pytest.mark.django_db
def test_the_tracking_api_of_a_duplicate_carries_the_originals_answers(client, unit_tree, officer):
    original, duplicate = original_and_duplicate(unit_tree, officer)
    workflow.add_internal_note(original, by=officer, note="CATATAN-INTERNAL")
    workflow.add_response(original, by=officer, message="Sudah kami jadwalkan.")
    response = client.get(f"/api/v1/complaints/{duplicate.issued_code}/")
    assert response.status_code == 200
    answers = response.json()["original_answers"]
    assert [(a["kind"], a["message"]) for a in answers] == [("response", "Sudah kami jadwalkan.")]
    assert "CATATAN-INTERNAL" not in response.content.decode() and "Budi Rahasia" not in response.content.decode()
