"""The PPID's and the atasan PPID's steps on a request, and the requester's objection. Each is one
transaction that locks the request, checks the rule, writes the immutable event and queues the requester's
e-mail. `ACTIONS` is the one table of which step is allowed from which status, read by the functions, the
staff page (which forms to show) and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from humas import access, dates
from humas.errors import Refused
from information import clock, notify
from information.models import (
    DECISIONS,
    EventKind,
    InformationRequest,
    Objection,
    ObjectionGround,
    ObjectionStatus,
    RequestEvent,
    Status,
)


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    permission: str
    from_statuses: tuple[str, ...]


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action("extend", _("Extend the answer period"), "information.handle", (Status.RECEIVED,)),
        Action("decide", _("Decide"), "information.handle", (Status.RECEIVED, Status.EXTENDED)),
        Action("note", _("Internal note"), "information.handle", tuple(Status)),
        Action("answer_objection", _("Answer the objection"), "information.objection", tuple(Status)),
        Action("record_dispute", _("Record a dispute at the Information Commission"), "information.handle",
               tuple(Status)),
    ]
}  # fmt: skip


def objection_of(request: InformationRequest) -> Objection | None:
    try:
        return request.objection
    except Objection.DoesNotExist:
        return None


def allowed(user, request: InformationRequest) -> list[Action]:
    """The steps `user` may take on `request` now."""
    objection = objection_of(request)
    found = []
    for action in ACTIONS.values():
        if request.status not in action.from_statuses or not access.can(user, action.permission, request):
            continue
        if action.name == "answer_objection" and (objection is None or objection.status != ObjectionStatus.FILED):
            continue
        if action.name == "record_dispute" and (
            objection is None or objection.status == ObjectionStatus.FILED or objection.dispute_filed_on is not None
        ):
            continue
        found.append(action)
    return found


def _lock(request: InformationRequest) -> InformationRequest:
    return InformationRequest.objects.select_for_update().select_related("unit").get(pk=request.pk)


def _check(user, name: str, request: InformationRequest) -> None:
    action = ACTIONS[name]
    if not access.can(user, action.permission, request):
        raise Refused(gettext("Your role does not allow this step on this request."), code="forbidden", status=403)
    if request.status not in action.from_statuses:
        raise Refused(
            gettext("This step is not possible while the request is “%(status)s”.")
            % {"status": request.get_status_display()},
            code="bad_state",
            status=409,
        )


def _event(request, *, kind: str, actor=None, by_requester=False, message="", note="") -> RequestEvent:
    event = RequestEvent.objects.create(
        request=request, kind=kind, actor=actor, by_requester=by_requester, public_message=message,
        internal_note=note, status=request.status,
    )  # fmt: skip
    if not by_requester and kind not in (EventKind.NOTE, EventKind.DISPUTE):
        notify.update(event)  # the outbox row is written in this transaction, sent after it commits
    return event


@transaction.atomic
def extend(request: InformationRequest, *, by, reason: str) -> RequestEvent:
    """The one extension of 7 working days, with its reason; refused a second time or once the due date passed."""
    request = _lock(request)
    if request.extended_at is not None:
        raise Refused(gettext("The answer period was already extended once; the law allows only one extension."),
                      code="already_extended", status=409)  # fmt: skip
    _check(by, "extend", request)
    now = timezone.now()
    if now > request.due_at:
        raise Refused(
            gettext("The answer period ended on %(date)s; it can no longer be extended. Decide now.")
            % {"date": dates.format_datetime(request.due_at, request.unit.time_zone)},
            code="too_late",
            status=409,
        )
    if not reason.strip():
        raise Refused(gettext("Give the reason for the extension: the requester receives it in writing."))
    request.due_at = clock.extended_due(request.due_at, request.unit.time_zone)
    request.extended_at = now
    request.extension_reason = reason.strip()
    request.status = Status.EXTENDED
    request.save(update_fields=["due_at", "extended_at", "extension_reason", "status", "updated_at"])
    message = gettext("The answer period is extended by 7 working days, to %(date)s. Reason: %(reason)s") % {
        "date": dates.format_datetime(request.due_at, request.unit.time_zone),
        "reason": request.extension_reason,
    }
    return _event(request, kind=EventKind.EXTENDED, actor=by, message=message)


@dataclass
class Decision:
    outcome: str
    decision_text: str
    signer_name: str
    signer_position: str
    exemption: str = ""
    consequence_test: str = ""
    access_details: str = ""
    cost: Decimal | None = None
    forward_to: str = ""
    answer_file: object = None


def check_decision(decision: Decision) -> None:
    """The rules of each outcome (the staff form validates the same fields; the service checks again)."""
    if decision.outcome not in DECISIONS:
        raise Refused(gettext("Choose the decision."))
    if not decision.decision_text.strip():
        raise Refused(gettext("Write the text of the decision letter."))
    if not (decision.signer_name.strip() and decision.signer_position.strip()):
        raise Refused(gettext("Give the name and position of the PPID who signs the notice."))
    if decision.outcome in (Status.REFUSED, Status.PARTLY_GRANTED):
        if not decision.exemption:
            raise Refused(gettext("A refusal must name its exemption ground from Pasal 17 (a–j)."), code="no_ground")
        if not decision.consequence_test.strip():
            raise Refused(gettext("A refusal must state the consequence test: the harm that disclosure would cause."),
                          code="no_consequence_test")  # fmt: skip
    if decision.outcome == Status.NOT_OUR_AUTHORITY and not decision.forward_to.strip():
        raise Refused(gettext("Name the public body that holds this information."), code="no_body")


@transaction.atomic
def decide(request: InformationRequest, *, by, decision: Decision) -> RequestEvent:
    request = _lock(request)
    _check(by, "decide", request)
    check_decision(decision)
    granted = decision.outcome in (Status.GRANTED, Status.PARTLY_GRANTED)
    request.status = decision.outcome
    request.decided_at = timezone.now()
    request.decided_by = by
    request.decision_text = decision.decision_text.strip()
    request.signer_name = decision.signer_name.strip()
    request.signer_position = decision.signer_position.strip()
    request.exemption = decision.exemption if decision.outcome in (Status.REFUSED, Status.PARTLY_GRANTED) else ""
    request.consequence_test = decision.consequence_test.strip() if request.exemption else ""
    request.access_details = decision.access_details.strip() if granted else ""
    request.cost = decision.cost if granted else None
    request.forward_to = decision.forward_to.strip() if decision.outcome == Status.NOT_OUR_AUTHORITY else ""
    if granted and decision.answer_file is not None:
        request.answer_file.save(decision.answer_file.name, decision.answer_file, save=False)
    request.save()
    message = request.get_status_display()
    if request.exemption:
        message += f" — {gettext('exemption ground')}: Pasal 17 {request.get_exemption_display()}"
    if request.forward_to:
        message += " — " + gettext("ask %(body)s, which holds this information") % {"body": request.forward_to}
    return _event(request, kind=EventKind.DECIDED, actor=by, message=f"{message}\n\n{request.decision_text}")


@transaction.atomic
def add_note(request: InformationRequest, *, by, note: str) -> RequestEvent:
    request = _lock(request)
    _check(by, "note", request)
    if not note.strip():
        raise Refused(gettext("Write the note."))
    return _event(request, kind=EventKind.NOTE, actor=by, note=note.strip())


# --- the objection (keberatan) --------------------------------------------------------------------------------


@transaction.atomic
def file_objection(request: InformationRequest, *, grounds: list[str], reason: str) -> Objection:
    """The requester objects (from the tracking page, whose session proves they are the requester)."""
    request = _lock(request)
    if objection_of(request) is not None:
        raise Refused(gettext("An objection to this request was already filed."), code="already_objected", status=409)
    closes = clock.objection_closes(request)
    if closes is None:
        raise Refused(
            gettext(
                "An objection is possible once there is a decision, or once the answer period ends without one "
                "(%(date)s)."
            )
            % {"date": dates.format_datetime(request.due_at, request.unit.time_zone)},
            code="too_early",
            status=409,
        )  # fmt: skip
    now = timezone.now()
    if now > closes:
        raise Refused(
            gettext("The period for an objection closed on %(date)s (30 working days), so it can no longer be filed.")
            % {"date": dates.format_datetime(closes, request.unit.time_zone)},
            code="too_late",
            status=409,
        )
    grounds = [g for g in grounds if g in ObjectionGround.values]
    if not grounds:
        raise Refused(gettext("Choose at least one ground of the objection."))
    if not reason.strip():
        raise Refused(gettext("Explain the objection."))
    objection = Objection.objects.create(
        request=request, grounds=grounds, reason=reason.strip(), filed_at=now,
        due_at=clock.objection_due(now, request.unit.time_zone),
    )  # fmt: skip
    labels = "; ".join(str(ObjectionGround(g).label) for g in grounds)
    _event(request, kind=EventKind.OBJECTED, by_requester=True, message=f"{labels}\n\n{objection.reason}")
    return objection


@transaction.atomic
def answer_objection(
    request: InformationRequest, *, by, upheld: bool, answer: str, signer_name: str, signer_position: str
) -> Objection:
    request = _lock(request)
    _check(by, "answer_objection", request)
    objection = Objection.objects.select_for_update().filter(request=request).first()
    if objection is None or objection.status != ObjectionStatus.FILED:
        raise Refused(gettext("There is no objection waiting for an answer."), code="bad_state", status=409)
    if not answer.strip():
        raise Refused(gettext("Write the answer and its reasons."))
    if not (signer_name.strip() and signer_position.strip()):
        raise Refused(gettext("Give the name and position of the atasan PPID who signs the answer."))
    now = timezone.now()
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
    objection.answer = answer.strip()
    objection.answered_at = now
    objection.answered_by = by
    objection.signer_name = signer_name.strip()
    objection.signer_position = signer_position.strip()
    objection.commission_deadline = clock.commission_deadline(now, request.unit.time_zone)
    objection.save()
    message = gettext(
        "%(outcome)s. If you disagree, you may take the dispute to the Information Commission by %(date)s."
    ) % {
        "outcome": objection.get_status_display(),
        "date": dates.format_datetime(objection.commission_deadline, request.unit.time_zone),
    }  # fmt: skip
    _event(request, kind=EventKind.OBJECTION_ANSWERED, actor=by, message=f"{message}\n\n{objection.answer}")
    return objection


@transaction.atomic
def record_dispute(request: InformationRequest, *, by, filed_on: date) -> Objection:
    """Staff record that the requester took the dispute to the Information Commission (for the yearly report)."""
    request = _lock(request)
    _check(by, "record_dispute", request)
    objection = Objection.objects.select_for_update().filter(request=request).first()
    if objection is None or objection.status == ObjectionStatus.FILED:
        raise Refused(gettext("A dispute follows the answer to an objection."), code="bad_state", status=409)
    if objection.dispute_filed_on is not None:
        raise Refused(gettext("The dispute was already recorded."), code="bad_state", status=409)
    if filed_on > timezone.localdate():
        raise Refused(gettext("The date cannot be in the future."))
    objection.dispute_filed_on = filed_on
    objection.save(update_fields=["dispute_filed_on", "updated_at"])
    _event(request, kind=EventKind.DISPUTE, actor=by, note=gettext("Registered on %(date)s") % {"date": filed_on})
    return objection
