"""The complaint workflow: one table of actions (from which states, to which state, who may), one service
function per action. Each is atomic, locks the report, writes an immutable event and, when the change is
public, queues the reporter's e-mail on commit. Views, the API, tasks and the demo data all come here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.handling import duplicates, sla
from complaints.models import Complaint, ComplaintEvent, EventKind, RejectReason, Status
from complaints.reporting import summaries
from humas import access, outbox
from humas.errors import Refused
from humas.models import Unit

S = Status
HANDLE = "complaint.handle"
REPORTER = "reporter"
SYSTEM = "system"


@dataclass(frozen=True)
class Action:
    name: str
    label: Any
    sources: frozenset[str]  # the statuses it may start from
    target: str | None  # the status it leads to; None keeps the status
    by: str  # a permission of humas.access, or REPORTER / SYSTEM
    public: bool  # the reporter is told
    refusal: Any = None  # the message when the report's status does not allow it (a generic one when None)
    # the statuses it may lead back to when its target depends on the report's past (splitting a duplicate
    # returns the report to the status it had when it was marked)
    returns_to: frozenset[str] = frozenset()
    duplicates_only: bool = False  # only for a report marked as a duplicate of another


def _a(name, label, sources, target, by=HANDLE, public=True, refusal=None, returns_to=(), duplicates_only=False):
    return Action(name, label, frozenset(sources), target, by, public, refusal, frozenset(returns_to), duplicates_only)


OPEN_HANDLING = (S.VERIFIED, S.IN_PROGRESS, S.WAITING_REPORTER)
DUPLICABLE = (S.NEW, S.VERIFIED, S.IN_PROGRESS)  # the statuses a report may be marked as a duplicate from
CLOSED_REFUSAL = gettext_lazy("This report is no longer open, so nothing can be added to it.")

# The one table. Templates read it for the buttons, the services for the checks, the tests pair by pair.
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        _a("verify", gettext_lazy("Verify"), [S.NEW], S.VERIFIED),
        _a("reject", gettext_lazy("Reject"), [S.NEW, S.VERIFIED], S.REJECTED),
        _a("mark_duplicate", gettext_lazy("Mark as duplicate"), DUPLICABLE, S.REJECTED),
        _a(
            "split_duplicate",
            gettext_lazy("Split off from the original"),
            [S.REJECTED],
            None,
            returns_to=DUPLICABLE,
            duplicates_only=True,
            refusal=gettext_lazy("Only a report marked as a duplicate can be split off."),
        ),
        _a("forward", gettext_lazy("Forward to another unit"), [S.VERIFIED, S.IN_PROGRESS], None),
        _a("assign", gettext_lazy("Assign"), [S.VERIFIED, S.IN_PROGRESS], S.IN_PROGRESS, public=False),
        _a("respond", gettext_lazy("Answer the reporter"), OPEN_HANDLING, None),
        _a(
            "request_info",
            gettext_lazy("Ask the reporter for more information"),
            [S.VERIFIED, S.IN_PROGRESS],
            S.WAITING_REPORTER,
        ),
        _a("resume", gettext_lazy("Resume handling"), [S.WAITING_REPORTER], S.IN_PROGRESS, public=False),
        _a("add_note", gettext_lazy("Internal note"), list(S), None, public=False),
        _a("resolve", gettext_lazy("Resolve"), OPEN_HANDLING, S.RESOLVED),
        _a("close", gettext_lazy("Close"), [S.RESOLVED], S.CLOSED),
        _a("reopen", gettext_lazy("Reopen"), [S.RESOLVED], S.IN_PROGRESS),
        _a(
            "rate",
            gettext_lazy("Rate"),
            [S.RESOLVED],
            S.CLOSED,
            by=REPORTER,
            public=False,
            refusal=gettext_lazy("Only a resolved report can be rated."),
        ),
        _a(
            "object",
            gettext_lazy("Object"),
            [S.RESOLVED],
            S.IN_PROGRESS,
            by=REPORTER,
            public=False,
            refusal=gettext_lazy("Only a resolved report can be objected to."),
        ),
        _a(
            "add_information",
            gettext_lazy("Add information"),
            [S.NEW, S.VERIFIED, S.IN_PROGRESS],
            None,
            by=REPORTER,
            public=False,
            refusal=CLOSED_REFUSAL,
        ),
        _a(
            "answer_request",
            gettext_lazy("Answer the request for information"),
            [S.WAITING_REPORTER],
            S.IN_PROGRESS,
            by=REPORTER,
            public=False,
            refusal=CLOSED_REFUSAL,
        ),
        _a("auto_close", gettext_lazy("Close automatically"), [S.RESOLVED], S.CLOSED, by=SYSTEM),
        # a clarification release linked to the report was published (complaints.handling.clarifications)
        _a("clarify", gettext_lazy("Clarification published"), list(S), None, by=SYSTEM),
    ]
}

# from status -> the statuses it may move to, derived from ACTIONS
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(
        target
        for a in ACTIONS.values()
        if status in a.sources
        for target in ({a.target} if a.target else set()) | a.returns_to
        if target != status
    )
    for status in S
}


def may_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def applies(action: Action, complaint: Complaint) -> bool:
    """The report's state allows the action (its status, and for some actions what it is)."""
    if complaint.status not in action.sources:
        return False
    return not action.duplicates_only or (
        complaint.duplicate_of_id is not None and complaint.reject_reason == RejectReason.DUPLICATE
    )


def allowed_actions(user: Any, complaint: Complaint) -> list[Action]:
    """The staff actions this user may take on this report now (for the buttons)."""
    return [
        a
        for a in ACTIONS.values()
        if a.by not in (REPORTER, SYSTEM) and applies(a, complaint) and access.can(user, a.by, complaint)
    ]


# --- the internal doors --------------------------------------------------------------------------------------


def locked(complaint: Complaint | int) -> Complaint:
    """The report, locked for the rest of the transaction, with its share of the summaries noted so that
    the change a service makes can be written to them (summaries.record_change)."""
    pk = complaint.pk if isinstance(complaint, Complaint) else complaint
    found = Complaint.objects.select_for_update(of=("self",)).select_related("unit", "category").get(pk=pk)
    summaries.track(found)
    return found


def move(
    complaint: Complaint,
    *,
    to_status: str,
    event_kind: str,
    actor: Any = None,
    by_reporter: bool = False,
    public_message: str = "",
    internal_note: str = "",
    request_id: str = "",
    event_fields: dict[str, Any] | None = None,
    **changes: Any,
) -> ComplaintEvent:
    """Change the status (checked against TRANSITIONS) and write the event, complete (`event_fields` are the
    event's further columns, `changes` the report's). Runs inside a transaction that has locked the report
    (see `locked`)."""
    from_status = complaint.status
    if not may_move(from_status, to_status):
        raise Refused(
            _("A report that is %(from)s cannot become %(to)s.")
            % {"from": Status(from_status).label.lower(), "to": Status(to_status).label.lower()},
            code="bad_transition",
            status=409,
        )
    now = timezone.now()
    complaint.status = to_status
    if to_status == S.RESOLVED:
        complaint.resolved_at = now
    if to_status == S.CLOSED:
        complaint.closed_at = now
    for field, value in changes.items():
        setattr(complaint, field, value)
    complaint.save(update_fields=["status", "resolved_at", "closed_at", "updated_at", *changes])
    summaries.record_change(complaint)
    return _event(complaint, event_kind, actor, by_reporter, public_message, internal_note, from_status, to_status,
                  request_id=request_id, **(event_fields or {}))  # fmt: skip


def _event(complaint, kind, actor, by_reporter, public_message, internal_note, from_status, to_status, *,
           request_id: str = "", **extra):  # fmt: skip
    """Write the event, every field at once (events are never updated). A `request_id` already used on this
    report (the same form sent twice) is refused."""
    event = ComplaintEvent(
        complaint=complaint,
        kind=kind,
        actor=None if by_reporter else actor,
        by_reporter=by_reporter,
        public_message=public_message,
        internal_note=internal_note,
        from_status=from_status,
        to_status=to_status,
        request_id=request_id,
        **extra,
    )
    if not request_id:
        event.save(force_insert=True)
        return event
    try:
        with transaction.atomic():  # a savepoint: the duplicate's failed insert leaves the transaction usable
            event.save(force_insert=True)
    except IntegrityError:
        raise Refused(
            _("This form was already sent; it was applied once."), code="duplicate_submit", status=409
        ) from None
    return event


def _start(complaint: Complaint | int, action_name: str, by: Any, request_id: str = "") -> Complaint:
    """Lock the report and check the action may be taken now (see `_check`)."""
    return _check(locked(complaint), action_name, by, request_id)


def _check(complaint: Complaint, action_name: str, by: Any, request_id: str = "") -> Complaint:
    """Check that `by` may take the action on the locked report now: 404 outside their scope (as a Refused
    with status 404), 403 for a role that may not, 409 for a state that does not allow it, and 409 for a
    form submitted twice. Reporter and system actions check only the state."""
    action = ACTIONS[action_name]
    if action.by not in (REPORTER, SYSTEM):
        if not access.can(by, "complaint.view", complaint):
            raise Refused(_("Report not found."), code="not_found", status=404)
        if not access.can(by, action.by, complaint):
            raise Refused(_("Your role may not do this."), code="forbidden", status=403)
    if request_id and complaint.events.filter(request_id=request_id).exists():
        raise Refused(_("This form was already sent; it was applied once."), code="duplicate_submit", status=409)
    if not applies(action, complaint):
        message = action.refusal or _("%(action)s is not possible while the report is %(status)s.") % {
            "action": action.label,
            "status": complaint.get_status_display().lower(),
        }
        raise Refused(str(message), code="bad_state", status=409)
    return complaint


def _finish(event: ComplaintEvent, *, public: bool = True) -> ComplaintEvent:
    """Tell the reporter of a public change (on commit, through the outbox), and the reporters of its
    duplicates when it is an answer (duplicates.pass_on)."""
    if public and (event.public_message or event.to_status != event.from_status):
        notify_reporter(event)
        duplicates.pass_on(event)
    return event


def notify_reporter(event: ComplaintEvent) -> None:
    complaint = event.complaint
    if complaint.reporter_email:
        outbox.enqueue(
            key=f"complaint-event:{event.pk}",
            to=complaint.reporter_email,
            template="emails/complaint_update",
            context={"event_id": event.pk},
            language=complaint.language,
        )


def _need(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused(message, code="empty")
    return text


# --- staff actions --------------------------------------------------------------------------------------------


@transaction.atomic
def verify(complaint, *, by, message: str = "", request_id: str = "") -> ComplaintEvent:
    complaint = _start(complaint, "verify", by, request_id)
    now = timezone.now()
    sla.set_resolution_due(complaint, now)
    event = move(complaint, to_status=S.VERIFIED, event_kind=EventKind.VERIFIED, actor=by, request_id=request_id,
                 public_message=message.strip() or _("Your report has been verified and is being handled."),
                 verified_at=now, resolution_due_at=complaint.resolution_due_at)  # fmt: skip
    return _finish(event)


@transaction.atomic
def reject(complaint, *, by, reason: str, message: str, request_id: str = "") -> ComplaintEvent:
    complaint = _start(complaint, "reject", by, request_id)
    if reason not in RejectReason.values:
        raise Refused(_("Choose a reason for the rejection."), code="bad_reason")
    text = _need(message, _("Tell the reporter why the report is rejected."))
    event = move(complaint, to_status=S.REJECTED, event_kind=EventKind.REJECTED, actor=by, public_message=text,
                 request_id=request_id, reject_reason=reason, closed_at=timezone.now())  # fmt: skip
    return _finish(event)


@transaction.atomic
def mark_duplicate(complaint, *, by, original: Complaint | int, message: str = "", request_id: str = ""):
    complaint = _start(complaint, "mark_duplicate", by, request_id)
    original_pk = original.pk if isinstance(original, Complaint) else int(original)
    target = Complaint.objects.select_related("unit").filter(pk=original_pk).first()
    if target is None or not access.can(by, "complaint.view", target):
        raise Refused(_("Report not found."), code="not_found", status=404)
    if target.pk == complaint.pk:
        raise Refused(_("A report cannot be a duplicate of itself."), code="self_duplicate")
    duplicates.refuse_chain(complaint, target)
    text = message.strip() or _(
        "The same matter was already reported and is handled under another report; its answer will cover yours."
    )
    event = move(complaint, to_status=S.REJECTED, event_kind=EventKind.DUPLICATE, actor=by, public_message=text,
                 request_id=request_id, reject_reason=RejectReason.DUPLICATE, duplicate_of=target,
                 closed_at=timezone.now())  # fmt: skip
    return _finish(event)


@transaction.atomic
def split_duplicate(complaint, *, by, message: str = "", request_id: str = "") -> ComplaintEvent:
    """A report marked as a duplicate is handled on its own again: it returns to the status it had when it
    was marked, its deadlines pushed by the working days it spent as a duplicate (sla.resume_clock)."""
    complaint = _start(complaint, "split_duplicate", by, request_id)
    marked = complaint.events.filter(kind=EventKind.DUPLICATE).order_by("-created_at", "-pk").first()
    back_to = marked.from_status if marked is not None and marked.from_status in DUPLICABLE else S.NEW
    sla.resume_clock(complaint, paused_from=marked.created_at if marked else complaint.updated_at,
                     until=timezone.now(), status=back_to)  # fmt: skip
    text = message.strip() or _("Your report is handled on its own again, no longer under another report.")
    event = move(complaint, to_status=back_to, event_kind=EventKind.SPLIT, actor=by, public_message=text,
                 request_id=request_id, duplicate_of=None, reject_reason="", closed_at=None,
                 verification_due_at=complaint.verification_due_at, response_due_at=complaint.response_due_at,
                 resolution_due_at=complaint.resolution_due_at)  # fmt: skip
    return _finish(event)


@transaction.atomic
def forward(complaint, *, by, to_unit: Unit, note: str = "", request_id: str = "") -> ComplaintEvent:
    """Disposisi: the report goes to another unit, which sees it at once."""
    complaint = _start(complaint, "forward", by, request_id)
    if to_unit is None or not to_unit.is_active:
        raise Refused(_("Choose an active unit to forward to."), code="bad_unit")
    if to_unit.pk == complaint.unit_id:
        raise Refused(_("The report is already with this unit."), code="same_unit")
    complaint.unit = to_unit
    complaint.assigned_to = None
    complaint.save(update_fields=["unit", "assigned_to", "updated_at"])
    summaries.record_change(complaint)
    event = _event(complaint, EventKind.FORWARDED, by, False,
                   _("Your report was forwarded to %(unit)s, which handles it from now on.") % {"unit": to_unit.name},
                   note.strip(), complaint.status, complaint.status, request_id=request_id,
                   to_unit=to_unit)  # fmt: skip
    return _finish(event)


@transaction.atomic
def assign(complaint, *, by, officer: Any = None, note: str = "", request_id: str = "") -> ComplaintEvent:
    """Work starts: the report is in progress, optionally with one officer in charge."""
    complaint = _start(complaint, "assign", by, request_id)
    if officer is not None and not access.can(officer, HANDLE, complaint):
        raise Refused(_("This person does not handle reports of this unit."), code="bad_officer")
    complaint.assigned_to = officer
    if complaint.status == S.IN_PROGRESS:
        complaint.save(update_fields=["assigned_to", "updated_at"])
        event = _event(complaint, EventKind.ASSIGNED, by, False, "", note.strip(), S.IN_PROGRESS, S.IN_PROGRESS,
                       request_id=request_id, assignee=officer)  # fmt: skip
    else:
        event = move(complaint, to_status=S.IN_PROGRESS, event_kind=EventKind.ASSIGNED, actor=by,
                     internal_note=note.strip(), request_id=request_id, event_fields={"assignee": officer},
                     assigned_to=officer)  # fmt: skip
    return _finish(event, public=False)


@transaction.atomic
def add_response(complaint, *, by, message: str, request_id: str = "") -> ComplaintEvent:
    complaint = _start(complaint, "respond", by, request_id)
    text = _need(message, _("Write the answer for the reporter."))
    changes = {}
    if complaint.first_response_at is None:
        complaint.first_response_at = timezone.now()
        changes["first_response_at"] = complaint.first_response_at
    if changes:
        complaint.save(update_fields=[*changes, "updated_at"])
        summaries.record_change(complaint)  # the first-answer deadline no longer runs
    event = _event(complaint, EventKind.RESPONSE, by, False, text, "", complaint.status, complaint.status,
                   request_id=request_id)  # fmt: skip
    return _finish(event)


@transaction.atomic
def request_information(complaint, *, by, message: str, request_id: str = "") -> ComplaintEvent:
    """Ask the reporter for more: the clock stops until they answer or staff resume."""
    complaint = _start(complaint, "request_info", by, request_id)
    text = _need(message, _("Say what information the reporter should add."))
    event = move(complaint, to_status=S.WAITING_REPORTER, event_kind=EventKind.WAITING_REPORTER, actor=by,
                 public_message=text, request_id=request_id, waiting_since=timezone.now())  # fmt: skip
    return _finish(event)


def _resume(
    complaint: Complaint,
    *,
    actor=None,
    by_reporter: bool = False,
    message: str = "",
    note: str = "",
    request_id: str = "",
) -> ComplaintEvent:
    now = timezone.now()
    if complaint.waiting_since:
        sla.extend_for_pause(complaint, paused_from=complaint.waiting_since, until=now)
    return move(
        complaint,
        to_status=S.IN_PROGRESS,
        event_kind=EventKind.INFO_ADDED if by_reporter else EventKind.RESUMED,
        actor=actor,
        by_reporter=by_reporter,
        public_message=message,
        internal_note=note,
        request_id=request_id,
        waiting_since=None,
        response_due_at=complaint.response_due_at,
        resolution_due_at=complaint.resolution_due_at,
    )


@transaction.atomic
def resume(complaint, *, by, note: str = "", request_id: str = "") -> ComplaintEvent:
    complaint = _start(complaint, "resume", by, request_id)
    event = _resume(complaint, actor=by, note=note.strip(), request_id=request_id)
    return _finish(event, public=False)


@transaction.atomic
def add_internal_note(complaint, *, by, note: str, request_id: str = "") -> ComplaintEvent:
    complaint = _start(complaint, "add_note", by, request_id)
    text = _need(note, _("Write the note."))
    event = _event(complaint, EventKind.NOTE, by, False, "", text, complaint.status, complaint.status,
                   request_id=request_id)  # fmt: skip
    return _finish(event, public=False)


@transaction.atomic
def resolve(complaint, *, by, message: str, request_id: str = "") -> ComplaintEvent:
    complaint = _start(complaint, "resolve", by, request_id)
    text = _need(message, _("Write the resolution for the reporter."))
    changes = {"waiting_since": None}
    if complaint.first_response_at is None:
        changes["first_response_at"] = timezone.now()
    event = move(complaint, to_status=S.RESOLVED, event_kind=EventKind.RESOLVED, actor=by, public_message=text,
                 request_id=request_id, **changes)  # fmt: skip
    return _finish(event)


@transaction.atomic
def close(complaint, *, by, message: str = "", request_id: str = "") -> ComplaintEvent:
    complaint = _start(complaint, "close", by, request_id)
    event = move(complaint, to_status=S.CLOSED, event_kind=EventKind.CLOSED, actor=by, request_id=request_id,
                 public_message=message.strip() or _("The report is closed."))  # fmt: skip
    return _finish(event)


@transaction.atomic
def reopen(complaint, *, by, message: str, request_id: str = "") -> ComplaintEvent:
    complaint = _start(complaint, "reopen", by, request_id)
    text = _need(message, _("Say why the report is reopened."))
    event = move(complaint, to_status=S.IN_PROGRESS, event_kind=EventKind.OBJECTED, actor=by, public_message=text,
                 request_id=request_id, reopen_count=complaint.reopen_count + 1)  # fmt: skip
    return _finish(event)


def auto_close_due(*, now=None) -> int:
    """Close resolved reports after 10 working days without word from the reporter. Returns how many."""
    now = now or timezone.now()
    closed = 0
    candidates = (
        Complaint.objects.filter(status=S.RESOLVED).select_related("unit").only("pk", "resolved_at", "unit__time_zone")
    )
    for complaint in candidates.iterator():
        deadline = sla.auto_close_after(complaint)
        if deadline is None or deadline > now:
            continue
        with transaction.atomic():
            current = locked(complaint)
            if current.status != S.RESOLVED:
                continue
            event = move(
                current,
                to_status=S.CLOSED,
                event_kind=EventKind.CLOSED,
                public_message=_("Closed automatically: 10 working days passed without an objection."),
            )
            _finish(event)
            closed += 1
    return closed


def clarify(complaint: Complaint | int, *, message: str) -> ComplaintEvent:
    """A clarification release answers the report: a public event, whatever the status (the reporter's e-mail
    is clarifications' own). Runs inside the caller's transaction."""
    complaint = _start(complaint, "clarify", SYSTEM)
    return _event(complaint, EventKind.CLARIFICATION, None, False, message, "", complaint.status, complaint.status)


# --- the reporter's actions -----------------------------------------------------------------------------------
# The same table and the same checks as staff actions (`_start`/`_check`), with the reporter as the actor: the
# tracking code (or the API's) is their authority, so only the report's state is checked.


def objection_deadline(complaint: Complaint):
    return sla.auto_close_after(complaint)


@transaction.atomic
def rate(complaint: Complaint | int, *, score: int, comment: str = "") -> ComplaintEvent:
    """The reporter rates a resolved report (1–5 and a comment); that closes it."""
    complaint = _start(complaint, "rate", REPORTER)
    if not 1 <= int(score) <= 5:
        raise Refused(_("Choose a rating from 1 to 5."), code="bad_rating")
    event = move(complaint, to_status=S.CLOSED, event_kind=EventKind.RATED, by_reporter=True,
                 public_message=comment.strip(), rating=int(score),
                 rating_comment=comment.strip(), rated_at=timezone.now())  # fmt: skip
    return _finish(event, public=False)


@transaction.atomic
def object_to_resolution(complaint: Complaint | int, *, reason: str) -> ComplaintEvent:
    """The reporter disagrees with the resolution within 10 working days: the report goes back to work."""
    complaint = _start(complaint, "object", REPORTER)
    deadline = objection_deadline(complaint)
    if deadline is not None and timezone.now() > deadline:
        raise Refused(
            _("The 10 working days to object have passed. You can file a new report instead."),
            code="objection_too_late",
            status=409,
        )
    text = _need(reason, _("Say why the resolution does not settle your report."))
    event = move(complaint, to_status=S.IN_PROGRESS, event_kind=EventKind.OBJECTED, by_reporter=True,
                 public_message=text,
                 reopen_count=complaint.reopen_count + 1)  # fmt: skip
    return _finish(event, public=False)


@transaction.atomic
def add_information(complaint: Complaint | int, *, message: str) -> ComplaintEvent:
    """The reporter adds information to an open report: an answer to staff's request ("answer_request")
    moves the report back to work and lets the clock run again; otherwise ("add_information") the status
    stays. intake.add_information calls it inside the transaction that stores the files."""
    complaint = locked(complaint)
    name = "answer_request" if complaint.status == S.WAITING_REPORTER else "add_information"
    complaint = _check(complaint, name, REPORTER)
    if name == "answer_request":
        event = _resume(complaint, by_reporter=True, message=message)  # saves updated_at
    else:
        event = _event(complaint, EventKind.INFO_ADDED, None, True, message, "", complaint.status, complaint.status)
        complaint.save(update_fields=["updated_at"])
    return _finish(event, public=False)
