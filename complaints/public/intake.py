"""Intake: a citizen's report becomes a Complaint, its attachments and its first event, all or nothing.
The receipt e-mail goes through the outbox, so a broker outage never loses it."""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image

from complaints.handling import sla, workflow
from complaints.models import (
    TRACKING_PREFIX,
    Attachment,
    AttachmentKind,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    IdentityMode,
    Status,
    Visibility,
    private_storage,
)
from complaints.reporting import summaries
from humas import codes, dates, db, outbox, ratelimit, units
from humas.errors import Refused
from humas.models import Unit
from humas.uploads import MB, clean_image, clean_pdf, safe_display_name, sniff

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * MB
THUMBNAIL_SIDE = 400


def find_by_code(text: str) -> Complaint | None:
    """The report whose code a person typed (forgiving case, dashes and the ADU- prefix), by its keyed hash
    under SECRET_KEY or a fallback key; None when there is none. Callers rate-limit the look-up."""
    code = codes.normalise(text, TRACKING_PREFIX)
    if code is None:
        return None
    return Complaint.objects.select_related("unit", "category").filter(tracking_digest__in=codes.digests(code)).first()


_REFERENCE = re.compile(r"^#?\s*(\d{4})\s*[-/]\s*(\d{1,9})$")


def by_reference(text: str):
    """The reports (a queryset: none or one) a reference names: '#2026-000123', '2026-123', '2026/000123'
    (see Complaint.reference). The caller narrows it to what its user may see."""
    found = _REFERENCE.match((text or "").strip())
    if found is None:
        return Complaint.objects.none()
    reference = f"{found.group(1)}-{int(found.group(2)):06d}"
    report = Complaint.objects.filter(pk=int(found.group(2))).only("pk", "created_at").first()
    if report is None or report.reference != reference:  # the number exists but was filed in another year
        return Complaint.objects.none()
    return Complaint.objects.filter(pk=report.pk)


def root_unit() -> Unit:
    unit = Unit.objects.active().roots().order_by("pk").first()
    if unit is None:
        raise ValidationError(
            _("The portal has no units yet, so reports cannot be received. Please contact the office.")
        )
    return unit


# --- attachments ----------------------------------------------------------------------------------------------


@dataclass
class PreparedFile:
    kind: str
    file: ContentFile
    thumbnail: ContentFile | None
    original_name: str
    content_type: str
    width: int | None = None
    height: int | None = None


def prepare_attachments(files: list) -> list[PreparedFile]:
    """Check and re-encode every file before anything is written. Raises ValidationError naming the file."""
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            ngettext(
                "At most %(max)d file can be attached; you chose %(count)d.",
                "At most %(max)d files can be attached; you chose %(count)d.",
                MAX_ATTACHMENTS,
            )
            % {"max": MAX_ATTACHMENTS, "count": len(files)},
            code="too_many_files",
        )
    prepared = []
    for upload in files:
        name = safe_display_name(getattr(upload, "name", ""))
        try:
            prepared.append(_prepare_one(upload, name))
        except ValidationError as exc:
            raise ValidationError(
                _("%(name)s: %(problem)s") % {"name": name, "problem": " ".join(exc.messages)}, code=exc.code
            ) from None
    return prepared


IMAGE_EXTENSIONS = {"jpg", "jpeg", "jpe", "png", "webp"}


def _prepare_one(upload, name: str) -> PreparedFile:
    kind = sniff(upload)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    # a name that promises one type over content of another is refused: it is how disguised files arrive
    if (extension in IMAGE_EXTENSIONS and kind != "image") or (extension == "pdf" and kind != "pdf"):
        raise ValidationError(
            _("the file is named .%(ext)s but its content is not a %(what)s.")
            % {"ext": extension, "what": _("PDF document") if extension == "pdf" else _("photo")},
            code="disguised",
        )
    if kind == "pdf":
        pdf = clean_pdf(upload, max_bytes=MAX_ATTACHMENT_BYTES)
        return PreparedFile(AttachmentKind.PDF, pdf, None, _with_extension(name, "pdf"), "application/pdf")
    if kind != "image":
        raise ValidationError(
            _("only photos (JPEG, PNG, WebP) and PDF documents are accepted; this file is neither."), code="bad_type"
        )
    clean = clean_image(upload, max_bytes=MAX_ATTACHMENT_BYTES, max_pixels=40_000_000, max_side=2560)
    thumb_source = Image.open(io.BytesIO(clean.file.read()))
    clean.file.seek(0)
    thumb_source.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    if thumb_source.mode not in ("RGB", "RGBA"):
        thumb_source = thumb_source.convert("RGB")
    out = io.BytesIO()
    thumb_source.save(out, format="WEBP", quality=75)
    thumbnail = ContentFile(out.getvalue(), name=clean.file.name.rsplit(".", 1)[0] + "-thumb.webp")
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[clean.format]
    return PreparedFile(
        AttachmentKind.IMAGE,
        clean.file,
        thumbnail,
        _with_extension(name, ext),
        f"image/{clean.format.lower()}",
        clean.width,
        clean.height,
    )


def _with_extension(name: str, ext: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'berkas'}.{ext}"


def store_attachments(complaint: Complaint, event: ComplaintEvent, prepared: list[PreparedFile], stored: list[str]):
    """Write the files and their rows; every stored file name is appended to `stored` so that the caller can
    remove the files again if its transaction rolls back."""
    for item in prepared:
        attachment = Attachment(
            complaint=complaint,
            event=event,
            kind=item.kind,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.file.size,
            width=item.width,
            height=item.height,
        )
        attachment.file.save(item.file.name, item.file, save=False)
        stored.append(attachment.file.name)
        if item.thumbnail is not None:
            attachment.thumbnail.save(item.thumbnail.name, item.thumbnail, save=False)
            stored.append(attachment.thumbnail.name)
        attachment.save()


def _atomic_with_files(work):
    """Run `work(stored)` in a transaction; if it fails, delete the files it stored."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            return work(stored)
    except BaseException:
        for name in stored:
            with contextlib.suppress(OSError):
                private_storage.delete(name)
        raise


# --- the service ----------------------------------------------------------------------------------------------


@dataclass
class ComplaintInput:
    """Validated input, from the web form or the API (both validate with complaints.public.forms.ComplaintForm)."""

    kind: str
    title: str
    description: str
    unit: Unit | None = None
    category: Category | None = None
    incident_date: date | None = None
    location: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    identity_mode: str = IdentityMode.NAMED
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    visibility: str = Visibility.PUBLIC
    consent: bool = False
    social_channel: object = None  # the unit's account the report came through (staff intake)


def submit_complaint(
    *, data: ComplaintInput, files: list, channel: str = Channel.WEB, language: str | None = None, by=None
) -> Complaint:
    """File a report: the complaint, its attachments, its first event, its share of the summary tables and
    the receipt e-mail's outbox row, all or nothing (the e-mail is sent after commit). `by` is the staff
    member who recorded a report received by phone, letter, WhatsApp…; None when the citizen filed it."""
    prepared = prepare_attachments(files)  # heavy work and every refusal happen before the transaction
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    # a stranger may file reports in someone else's name: at most one receipt per address per 10 minutes and
    # a few a day (humas.ratelimit); the receipt page shows the code all the same. Staff intake is not
    # limited. Asked before the transaction, which then waits on nothing outside the database.
    email = "" if data.identity_mode == IdentityMode.ANONYMOUS else data.reporter_email
    receipt = bool(email) and (by is not None or ratelimit.allow_mail_to(email))

    def work(stored: list[str]) -> Complaint:
        return _create(data, prepared, channel, language, stored, by, receipt=receipt)

    for attempt in range(3):
        try:
            # the report, its event and its counts alone are one message (`_store`), atomic by itself
            return work([]) if not prepared and not receipt else _atomic_with_files(work)
        except IntegrityError as exc:
            # a tracking code drawn twice (1 in 2^60): draw again; any other integrity error is a bug
            if "tracking_digest" not in str(exc) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _create(
    data: ComplaintInput,
    prepared: list[PreparedFile],
    channel: str,
    language: str,
    stored: list[str],
    by=None,
    *,
    receipt: bool,
) -> Complaint:
    category_unit = data.category.unit if data.category else None
    unit = data.unit or unit_for(data, within=category_unit) or category_unit or root_unit()
    anonymous = data.identity_mode == IdentityMode.ANONYMOUS
    now = timezone.now()
    verify_by, respond_by = dates.deadlines(now, [sla.VERIFY_DAYS, sla.FIRST_RESPONSE_DAYS], unit.time_zone)
    code = codes.new_code()
    complaint = Complaint(
        kind=data.kind,
        unit=unit,
        category=data.category,
        title=data.title,
        description=data.description,
        incident_date=data.incident_date,
        location=data.location,
        latitude=data.latitude,
        longitude=data.longitude,
        channel=channel,
        social_channel=data.social_channel,
        identity_mode=data.identity_mode,
        # an anonymous report keeps no contact data, whatever was sent
        reporter_name="" if anonymous else data.reporter_name,
        reporter_email="" if anonymous else data.reporter_email.lower(),
        reporter_phone="" if anonymous else data.reporter_phone,
        visibility=data.visibility,
        consent_at=now if data.consent else None,
        language=language,
        status=Status.NEW,
        verification_due_at=verify_by,
        response_due_at=respond_by,
        tracking_digest=codes.digest(code),
    )
    event = ComplaintEvent(kind=EventKind.SUBMITTED, by_reporter=by is None, actor=by, to_status=Status.NEW)
    # with nothing else to write, the counts go with the report; otherwise they are written last: their rows
    # are shared by every filing of the unit that day, so they stay locked only from there to the commit
    alone = not prepared and not receipt
    complaint, event = _store(complaint, event, counts=alone)
    complaint.issued_code = codes.display(code, TRACKING_PREFIX)
    if receipt:
        send_receipt(complaint)
    store_attachments(complaint, event, prepared, stored)
    if not alone:
        summaries.record_new(complaint)
    return complaint


def _store(complaint: Complaint, event: ComplaintEvent, *, counts: bool) -> tuple[Complaint, ComplaintEvent]:
    """Insert the new report and its first event and, with `counts`, add its shares to the summary tables.
    On PostgreSQL one message does it all (humas.db): the summaries' upserts (locking their rows in the same
    order as every other writer of them), then one statement inserting the report and the event that points
    to it; elsewhere (the embedded SQLite) the ORM saves them one by one in a transaction."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            complaint.save(force_insert=True)
            event.complaint = complaint
            event.save(force_insert=True)
            if counts:
                summaries.record_new(complaint)
        return complaint, event
    report_sql, report_params = db.insert(complaint)  # first: it stamps created_at, which the counts read
    event_sql, event_params = db.insert(event, given={"complaint_id": "(SELECT id FROM report)"})
    parts = summaries.new_report(complaint) if counts else []
    # both INSERTs come from humas.db.insert: SQL text of the models' own tables and columns, values as parameters
    both = f"WITH report AS ({report_sql}), event AS ({event_sql}) SELECT report.id, event.id FROM report, event"  # noqa: S608
    parts.append((both, [*report_params, *event_params]))
    with connection.cursor() as cursor:
        # one message: PostgreSQL runs its statements as one transaction and answers with the last one's rows
        cursor.execute("; ".join(sql for sql, _ in parts), [value for _, values in parts for value in values])
        report_id, event_id = cursor.fetchone()
    complaint = db.loaded(
        complaint, report_id, unit=complaint.unit, category=complaint.category, social_channel=complaint.social_channel
    )
    return complaint, db.loaded(event, event_id, complaint=complaint, actor=event.actor)


def unit_for(data: ComplaintInput, *, within: Unit | None = None) -> Unit | None:
    """The unit whose area holds the reported point (the smallest, humas.units.unit_for_point), if any; with a
    category chosen, only its unit or a unit below it (the category's unit when none of their areas holds it)."""
    if data.latitude is None or data.longitude is None:
        return None
    return units.unit_for_point(float(data.latitude), float(data.longitude), within=within)


def send_receipt(complaint: Complaint) -> None:
    """Queue the receipt e-mail in the current transaction (sent after commit). The receipt is the second and
    last place the code is shown, so its outbox row carries the code sealed (humas.codes.seal: a dump of the
    outbox holds no working code); nothing else the portal stores holds a code."""
    key = f"complaint-receipt:{complaint.pk}"
    bare = codes.normalise(complaint.issued_code, TRACKING_PREFIX)
    outbox.enqueue(
        key=key,
        to=complaint.reporter_email,
        template="emails/complaint_receipt",
        context={"complaint_id": complaint.pk, "sealed_code": codes.seal(bare, key)},
        language=complaint.language,
    )


def receipt_email_context(stored: dict) -> dict:
    """The outbox's context builder for the receipt: ids (and the code) in, the template's context out."""
    complaint = Complaint.objects.select_related("unit").get(pk=stored["complaint_id"])
    code = codes.unseal(stored["sealed_code"], f"complaint-receipt:{complaint.pk}") if "sealed_code" in stored else ""
    return {**receipt_context(complaint), "code": codes.display(code, TRACKING_PREFIX) if code else ""}


def update_email_context(stored: dict) -> dict:
    """The outbox's context builder for 'something public happened to your report'."""
    event = ComplaintEvent.objects.select_related("complaint__unit", "to_unit").get(pk=stored["event_id"])
    complaint = event.complaint
    return {
        **receipt_context(complaint),
        "event": event,
        "when": dates.format_datetime(event.created_at, complaint.unit.time_zone),
        "status_changed": event.from_status != event.to_status,
    }


def receipt_context(complaint: Complaint) -> dict:
    return {
        "complaint": complaint,
        "reference": complaint.display_reference,
        "unit": complaint.unit,
        "track_url": f"{settings.SITE_URL}/pengaduan/lacak/",
        "verify_by": dates.format_datetime(complaint.verification_due_at, complaint.unit.time_zone),
        "filed_at": dates.format_datetime(complaint.created_at, complaint.unit.time_zone),
    }


def add_information(complaint: Complaint, *, message: str, files: list) -> ComplaintEvent:
    """The reporter adds information or a file to an open report (from the tracking page): the event
    (workflow.add_information, the reporter's action of the table) and the files in one transaction."""
    if not complaint.is_open:  # refused before the files are re-encoded; workflow checks again, locked
        raise Refused(str(workflow.CLOSED_REFUSAL), code="bad_state", status=409)
    existing = complaint.attachments.count()
    if existing + len(files) > MAX_ATTACHMENTS * 2:
        raise ValidationError(_("This report already has the most files it can hold."), code="too_many_files")
    prepared = prepare_attachments(files)
    if not message.strip() and not prepared:
        raise ValidationError(_("Write the information or choose a file to add."), code="empty")
    return _atomic_with_files(lambda stored: _add_information(complaint, message, prepared, stored))


def _add_information(complaint: Complaint, message: str, prepared: list[PreparedFile], stored: list[str]):
    event = workflow.add_information(complaint, message=message.strip())
    store_attachments(event.complaint, event, prepared, stored)
    return event
