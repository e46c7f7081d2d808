"""The e-mail outbox. `enqueue` writes the message in the caller's transaction; `sweep`, run every five
seconds by beat, sends every pending message that is due, so a reporter's
receipt leaves within seconds without the request publishing anything to the broker. When the broker or a
worker is down the rows simply wait for the next run. In the embedded mode (tasks inline, no beat) a message
is sent as soon as its transaction commits. `deliver` sends one row at most once: it holds the row's lock
while sending and skips locked rows, so overlapping runs never send a message twice.

A failed send is tried again after an exponential back-off capped at OUTBOX_BACKOFF_CAP seconds, so an SMTP
server down for days is waited for; after OUTBOX_MAX_ATTEMPTS the row is `failed` and counted as mail needing
attention (`/healthz`, the staff console) until `requeue_failed` (the admin's action, `manage.py
requeue_mail`) makes it pending again. Other apps' mail (the fan-out's deliveries) joins that count and that
requeue through `register_stuck`."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboxEmail

SWEEP_BATCH = 200
SWEEP_SECONDS = 50  # a run stops taking new rows after this; the next one goes on


def backoff(attempts: int, *, base: float, cap: float) -> float:
    """Seconds to wait after the `attempts`-th failure: base, 2×base, 4×base, … never above `cap`, plus up
    to a quarter of it at random so that rows failed together do not all come back in the same second."""
    wait = min(cap, base * 2 ** max(0, attempts - 1))
    return wait + random.uniform(0, wait / 4)


def render_email(template: str, context: dict, *, language: str | None = None) -> tuple[str, str, str]:
    """Render templates/<template>.subject.txt, .txt and .html into (subject, text, html)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}.subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return subject, text, html


# template name -> a function turning the stored (JSON) context into the template's context; the apps
# register theirs in AppConfig.ready(), so the outbox needs to import none of them
CONTEXT_BUILDERS: dict[str, Callable[[dict], dict]] = {}


def register(template: str, builder: Callable[[dict], dict]) -> None:
    CONTEXT_BUILDERS[template] = builder


def enqueue(*, key: str, to: str, template: str, context: dict, language: str | None = None) -> int:
    """Store the message (once per key: a key seen before writes nothing) and send it after the surrounding
    transaction commits. `context` must be JSON (ids, not objects). Returns the row's id."""
    language = language or settings.LANGUAGE_CODE
    message = OutboxEmail(key=key, to=to, template=template, context=context, language=language)
    # INSERT … ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key RETURNING id: one statement that gives the
    # row's id whether it is new or was queued before, and a repeated key neither fails nor breaks the
    # caller's transaction (the stored message itself is left as it was)
    OutboxEmail.objects.bulk_create([message], update_conflicts=True, unique_fields=["key"], update_fields=["key"])
    message_id = message.pk
    transaction.on_commit(lambda: send_now_if_inline(message_id))
    return message_id


def send_now_if_inline(message_id: int) -> None:
    """The embedded mode has no beat: there the message is sent once its transaction commits."""
    from .celery import app

    if app.conf.task_always_eager:
        deliver(message_id)


def render_message(message: OutboxEmail) -> EmailMultiAlternatives:
    builder = CONTEXT_BUILDERS.get(message.template, lambda context: context)
    subject, text, html = render_email(message.template, builder(message.context), language=message.language)
    email = EmailMultiAlternatives(subject, text, to=[message.to])
    if html:
        email.attach_alternative(html, "text/html")
    return email


def deliver(message_id: int) -> bool:
    """Send one pending message. True if it went out now."""
    with transaction.atomic():
        message = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if message is None:
            return False  # sent already, given up, or being sent by someone else right now
        message.attempts += 1
        try:
            email = render_message(message)
            message.subject = email.subject[:250]
            email.send()
        except Exception as exc:  # SMTP refusals and connection errors alike: retry later, bounded
            message.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxEmail.Status.FAILED
            else:
                wait = backoff(message.attempts, base=settings.OUTBOX_BACKOFF_BASE, cap=settings.OUTBOX_BACKOFF_CAP)
                message.next_attempt_at = timezone.now() + timedelta(seconds=wait)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "updated_at"])
            return False
        message.status = OutboxEmail.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", "subject", "updated_at"])
        return True


def sweep(*, now=None) -> int:
    """Send every pending message that is due (new, or its back-off over), oldest first, SWEEP_BATCH rows a
    query; a row another run is sending is skipped. Stops after SWEEP_SECONDS so that a backlog is shared
    between runs. Returns the count sent."""
    now = now or timezone.now()
    due = (
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
        .exclude(next_attempt_at__gt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent, last, started = 0, 0, time.monotonic()
    while time.monotonic() - started < SWEEP_SECONDS:
        batch = list(due.filter(pk__gt=last)[:SWEEP_BATCH])
        sent += sum(1 for message_id in batch if deliver(message_id))
        if len(batch) < SWEEP_BATCH:
            break
        last = batch[-1]
    return sent


# --- mail needing attention ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stuck:
    """A kind of mail that can run out of attempts: how many rows did, and how to make them pending again
    (each returns a count; requeueing twice sends nothing twice)."""

    label: str
    count: Callable[[], int]
    requeue: Callable[[], int]
    admin_url: str  # the name of the admin's list of these rows, filtered to the failed ones by the view


STUCK: dict[str, Stuck] = {}


def register_stuck(
    name: str, *, label: str, count: Callable[[], int], requeue: Callable[[], int], admin_url: str
) -> None:
    """Called from an app's AppConfig.ready(): its mail that gave up joins /healthz, the staff console's
    notice and `manage.py requeue_mail`."""
    STUCK[name] = Stuck(label=label, count=count, requeue=requeue, admin_url=admin_url)


def needing_attention() -> dict[str, int]:
    """Rows that exhausted their attempts, per kind (kinds with none included)."""
    return {name: stuck.count() for name, stuck in STUCK.items()}


def requeue_everything() -> dict[str, int]:
    return {name: stuck.requeue() for name, stuck in STUCK.items()}


def failed_count() -> int:
    return OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).count()


@transaction.atomic
def requeue_failed(ids: Iterable[int] | None = None) -> int:
    """Failed messages (all, or those of `ids`) become pending with fresh attempts; the next sweep sends each
    once (at once in the embedded mode). Rows not failed are left alone. Returns the count requeued."""
    rows = OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    requeued = list(rows.select_for_update().values_list("pk", flat=True))
    OutboxEmail.objects.filter(pk__in=requeued).update(
        status=OutboxEmail.Status.PENDING, attempts=0, next_attempt_at=None, updated_at=timezone.now()
    )
    for message_id in requeued:
        transaction.on_commit(lambda message_id=message_id: send_now_if_inline(message_id))
    return len(requeued)
