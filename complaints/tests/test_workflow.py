"""The workflow table tried pair by pair, each action's effects, SLA pause, auto-close, the digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from complaints.handling import digest, sla, workflow
from complaints.models import Complaint, ComplaintEvent, EventKind, Status
from complaints.public import intake
from humas import dates
from humas.errors import Refused
from humas.models import CollectiveLeaveDay, OutboxEmail

S = Status


def file(unit, **extra) -> Complaint:
    data = intake.ComplaintInput(
        kind="complaint", title="Lampu jalan padam di Jl. Udayana", description="Tiga lampu padam sejak dua minggu.",
        unit=unit, reporter_name="Budi", reporter_email="budi@example.test", consent=True,
    )  # fmt: skip
    for key, value in extra.items():
        setattr(data, key, value)
    return intake.submit_complaint(data=data, files=[])


def put_in(complaint: Complaint, status: str) -> Complaint:
    """Bring a fresh report to `status` through the internal door (no permission checks)."""
    paths = {
        S.NEW: [],
        S.VERIFIED: [S.VERIFIED],
        S.REJECTED: [S.REJECTED],
        S.IN_PROGRESS: [S.VERIFIED, S.IN_PROGRESS],
        S.WAITING_REPORTER: [S.VERIFIED, S.IN_PROGRESS, S.WAITING_REPORTER],
        S.RESOLVED: [S.VERIFIED, S.IN_PROGRESS, S.RESOLVED],
        S.CLOSED: [S.VERIFIED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED],
    }
    locked = workflow.locked(complaint)
    for step in paths[status]:
        workflow.move(locked, to_status=step, event_kind=EventKind.NOTE)
    return Complaint.objects.get(pk=complaint.pk)


CALLS = {
    "verify": lambda c, u, other: workflow.verify(c, by=u),
    "reject": lambda c, u, other: workflow.reject(c, by=u, reason="incomplete", message="Data kurang."),
    "mark_duplicate": lambda c, u, other: workflow.mark_duplicate(c, by=u, original=other),
    "forward": lambda c, u, other: workflow.forward(c, by=u, to_unit=other.unit, note="Mohon ditindaklanjuti"),
    "assign": lambda c, u, other: workflow.assign(c, by=u, officer=u),
    "respond": lambda c, u, other: workflow.add_response(c, by=u, message="Sedang kami cek."),
    "request_info": lambda c, u, other: workflow.request_information(c, by=u, message="Mohon foto lokasi."),
    "resume": lambda c, u, other: workflow.resume(c, by=u),
    "add_note": lambda c, u, other: workflow.add_internal_note(c, by=u, note="Catatan"),
    "resolve": lambda c, u, other: workflow.resolve(c, by=u, message="Sudah diperbaiki."),
    "close": lambda c, u, other: workflow.close(c, by=u),
    "reopen": lambda c, u, other: workflow.reopen(c, by=u, message="Belum tuntas."),
}

# expected outcome of each staff action from each status, written out from the issue: the status it leads to,
# or None when the action is refused there
EXPECTED = {
    "verify": {S.NEW: S.VERIFIED},
    "reject": {S.NEW: S.REJECTED, S.VERIFIED: S.REJECTED},
    "mark_duplicate": {S.NEW: S.REJECTED, S.VERIFIED: S.REJECTED, S.IN_PROGRESS: S.REJECTED},
    "forward": {S.VERIFIED: S.VERIFIED, S.IN_PROGRESS: S.IN_PROGRESS},
    "assign": {S.VERIFIED: S.IN_PROGRESS, S.IN_PROGRESS: S.IN_PROGRESS},
    "respond": {S.VERIFIED: S.VERIFIED, S.IN_PROGRESS: S.IN_PROGRESS, S.WAITING_REPORTER: S.WAITING_REPORTER},
    "request_info": {S.VERIFIED: S.WAITING_REPORTER, S.IN_PROGRESS: S.WAITING_REPORTER},
    "resume": {S.WAITING_REPORTER: S.IN_PROGRESS},
    "add_note": {s: s for s in S},
    "resolve": {S.VERIFIED: S.RESOLVED, S.IN_PROGRESS: S.RESOLVED, S.WAITING_REPORTER: S.RESOLVED},
    "close": {S.RESOLVED: S.CLOSED},
    "reopen": {S.RESOLVED: S.IN_PROGRESS},
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(CALLS))
@pytest.mark.parametrize("status", list(S))
def test_every_action_from_every_status(unit_tree, admin, action, status):
    """admin of the kanwil may handle; the 'other' report lives in the other branch but the root admin sees it."""
    from conftest import make_staff

    root_admin = make_staff("root_admin", "admin", unit_tree["root"])
    complaint = put_in(file(unit_tree["kanwil"]), status)
    other = file(unit_tree["other"])
    events_before = ComplaintEvent.objects.filter(complaint=complaint).count()
    expected = EXPECTED[action].get(status)
    if expected is None:
        with pytest.raises(Refused) as refused:
            CALLS[action](complaint, root_admin, other)
        assert refused.value.status == 409
        complaint.refresh_from_db()
        assert complaint.status == status
        assert ComplaintEvent.objects.filter(complaint=complaint).count() == events_before
    else:
        event = CALLS[action](complaint, root_admin, other)
        complaint.refresh_from_db()
        assert complaint.status == expected
        assert event.to_status == expected and event.from_status == status
        assert ComplaintEvent.objects.filter(complaint=complaint).count() == events_before + 1


REPORTER_CALLS = {
    "rate": lambda c: workflow.rate(c, score=4, comment="Cepat."),
    "object": lambda c: workflow.object_to_resolution(c, reason="Belum diperbaiki."),
    "add_information": lambda c: workflow.add_information(c, message="Ini fotonya."),
}

# the reporter's actions from each status: "add_information" is the table's add_information while the report
# is open, and its answer_request (back to work) while it waits for the reporter
REPORTER_EXPECTED = {
    "rate": {S.RESOLVED: S.CLOSED},
    "object": {S.RESOLVED: S.IN_PROGRESS},
    "add_information": {S.NEW: S.NEW, S.VERIFIED: S.VERIFIED, S.IN_PROGRESS: S.IN_PROGRESS,
                        S.WAITING_REPORTER: S.IN_PROGRESS},
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(REPORTER_CALLS))
@pytest.mark.parametrize("status", list(S))
def test_every_reporter_action_from_every_status(unit_tree, action, status):
    complaint = put_in(file(unit_tree["kanwil"]), status)
    events_before = ComplaintEvent.objects.filter(complaint=complaint).count()
    expected = REPORTER_EXPECTED[action].get(status)
    if expected is None:
        with pytest.raises(Refused) as refused:
            REPORTER_CALLS[action](complaint)
        assert refused.value.status == 409
        complaint.refresh_from_db()
        assert complaint.status == status
        assert ComplaintEvent.objects.filter(complaint=complaint).count() == events_before
    else:
        event = REPORTER_CALLS[action](complaint)
        complaint.refresh_from_db()
        assert complaint.status == expected
        assert event.by_reporter and event.actor_id is None
        assert event.to_status == expected and event.from_status == status
        assert ComplaintEvent.objects.filter(complaint=complaint).count() == events_before + 1


def test_the_reporter_actions_are_rows_of_the_table():
    for name in ("rate", "object", "add_information", "answer_request"):
        assert workflow.ACTIONS[name].by == workflow.REPORTER
    assert set(REPORTER_EXPECTED["rate"]) == set(workflow.ACTIONS["rate"].sources)
    assert set(REPORTER_EXPECTED["object"]) == set(workflow.ACTIONS["object"].sources)
    adds = workflow.ACTIONS["add_information"].sources | workflow.ACTIONS["answer_request"].sources
    assert set(REPORTER_EXPECTED["add_information"]) == adds
    assert workflow.ACTIONS["answer_request"].target == S.IN_PROGRESS


@pytest.mark.django_db
def test_events_are_written_complete_and_never_updated(unit_tree, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    complaint = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    with CaptureQueriesContext(connection) as queries:
        assigned = workflow.assign(complaint, by=officer, officer=officer, note="Tim A", request_id="r1")
        waiting = workflow.request_information(complaint, by=officer, message="Mohon foto.", request_id="r2")
        resumed = workflow.resume(complaint, by=officer, note="Foto sudah ada", request_id="r3")
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("UPDATE")]
    assert not [sql for sql in updates if "complaints_complaintevent" in sql.lower()]
    stored = {e.pk: e for e in ComplaintEvent.objects.filter(pk__in=[assigned.pk, waiting.pk, resumed.pk])}
    assert (stored[assigned.pk].assignee_id, stored[assigned.pk].request_id) == (officer.pk, "r1")
    assert (stored[resumed.pk].internal_note, stored[resumed.pk].request_id) == ("Foto sudah ada", "r3")


def test_the_table_and_the_expectations_agree():
    for name, expected in EXPECTED.items():
        action = workflow.ACTIONS[name]
        assert set(expected) == set(action.sources), name


@pytest.mark.django_db
def test_a_viewer_may_not_act_and_another_unit_does_not_even_see(unit_tree, viewer, other_unit_officer):
    complaint = file(unit_tree["kanwil"])
    with pytest.raises(Refused) as forbidden:
        workflow.verify(complaint, by=viewer)
    assert forbidden.value.status == 403
    with pytest.raises(Refused) as hidden:
        workflow.verify(complaint, by=other_unit_officer)
    assert hidden.value.status == 404
    complaint.refresh_from_db()
    assert complaint.status == S.NEW


@pytest.mark.django_db
def test_the_same_form_sent_twice_is_applied_once(unit_tree, officer):
    complaint = put_in(file(unit_tree["kanwil"]), S.IN_PROGRESS)
    workflow.add_response(complaint, by=officer, message="Jawaban", request_id="abc123")
    with pytest.raises(Refused) as again:
        workflow.add_response(complaint, by=officer, message="Jawaban", request_id="abc123")
    assert again.value.code == "duplicate_submit"
    assert complaint.events.filter(kind=EventKind.RESPONSE).count() == 1


@pytest.mark.django_db
def test_verification_sets_the_resolution_deadline_by_the_category_tier(unit_tree, officer, categories):
    complaint = file(unit_tree["kanwil"], category=categories["jalan"])  # 60 working days
    workflow.verify(complaint, by=officer)
    complaint.refresh_from_db()
    expected = dates.deadline(complaint.verified_at, 60, "Asia/Makassar")
    assert complaint.resolution_due_at == expected


@pytest.mark.django_db(transaction=True)
def test_public_changes_are_mailed_to_the_reporter_and_internal_notes_never(unit_tree, officer):
    complaint = file(unit_tree["kanwil"])
    mail.outbox.clear()
    workflow.verify(complaint, by=officer, message="Kami verifikasi.")
    workflow.assign(complaint, by=officer, officer=officer, note="RAHASIA-INTERNAL")
    workflow.add_internal_note(complaint, by=officer, note="CATATAN-DALAM")
    workflow.resolve(complaint, by=officer, message="Sudah selesai diperbaiki.")
    bodies = [m.body + m.alternatives[0][0] for m in mail.outbox]
    assert len(mail.outbox) == 2  # verified, resolved
    assert "Kami verifikasi." in bodies[0] and "Sudah selesai diperbaiki." in bodies[1]
    assert all("RAHASIA-INTERNAL" not in b and "CATATAN-DALAM" not in b for b in bodies)
    assert all(m.to == ["budi@example.test"] for m in mail.outbox)


@pytest.mark.django_db
def test_forwarding_hands_the_report_to_the_other_unit_at_once(unit_tree, officer, other_unit_officer):
    complaint = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    workflow.forward(complaint, by=officer, to_unit=unit_tree["other"], note="Bukan wilayah kami")
    complaint.refresh_from_db()
    assert complaint.unit == unit_tree["other"]
    from complaints.handling import queue

    assert complaint in queue.visible(other_unit_officer)
    assert complaint not in queue.visible(officer)


@pytest.mark.django_db
def test_assigning_someone_who_does_not_handle_the_unit_is_refused(unit_tree, officer, other_unit_officer):
    complaint = put_in(file(unit_tree["kanwil"]), S.VERIFIED)
    with pytest.raises(Refused):
        workflow.assign(complaint, by=officer, officer=other_unit_officer)
    complaint.refresh_from_db()
    assert complaint.status == S.VERIFIED and complaint.assigned_to is None


@pytest.mark.django_db
def test_waiting_for_the_reporter_pauses_the_clock(unit_tree, officer):
    complaint = put_in(file(unit_tree["kanwil"]), S.IN_PROGRESS)
    base = timezone.now()
    Complaint.objects.filter(pk=complaint.pk).update(resolution_due_at=base + timedelta(days=30))
    complaint.refresh_from_db()
    before = complaint.resolution_due_at
    workflow.request_information(complaint, by=officer, message="Mohon foto.")
    complaint.refresh_from_db()
    assert sla.current_due(complaint) is None and not sla.is_overdue(complaint, base + timedelta(days=365))
    # the reporter answers 7 calendar days later: the deadline moves by the working days that passed
    Complaint.objects.filter(pk=complaint.pk).update(waiting_since=base - timedelta(days=7))
    complaint.refresh_from_db()
    intake.add_information(complaint, message="Ini fotonya.", files=[])
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS and complaint.waiting_since is None
    tz = "Asia/Makassar"
    paused = dates.working_days_between(
        dates.to_local(base - timedelta(days=7), tz).date(), dates.to_local(timezone.now(), tz).date()
    )
    assert paused >= 4
    expected_day = dates.add_working_days(dates.to_local(before, tz).date(), paused)
    assert dates.to_local(complaint.resolution_due_at, tz).date() == expected_day
    assert complaint.events.filter(kind=EventKind.INFO_ADDED, by_reporter=True, to_status=S.IN_PROGRESS).exists()


@pytest.mark.django_db
def test_overdue_and_due_soon_filters_match_the_per_report_rules(unit_tree):
    now = timezone.now()
    late = file(unit_tree["kanwil"])
    Complaint.objects.filter(pk=late.pk).update(verification_due_at=now - timedelta(hours=1))
    soon = file(unit_tree["kanwil"])
    Complaint.objects.filter(pk=soon.pk).update(verification_due_at=now + timedelta(hours=2))
    far = file(unit_tree["kanwil"])
    Complaint.objects.filter(pk=far.pk).update(verification_due_at=now + timedelta(days=20))
    overdue = set(Complaint.objects.filter(sla.overdue_q(now)).values_list("pk", flat=True))
    due_soon = set(Complaint.objects.filter(sla.due_soon_q(now)).values_list("pk", flat=True))
    assert overdue == {late.pk}
    assert due_soon == {soon.pk}
    for c in Complaint.objects.all():
        assert sla.is_overdue(c, now) == (c.pk in overdue)
        assert sla.is_due_soon(c, now) == (c.pk in due_soon)


@pytest.mark.django_db
def test_deadlines_skip_holidays_and_collective_leave(unit_tree):
    CollectiveLeaveDay.objects.create(date=dates.date(2026, 8, 18), description="Cuti bersama (uji)")
    filed = dates.datetime(2026, 8, 14, 2, 0, tzinfo=dates.ZoneInfo("UTC"))  # Friday
    # Mon 17 Aug is Independence Day and Tue 18 a collective-leave day: 3 working days end on Fri 21
    assert dates.deadline(filed, 3, "Asia/Jakarta").date() == dates.date(2026, 8, 21)


@pytest.mark.django_db
def test_resolved_reports_close_themselves_after_ten_working_days(unit_tree, officer):
    complaint = put_in(file(unit_tree["kanwil"]), S.RESOLVED)
    assert workflow.auto_close_due() == 0
    Complaint.objects.filter(pk=complaint.pk).update(resolved_at=timezone.now() - timedelta(days=30))
    assert workflow.auto_close_due() == 1
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED
    assert complaint.events.filter(kind=EventKind.CLOSED, actor__isnull=True, by_reporter=False).exists()
    assert workflow.auto_close_due() == 0


@pytest.mark.django_db(transaction=True)
def test_the_digest_sends_one_mail_per_handler_with_their_units_only(unit_tree, officer, other_unit_officer, admin):
    now = timezone.now()
    mine = [file(unit_tree["satker"]) for _ in range(3)]
    theirs = file(unit_tree["other"], title="Laporan unit timur yang terlambat")
    Complaint.objects.update(verification_due_at=now - timedelta(hours=2))
    mail.outbox.clear()
    assert digest.queue_digests(now=now) == 3  # officer, admin (kanwil), other officer
    assert digest.queue_digests(now=now) == 3 and OutboxEmail.objects.filter(key__startswith="sla-digest").count() == 3
    officer_mail = next(m for m in mail.outbox if m.to == [officer.email])
    assert all(c.display_reference in officer_mail.body for c in mine)
    assert theirs.display_reference not in officer_mail.body
    assert "Budi" not in officer_mail.body  # no reporter identity in digests
    assert len([m for m in mail.outbox if m.to == [officer.email]]) == 1
