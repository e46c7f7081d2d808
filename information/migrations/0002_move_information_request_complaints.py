"""Issue 16, item 7: the complaints of kind `information_request` become information requests.

Each such complaint, oldest first, becomes a request of the same unit with a registration number in its
unit's yearly sequence (numbers in order of filing), its history copied as `legacy` events (times, authors,
public messages and internal notes kept) and a `moved` event. The reporter's tracking code keeps working on
the request's tracking form: the request stores the keyed hash of the complaint's code (see
`tracking_digest_of`).

The complaint rows are kept, not removed: their events are evidence and immutable, their attachments stay
reachable for staff, and the public board's and the recap's history stays true. Each one still open is
closed with a public `closed` event naming the request's number, so the complaint queue and deadlines no
longer show it and the reporter who tracks it there is told where it went.

Safe to run twice: a complaint already moved (`legacy_complaint_id` is unique) is skipped. After it moved
complaints, run `manage.py rebuild_recap` so that the complaint summaries count them as closed.
"""

from django.db import migrations
from django.utils import timezone

MOVED_MESSAGE = (
    "Permintaan informasi ini dipindahkan ke layanan informasi publik (PPID) dengan nomor registrasi {number}. "
    "Ikuti di /informasi/lacak/ dengan kode lacak yang sama."
)
OPEN = ("new", "verified", "in_progress", "waiting_reporter")


def tracking_digest_of(complaint):
    """The request's `tracking_digest` from the complaint: the complaint keeps the same keyed hash of the same
    code (humas.codes.digest, complaints 0007), copied as it is, so the reporter's code keeps working."""
    return complaint.tracking_digest


def _outcome(complaint, events):
    """(status, decided_at, decision text, forward_to) of the request, from the complaint's state."""
    answers = [e.public_message for e in events if e.public_message and not e.by_reporter]
    text = answers[-1] if answers else "Dijawab melalui sistem pengaduan."
    if complaint.status in OPEN:
        return "received", None, "", ""
    if complaint.status == "rejected":
        if complaint.reject_reason == "not_our_authority":
            forwarded = [e for e in events if e.kind == "forwarded" and e.to_unit_id]
            body = forwarded[-1].to_unit.name if forwarded else "badan publik lain (tidak disebutkan)"
            return "not_our_authority", complaint.updated_at, text, body
        return "not_held", complaint.updated_at, text, ""
    decided = complaint.resolved_at or complaint.closed_at or complaint.updated_at
    return "granted", decided, text, ""


def move_complaints(apps, schema_editor):
    from humas import dates
    from information import clock, numbering

    Complaint = apps.get_model("complaints", "Complaint")
    ComplaintEvent = apps.get_model("complaints", "ComplaintEvent")
    InformationRequest = apps.get_model("information", "InformationRequest")
    RequestEvent = apps.get_model("information", "RequestEvent")
    Sequence = apps.get_model("information", "Sequence")

    moved = InformationRequest.objects.exclude(legacy_complaint_id=None)
    moved_ids = set(moved.values_list("legacy_complaint_id", flat=True))
    pending = (
        Complaint.objects.filter(kind="information_request")
        .exclude(pk__in=moved_ids)
        .select_related("unit")
        .order_by("created_at", "pk")
    )
    now = timezone.now()
    for complaint in pending.iterator():
        unit = complaint.unit
        history = ComplaintEvent.objects.filter(complaint=complaint).select_related("to_unit")
        events = list(history.order_by("created_at", "pk"))
        local = dates.to_local(complaint.created_at, unit.time_zone)
        sequence, _ = Sequence.objects.get_or_create(unit=unit, year=local.year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
        number = numbering.format_number(seq=sequence.last, unit=unit, month=local.month, year=local.year)
        status, decided_at, text, forward_to = _outcome(complaint, events)
        named = complaint.identity_mode == "named"  # a confidential reporter stays unknown to the unit
        request = InformationRequest.objects.create(
            unit=unit, year=local.year, sequence=sequence.last, number=number,
            tracking_digest=tracking_digest_of(complaint), channel="legacy", language=complaint.language,
            requester_kind="person",
            name=complaint.reporter_name if named and complaint.reporter_name else "Identitas dirahasiakan",
            address="", phone=complaint.reporter_phone if named else "",
            email=complaint.reporter_email if named else "",
            consent_at=complaint.consent_at,
            information=f"{complaint.title}\n\n{complaint.description}",
            purpose="Tidak disebutkan (dipindahkan dari sistem pengaduan).",
            obtain_method="electronic", delivery_method="email" if named and complaint.reporter_email else "pick_up",
            status=status, registered_at=complaint.created_at,
            due_at=clock.answer_due(complaint.created_at, unit.time_zone),
            decided_at=decided_at, decision_text=text if decided_at else "", forward_to=forward_to,
            signer_name="PPID" if decided_at else "", signer_position=f"PPID {unit.name}" if decided_at else "",
            legacy_complaint_id=complaint.pk,
        )  # fmt: skip
        RequestEvent.objects.bulk_create(
            [
                RequestEvent(
                    request=request,
                    kind="received" if index == 0 else "legacy",
                    actor_id=event.actor_id,
                    by_requester=event.by_reporter,
                    public_message=event.public_message,
                    internal_note=event.internal_note,
                    status="received" if index == 0 else "",  # the complaint's statuses are not a request's
                    created_at=event.created_at,
                )
                for index, event in enumerate(events)
            ]
            + [
                RequestEvent(
                    request=request,
                    kind="moved",
                    status=status,
                    created_at=now,
                    internal_note=f"Pengaduan #{complaint.pk}",
                )
            ]
        )
        if complaint.status in OPEN:
            ComplaintEvent.objects.create(
                complaint=complaint, kind="closed", from_status=complaint.status, to_status="closed",
                public_message=MOVED_MESSAGE.format(number=number),
            )  # fmt: skip
            Complaint.objects.filter(pk=complaint.pk).update(status="closed", closed_at=now, updated_at=now)
        else:
            ComplaintEvent.objects.create(
                complaint=complaint, kind="closed", from_status=complaint.status, to_status=complaint.status,
                public_message=MOVED_MESSAGE.format(number=number),
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("information", "0001_initial"),
        ("complaints", "0008_drop_clear_tracking_codes"),
    ]

    operations = [migrations.RunPython(move_complaints, migrations.RunPython.noop)]
