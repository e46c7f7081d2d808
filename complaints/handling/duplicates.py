"""Duplicates receive their answer. A report marked as a duplicate of another (workflow.mark_duplicate) is
answered by its original: when the original gets a public answer — a response, its resolution, its closing
by staff — each duplicate's reporter is told once per answer (an outbox message keyed by the duplicate and
the event) and their tracking page shows the original's answers. Only what staff wrote for the public passes
on: never an internal note, never the original reporter's name, contact or own words (a rating comment).
A duplicate of a duplicate is refused: a chain would hide the answer one step further away."""

from __future__ import annotations

from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintEvent, EventKind, RejectReason, Status
from humas import dates, outbox
from humas.errors import Refused

TEMPLATE = "emails/duplicate_answer"
# the original's events that answer its duplicates too (written by staff or the system, never the reporter)
ANSWER_KINDS = frozenset({EventKind.RESPONSE, EventKind.RESOLVED, EventKind.CLOSED})


def duplicates_of(original_id: int):
    """The reports standing as duplicates of `original_id` now (split ones are not)."""
    return Complaint.objects.filter(
        duplicate_of_id=original_id, status=Status.REJECTED, reject_reason=RejectReason.DUPLICATE
    )


def refuse_chain(complaint: Complaint, original: Complaint) -> None:
    """Refuse marking `complaint` as a duplicate of `original` when that would make a chain: the original is
    itself a duplicate (A → B → A, or A → B → C), or `complaint` has duplicates of its own."""
    if original.duplicate_of_id is not None and original.reject_reason == RejectReason.DUPLICATE:
        raise Refused(
            _("The chosen report is itself a duplicate of report #%(pk)d: mark this one as a duplicate of that.")
            % {"pk": original.duplicate_of_id},
            code="duplicate_chain",
        )
    if duplicates_of(complaint.pk).exists():
        raise Refused(
            _("Other reports are duplicates of this one: it cannot become a duplicate itself."),
            code="duplicate_chain",
        )


def is_answer(event: ComplaintEvent) -> bool:
    return event.kind in ANSWER_KINDS and not event.by_reporter and bool(event.public_message)


def pass_on(event: ComplaintEvent) -> int:
    """Tell the reporters of the original's duplicates of its answer `event` (through the outbox, in each
    reporter's language, on commit). Keyed by duplicate and event: a second call sends nothing. Returns how
    many messages were queued."""
    if not is_answer(event):
        return 0
    queued = 0
    for duplicate_id, email, language in (
        duplicates_of(event.complaint_id).exclude(reporter_email="").values_list("pk", "reporter_email", "language")
    ):
        outbox.enqueue(
            key=f"duplicate-answer:{duplicate_id}:{event.pk}",
            to=email,
            template=TEMPLATE,
            context={"duplicate_id": duplicate_id, "event_id": event.pk},
            language=language,
        )
        queued += 1
    return queued


def original_answers(complaint: Complaint) -> list[ComplaintEvent]:
    """For the tracking page of a duplicate: the original's public answers, oldest first (empty otherwise)."""
    if complaint.duplicate_of_id is None or complaint.reject_reason != RejectReason.DUPLICATE:
        return []
    return list(
        ComplaintEvent.objects.filter(complaint_id=complaint.duplicate_of_id, kind__in=ANSWER_KINDS, by_reporter=False)
        .exclude(public_message="")
        .select_related("complaint__unit")
        .order_by("created_at", "pk")
    )


def answer_email_context(stored: dict) -> dict:
    """The outbox's context builder for 'the report yours was joined to has an answer'."""
    from django.conf import settings

    duplicate = Complaint.objects.select_related("unit").get(pk=stored["duplicate_id"])
    event = ComplaintEvent.objects.select_related("complaint__unit").get(pk=stored["event_id"])
    unit = event.complaint.unit
    return {
        "complaint": duplicate,
        "event": event,
        "unit": unit,
        "when": dates.format_datetime(event.created_at, unit.time_zone),
        "track_url": f"{settings.SITE_URL}/pengaduan/lacak/",
    }
