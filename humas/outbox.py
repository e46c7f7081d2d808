"""The e-mail outbox. `enqueue` writes the message in the caller's transaction and, on commit, wakes the
sender: a Celery task that sends every pending message (`send_pending`). Wake-ups are coalesced — the
first message after the sender started publishes a task, later ones only ring a counter in Redis — so under
load one task sends hundreds of messages instead of one task each. When the broker cannot be reached (or a
wake-up is lost with a killed worker) the rows simply wait for `sweep`, run every minute by beat. `deliver`
sends one row at most once: it holds the row's lock while sending and skips locked rows."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import ratelimit, sql
from .models import OutboxEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SWEEP_BATCH = 200
# rows younger than this are left to their own on-commit task; the sweep takes the rest
SWEEP_GRACE = timedelta(minutes=2)


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
    """Store the message (once per key) and send it after the surrounding transaction commits. `context`
    must be JSON (ids, not objects). Returns the row's id."""
    return enqueue_with([], key=key, to=to, template=template, context=context, language=language)


def enqueue_with(
    statements: list[sql.Statement], *, key: str, to: str, template: str, context: dict, language: str | None = None
) -> int:
    """`enqueue`, after running `statements` in the same round trip (humas.sql.run): the caller's rows and
    the message are written together or not at all."""
    now = timezone.now()
    table = OutboxEmail._meta.db_table
    # no savepoint: a key seen before inserts nothing and returns no row
    store = sql.Statement(
        f"INSERT INTO {table} (key, \"to\", template, context, language, subject, status, attempts,"  # noqa: S608
        " last_error, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, '', %s, 0, '', %s, %s)"
        " ON CONFLICT (key) DO NOTHING RETURNING id",
        [key, to, template, json.dumps(context), language or settings.LANGUAGE_CODE,
         OutboxEmail.Status.PENDING, now, now],
    )  # fmt: skip
    rows = sql.run([*statements, store])
    if not rows:
        return OutboxEmail.objects.values_list("pk", flat=True).get(key=key)  # queued before: once per key
    message_id = rows[0][0]
    transaction.on_commit(_wake_sender)
    return message_id


def render_message(message: OutboxEmail) -> EmailMultiAlternatives:
    builder = CONTEXT_BUILDERS.get(message.template, lambda context: context)
    subject, text, html = render_email(message.template, builder(message.context), language=message.language)
    email = EmailMultiAlternatives(subject, text, to=[message.to])
    if html:
        email.attach_alternative(html, "text/html")
    return email


# the doorbell: how many messages were stored since the sender last started. A wake-up task lost with a
# killed worker leaves it rung; it expires after WAKE_WINDOW seconds and the sweep sends meanwhile.
DOORBELL = ("outbox-wake", "sender")
WAKE_WINDOW = 120


def _wake_sender() -> None:
    if ratelimit.count(*DOORBELL, window=WAKE_WINDOW) > 1:
        return  # a sender is queued or at work and will find the message
    from .tasks import send_pending_email_task

    try:
        send_pending_email_task.apply_async(retry=False)
    except Exception:  # the broker is down: the sweep sends it later; the next message tries again
        ratelimit.reset(*DOORBELL)
        log.warning("outbox: broker unreachable, messages wait for the sweep", exc_info=True)


def send_pending() -> int:
    """The woken sender: answer the doorbell, then send every pending message that is due. A message
    stored after the doorbell was answered rings it again and wakes another task. Returns the count sent."""
    ratelimit.reset(*DOORBELL)
    return _send_due(_due(timezone.now()))


def _due(now):
    return (
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
        .exclude(next_attempt_at__gt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _send_due(due, *, one_batch: bool = False) -> int:
    """Deliver the ids of `due`, SWEEP_BATCH at a time (keyset: a row locked by another sender is skipped,
    not met again). Returns the number sent."""
    sent, last = 0, 0
    while True:
        batch = list(due.filter(pk__gt=last)[:SWEEP_BATCH])
        sent += sum(1 for message_id in batch if deliver(message_id))
        if one_batch or len(batch) < SWEEP_BATCH:
            return sent
        last = batch[-1]


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
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxEmail.Status.FAILED
            else:
                backoff = 60 * 2 ** (message.attempts - 1)
                message.next_attempt_at = timezone.now() + timedelta(seconds=backoff + random.uniform(0, backoff / 4))
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "updated_at"])
            return False
        message.status = OutboxEmail.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", "subject", "updated_at"])
        return True


def sweep(*, now=None) -> int:
    """Send pending messages that no woken sender did (broker down, worker lost): those older than
    SWEEP_GRACE, at most SWEEP_BATCH a run. Returns the count."""
    now = now or timezone.now()
    return _send_due(_due(now).filter(created_at__lte=now - SWEEP_GRACE), one_batch=True)
