"""The fan-out of a published release to the media partners' mailing list.

    publish ─on commit→ start(release_id) ─→ coordinate_dispatch_task ─→ send_batch_task × ⌈n / BATCH⌉

`coordinate` turns the matching confirmed subscribers into Delivery rows, COORDINATOR_CHUNK at a time in
subscriber-id order (keyset pagination: the last id is kept on the Dispatch, so a killed coordinator
resumes), with bulk inserts that ignore conflicts: the unique (dispatch, subscriber) row is what makes a
release reach a subscriber once, whatever runs twice. `send_batch` claims up to DISPATCH_BATCH_SIZE pending
rows with SELECT … FOR UPDATE SKIP LOCKED and a lease, renders the release once per language with
placeholders for the per-subscriber fields, sends each message through one open connection of the e-mail
backend and marks the rows with one UPDATE per outcome.
A row whose lease expired (its worker was killed) goes back to pending in `sweep`, run by beat; only the
messages in flight at a kill can arrive twice."""

from __future__ import annotations

import logging
import math
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid
from typing import Any

from anymail.exceptions import AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from humas import access, outbox, ratelimit
from humas.errors import Refused
from humas.models import Unit
from humas.outages import outage
from releases.models import Release, ReleasePhoto, Status

from . import deliveries, release_mail, subscriptions
from .models import (
    Delivery,
    DeliveryStatus,
    Dispatch,
    DispatchPhase,
    DispatchState,
    Subscriber,
    SubscriberStatus,
)

log = logging.getLogger(__name__)

COORDINATOR_CHUNK = 2000  # delivery rows inserted per statement
BACKOFF_BASE = 30  # seconds before the first retry of a transient failure; doubles up to DISPATCH_BACKOFF_CAP
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
STOP_CHECK_SECONDS = 1.0  # how often a batch still sending looks whether its release was withdrawn


# --- starting and preparing --------------------------------------------------------------------------


def start(release_id: int) -> int | None:
    """The releases.publishing.PUBLISHED_HOOKS entry: one Dispatch per release (a second call finds it and
    does nothing). A dispatch made under embargo turns public: it prepares again from the first subscriber,
    and the unique (dispatch, subscriber) skips those who had the embargoed copy; rows of the embargo that
    were cancelled (the embargo was withdrawn before they went) are due again, as ordinary messages."""
    with transaction.atomic():
        dispatch, created = Dispatch.objects.get_or_create(release_id=release_id)
        if not created:
            dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
            if dispatch.phase != DispatchPhase.EMBARGO:
                return None
            Delivery.objects.filter(dispatch=dispatch, status=DeliveryStatus.CANCELLED).update(
                status=DeliveryStatus.PENDING, embargoed=False, attempts=0, next_attempt_at=None, last_error=""
            )
            Dispatch.objects.filter(pk=dispatch.pk).update(
                phase=DispatchPhase.PUBLIC, state=DispatchState.PREPARING, cursor=0, finished_at=None
            )
        dispatch_id = dispatch.pk
        transaction.on_commit(lambda: _enqueue_coordinator(dispatch_id))
    return dispatch_id


def skip(release_id: int) -> bool:
    """Never e-mail this release (the demo's back-dated releases): a finished dispatch with no recipients,
    made before the publication hook runs, so that start() finds it and sends nothing. False when the
    release already had a dispatch."""
    _dispatch, created = Dispatch.objects.get_or_create(
        release_id=release_id, defaults={"state": DispatchState.DONE, "finished_at": timezone.now()}
    )
    return created


_broker_outage = outage("Celery broker (mailing)")


def _enqueue(task, args: list, *, consequence: str, **options) -> bool:
    """Publish a task; with the broker away (now, or a few seconds ago) log at most once a minute and return
    False: the dispatch sweep picks the work up when it answers again."""
    if _broker_outage.active():
        return False
    try:
        task.apply_async(args=args, retry=False, **options)
    except Exception as exc:  # kombu's OperationalError, redis-py's errors: the broker is not there now
        _broker_outage.failed(exc, consequence)
        return False
    return True


def _enqueue_coordinator(dispatch_id: int) -> None:
    from .tasks import coordinate_dispatch_task

    _enqueue(coordinate_dispatch_task, [dispatch_id], consequence="the sweep prepares the dispatch")


def _enqueue_sends(dispatch_id: int, count: int, countdown: float = 0) -> None:
    from .tasks import send_batch_task

    for _n in range(count):
        if not _enqueue(send_batch_task, [dispatch_id], consequence="the sweep sends", countdown=countdown):
            return


def recipients(release: Release):
    """Confirmed subscribers whose preferences match the release. A preference left empty means 'all'; a
    unit chosen covers the units below it."""
    unit_ids = Unit.objects.ancestors_of(release.unit_id).values("pk")
    through_units = Subscriber.units.through.objects.filter(subscriber_id=OuterRef("pk"))
    through_categories = Subscriber.categories.through.objects.filter(subscriber_id=OuterRef("pk"))
    through_tags = Subscriber.tags.through.objects.filter(subscriber_id=OuterRef("pk"))
    tag_ids = list(release.tags.values_list("pk", flat=True))
    matches = (
        (~Exists(through_units) | Exists(through_units.filter(unit_id__in=unit_ids)))
        & (~Exists(through_categories) | Exists(through_categories.filter(category_id=release.category_id)))
        & (~Exists(through_tags) | Exists(through_tags.filter(tag_id__in=tag_ids)))
    )
    return Subscriber.objects.filter(matches, status=SubscriberStatus.CONFIRMED)


def embargo_recipients(release: Release):
    """Those of `recipients` who write for a verified media partner: they receive the release under embargo."""
    return recipients(release).filter(outlet__verified=True)


def coordinate(dispatch_id: int) -> int:
    """Create the dispatch's delivery rows chunk by chunk and enqueue the send tasks. Returns rows made."""
    dispatch = Dispatch.objects.select_related("release").get(pk=dispatch_id)
    if dispatch.state != DispatchState.PREPARING:
        return 0
    release = dispatch.release
    embargoed = dispatch.phase == DispatchPhase.EMBARGO
    query = (embargo_recipients if embargoed else recipients)(release).order_by("pk").values_list("pk", flat=True)
    batch = settings.DISPATCH_BATCH_SIZE
    made = 0
    while True:
        with transaction.atomic():
            locked = Dispatch.objects.select_for_update().get(pk=dispatch_id)
            if locked.state != DispatchState.PREPARING or locked.phase != dispatch.phase:
                return made
            ids = list(query.filter(pk__gt=locked.cursor)[:COORDINATOR_CHUNK])
            fields = {}
            if ids:
                deliveries.insert(dispatch_id, ids, embargoed=embargoed)
                fields["cursor"] = ids[-1]
                count = math.ceil(len(ids) / batch)
                transaction.on_commit(lambda count=count: _enqueue_sends(dispatch_id, count))
                made += len(ids)
            else:  # no send task will come to finish it
                transaction.on_commit(lambda: finish_if_done(dispatch_id))
            last = len(ids) < COORDINATOR_CHUNK  # a short (or empty) chunk is the last one: sending starts
            if last:
                fields.update(
                    state=DispatchState.SENDING, recipients=Delivery.objects.filter(dispatch_id=dispatch_id).count()
                )
            Dispatch.objects.filter(pk=dispatch_id).update(**fields)
            if last:
                return made


# --- sending -----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _featured_url(release: Release) -> str:
    photo = (
        ReleasePhoto.objects.filter(release=release).exclude(image="").order_by("-is_featured", "order", "pk").first()
    )
    if photo is None:
        return ""
    url = photo.image.url
    return url if url.startswith("http") else settings.SITE_URL + url


def _throttle(rate: int) -> None:
    """A global messages-per-second limit shared by every worker through the cache (Redis)."""
    if not rate:
        return
    while True:
        second = int(time.time())
        if ratelimit.hit("dispatch-rate", str(second), limit=rate, window=2):
            return
        time.sleep(max(0.0, second + 1 - time.time()))


# what a failed message means for its row: the address is refused (a bounce), this message is tried again
# later, or the connection (or our own sender address) is at fault and the rest of the batch waits too
BOUNCE, RETRY, RETRY_REST = "bounce", "retry", "retry-rest"


def _classify(exc: Exception) -> tuple[str, str]:
    """(BOUNCE / RETRY / RETRY_REST, short error) for an exception of one message's sending."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(exc.recipients.values()))
        text = message.decode(errors="replace") if isinstance(message, bytes) else message
        return (BOUNCE if code >= 500 else RETRY), f"{code} {text}"
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        error = f"{exc.smtp_code} {message}"
        if isinstance(exc, smtplib.SMTPSenderRefused):
            # the server refuses our own From address: nobody's mailbox is at fault, so nobody bounces
            log.error("the SMTP server refuses the sender: %s", error)
            return RETRY_REST, error
        return (BOUNCE if exc.smtp_code >= 500 else RETRY), error
    if isinstance(exc, AnymailRecipientsRefused):  # an ESP's API refused the address (django-anymail)
        return BOUNCE, f"{type(exc).__name__}: {exc}"[:300]
    return RETRY_REST, f"{type(exc).__name__}: {exc}"  # the connection is gone or hangs


def _backoff(attempts: int) -> float:
    return outbox.backoff(attempts, base=BACKOFF_BASE, cap=settings.DISPATCH_BACKOFF_CAP)


def _stopped(dispatch_id: int) -> bool:
    return Dispatch.objects.filter(pk=dispatch_id, state=DispatchState.STOPPED).exists()


def send_batch(dispatch_id: int, *, size: int | None = None) -> Outcome:
    """Claim, render, send through one open connection, mark. Running it twice sends nothing twice."""
    outcome = Outcome()
    size = size or settings.DISPATCH_BATCH_SIZE
    dispatch = Dispatch.objects.select_related("release__unit").filter(pk=dispatch_id).first()
    if dispatch is None or dispatch.state == DispatchState.STOPPED:
        return outcome
    release = dispatch.release
    if not sendable(dispatch, release):
        stop(dispatch_id)
        return outcome
    now = timezone.now()
    rows = deliveries.claim(dispatch_id, size, now=now)
    if not rows:
        finish_if_done(dispatch_id)
        return outcome
    done: list[deliveries.Row] = []
    bounced: list[tuple[str, str]] = []
    smtp = get_connection(fail_silently=False)
    try:
        smtp.open()
    except Exception as exc:  # the server is down or hangs: every row waits for a later try
        _, error = _classify(exc)
        for row in rows:
            _retry(row, error, now, outcome)
        deliveries.save(rows)
        _enqueue_retry(dispatch_id, rows)
        return outcome
    composer = release_mail.Composer(release, photo_url=_featured_url(release), connection=smtp)
    batch, host = deliveries.new_batch(), subscriptions.list_id().strip("<>")
    rate = settings.DISPATCH_RATE_PER_SECOND
    check_at = time.monotonic() + STOP_CHECK_SECONDS
    try:
        for index, row in enumerate(rows):
            if time.monotonic() >= check_at:  # a slow (rate-limited) batch notices a withdrawal meanwhile
                check_at = time.monotonic() + STOP_CHECK_SECONDS
                if _stopped(dispatch_id):
                    for rest in rows[index:]:
                        rest.status, rest.lease_until = DeliveryStatus.CANCELLED, None
                        done.append(rest)
                    break
            row.attempts += 1
            under_embargo = row.embargoed and release.status != Status.PUBLISHED
            if row.subscriber_status != SubscriberStatus.CONFIRMED or (under_embargo and not row.outlet_verified):
                # left or bounced since the row was made, or their outlet's verification was revoked meanwhile
                row.status, row.lease_until = DeliveryStatus.CANCELLED, None
                done.append(row)
                continue
            message = composer.compose(
                subscriber_id=row.subscriber_id,
                name=row.name,
                email=row.email,
                language=row.language,
                message_id=deliveries.message_id(batch, row.pk, host),
                embargo_delivery=row.pk if under_embargo else None,
            )
            _throttle(rate)
            try:
                composer.send(smtp, message)
            except Exception as exc:
                outcome_kind, error = _classify(exc)
                if outcome_kind == BOUNCE:
                    row.status, row.last_error, row.lease_until = DeliveryStatus.FAILED, error[:300], None
                    outcome.failed += 1
                    bounced.append((row.email, error))
                    done.append(row)
                    continue
                if outcome_kind == RETRY:
                    _retry(row, error, now, outcome)  # a 4xx for this message: the connection is fine
                    done.append(row)
                    continue
                # RETRY_REST: this row and the rest of the batch wait for a later try (bounded by the attempts)
                for rest in rows[index:]:
                    if rest is not row:
                        rest.attempts += 1
                    _retry(rest, error, now, outcome)
                    done.append(rest)
                break
            row.status, row.sent_at, row.lease_until = DeliveryStatus.SENT, now, None
            row.last_error = ""
            outcome.sent += 1
            done.append(row)
    finally:
        try:
            smtp.close()
        except Exception:  # closing a broken connection
            log.debug("dispatch %s: closing the SMTP connection failed", dispatch_id, exc_info=True)
        # whatever happened, what was sent is recorded (a crash here leaves the rest to the lease)
        deliveries.save(done, batch=batch, host=host)
    for email, error in bounced:
        subscriptions.record_bounce(email=email, permanent=True, channel="dispatch", detail=error)
    _enqueue_retry(dispatch_id, done)
    if len(rows) == size and _due(dispatch_id, timezone.now()).exists():
        # a full batch passes the baton: the send tasks a killed worker had reserved (held by the broker
        # until its visibility timeout) are not waited for; a short batch found the due rows exhausted
        transaction.on_commit(lambda: _enqueue_sends(dispatch_id, 1))
    else:
        finish_if_done(dispatch_id)
    return outcome


def sendable(dispatch: Dispatch, release: Release) -> bool:
    """A dispatch sends while its release is published, or, made under embargo, while the release is out
    under an embargo that has not lifted."""
    if release.status == Status.PUBLISHED:
        return True
    return dispatch.phase == DispatchPhase.EMBARGO and release.under_embargo


def _due(dispatch_id: int, now):
    return Delivery.objects.filter(dispatch_id=dispatch_id, status=DeliveryStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _retry(row: deliveries.Row, error: str, now, outcome: Outcome) -> None:
    row.last_error = error[:300]
    row.lease_until = None
    if row.attempts >= settings.DISPATCH_MAX_ATTEMPTS:
        row.status = DeliveryStatus.FAILED
        outcome.failed += 1
    else:
        row.status = DeliveryStatus.PENDING
        row.next_attempt_at = now + timedelta(seconds=_backoff(row.attempts))
        outcome.retried += 1


def _enqueue_retry(dispatch_id: int, rows: list[deliveries.Row]) -> None:
    waiting = [r for r in rows if r.status == DeliveryStatus.PENDING]
    if waiting:
        soonest = min(r.next_attempt_at for r in waiting)
        countdown = max(0.0, (soonest - timezone.now()).total_seconds())
        transaction.on_commit(lambda: _enqueue_sends(dispatch_id, 1, countdown=countdown))


def finish_if_done(dispatch_id: int) -> None:
    if not Delivery.objects.filter(dispatch_id=dispatch_id, status__in=OPEN).exists():
        Dispatch.objects.filter(pk=dispatch_id, state=DispatchState.SENDING).update(
            state=DispatchState.DONE, finished_at=timezone.now()
        )


def withdrawn(release_id: int) -> int:
    """The releases.publishing.WITHDRAWN_HOOKS entry, called in the withdrawal's transaction: the release's
    dispatch stops at once (a batch being sent notices within STOP_CHECK_SECONDS). Returns the deliveries
    cancelled."""
    dispatch_id = Dispatch.objects.filter(release_id=release_id).values_list("pk", flat=True).first()
    return stop(dispatch_id) if dispatch_id is not None else 0


def stop(dispatch_id: int) -> int:
    """The release was withdrawn: its pending deliveries are cancelled (those being sent finish)."""
    with transaction.atomic():
        Dispatch.objects.filter(pk=dispatch_id).exclude(state=DispatchState.DONE).update(
            state=DispatchState.STOPPED, finished_at=timezone.now()
        )
        return Delivery.objects.filter(dispatch_id=dispatch_id, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.CANCELLED
        )


# --- periodic sweep and staff actions ----------------------------------------------------------------

TEST_POLICY = ratelimit.POLICIES["release-test-mail"]  # test e-mails per staff member per window


def request_test(release: Release, *, by: Any) -> str:
    """'Send a test to me': the release e-mail as a media partner would get it, to the staff member's own
    address only (no Delivery row; the links lead to the public subscription page, not to anyone's
    preferences). Sent by a task on commit. Returns the address."""
    if not access.can(by, "release.write", release):
        raise Refused(_("You may not send this release."), code="forbidden", status=403)
    address = (getattr(by, "email", "") or "").strip()
    if not address:
        raise Refused(_("Your account has no e-mail address. Ask an administrator to add one, then try again."))
    if not ratelimit.allow("release-test-mail", str(by.pk)):
        raise Refused(
            _("You have sent %(limit)d test e-mails in the last %(minutes)d minutes. Wait a while and try again.")
            % {"limit": TEST_POLICY.current_limit(), "minutes": TEST_POLICY.window // 60},
            code="throttled",
            status=429,
        )
    language = translation.get_language() or settings.LANGUAGE_CODE
    language = "en" if language.startswith("en") else "id"
    release_id, user_id = release.pk, by.pk
    transaction.on_commit(lambda: _enqueue_test(release_id, user_id, language))
    return address


def _enqueue_test(release_id: int, user_id: int, language: str) -> None:
    from .tasks import send_test_mail_task

    _enqueue(send_test_mail_task, [release_id, user_id, language], consequence="the test e-mail is not sent")


def send_test(release_id: int, user_id: int, language: str) -> None:
    """The task's work: render and send the test e-mail to the user's current address."""
    from django.contrib.auth import get_user_model

    release = Release.objects.select_related("unit").get(pk=release_id)
    user = get_user_model().objects.get(pk=user_id)
    if not user.email:
        return
    rendered = release_mail.render(release, language, _featured_url(release))
    with translation.override(language):
        public = subscriptions.absolute(reverse("mailing:subscribe"))
        subject = _("[TEST] %(subject)s") % {"subject": rendered.subject}
    name = user.get_full_name() or user.get_username()
    email = release_mail.message(
        release_mail.Rendered(subject, rendered.text, rendered.html), to=user.email, name=name,
        links={"manage_url": public, "unsubscribe_url": public},
        message_id=make_msgid(domain=subscriptions.list_id().strip("<>")), reply_to=release.contact_email,
    )  # fmt: skip
    email.send()


def sweep(*, now=None) -> int:
    """Beat runs this every minute: rows whose lease expired (a killed worker) go back to pending; every
    dispatch with due rows gets send tasks again (a lost task costs a minute, not a message); a coordinator
    that died is restarted. Returns the number of send tasks enqueued."""
    now = now or timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, lease_until__lt=now).update(
        status=DeliveryStatus.PENDING, lease_until=None
    )
    enqueued = 0
    due = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, dispatch__state=DispatchState.SENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .values("dispatch_id")
        .annotate(n=Count("pk"))
    )
    for row in due:
        count = math.ceil(row["n"] / settings.DISPATCH_BATCH_SIZE)
        _enqueue_sends(row["dispatch_id"], count)
        enqueued += count
    stale = now - timedelta(minutes=1)
    for dispatch_id in Dispatch.objects.filter(state=DispatchState.PREPARING, started_at__lt=stale).values_list(
        "pk", flat=True
    ):
        _enqueue_coordinator(dispatch_id)
    return enqueued


@transaction.atomic
def resend_failed(dispatch: Dispatch) -> int:
    if dispatch.release.status != Status.PUBLISHED:
        raise Refused(_("The release is no longer published: nothing is sent."))
    count = Delivery.objects.filter(
        dispatch=dispatch, status=DeliveryStatus.FAILED, subscriber__status=SubscriberStatus.CONFIRMED
    ).update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, last_error="")
    if count:
        Dispatch.objects.filter(pk=dispatch.pk).update(state=DispatchState.SENDING, finished_at=None)
        batches = math.ceil(count / settings.DISPATCH_BATCH_SIZE)
        transaction.on_commit(lambda: _enqueue_sends(dispatch.pk, batches))
    return count


def exhausted():
    """Deliveries that ran out of attempts (not bounced: a bounce fails on its own attempt count) of releases
    still published, to subscribers still confirmed: the mail needing attention."""
    return Delivery.objects.filter(
        status=DeliveryStatus.FAILED,
        attempts__gte=settings.DISPATCH_MAX_ATTEMPTS,
        subscriber__status=SubscriberStatus.CONFIRMED,
        dispatch__release__status=Status.PUBLISHED,
    )


def exhausted_count() -> int:
    return exhausted().count()


def requeue_exhausted(delivery_ids: list[int] | None = None) -> int:
    """The exhausted deliveries (all, or those of `delivery_ids`) become pending with fresh attempts and
    their dispatches send again; a second call finds none. Returns the count requeued."""
    with transaction.atomic():
        rows = exhausted()
        if delivery_ids is not None:
            rows = rows.filter(pk__in=delivery_ids)
        picked = list(rows.select_for_update(of=("self",)).values_list("pk", "dispatch_id"))
        Delivery.objects.filter(pk__in=[pk for pk, _ in picked]).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, last_error=""
        )
        per_dispatch: dict[int, int] = {}
        for _pk, dispatch_id in picked:
            per_dispatch[dispatch_id] = per_dispatch.get(dispatch_id, 0) + 1
        Dispatch.objects.filter(pk__in=list(per_dispatch)).update(state=DispatchState.SENDING, finished_at=None)
        for dispatch_id, count in per_dispatch.items():
            batches = math.ceil(count / settings.DISPATCH_BATCH_SIZE)
            transaction.on_commit(lambda d=dispatch_id, b=batches: _enqueue_sends(d, b))
    return len(picked)


def progress(dispatch: Dispatch) -> dict[str, Any]:
    counts = dict(Delivery.objects.filter(dispatch=dispatch).values_list("status").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    return {
        "total": total,
        "sent": counts.get(DeliveryStatus.SENT, 0),
        "failed": counts.get(DeliveryStatus.FAILED, 0),
        "cancelled": counts.get(DeliveryStatus.CANCELLED, 0),
        "open": counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0),
        "done": total - counts.get(DeliveryStatus.PENDING, 0) - counts.get(DeliveryStatus.SENDING, 0),
    }
