"""The e-mail outbox. `enqueue` writes the message in the caller's transaction and, on commit, wakes the
sender: a Celery task that sends every pending message (`send_pending`). Wake-ups are coalesced in each
process without any round trip: the first message after a quiet second publishes a task at once, the
messages of the following second share one task scheduled for its end — so a busy process publishes at most
two tasks a second, however many messages it stores, and a message waits about a second at most. When the
broker cannot be reached (or a task is lost with a killed worker) the rows simply wait for `sweep`, run every
minute by beat. `deliver` sends one row at most once: it holds the row's lock while sending and skips locked
rows."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import sql
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


# wake-ups in this process: when the last one was published at once, and until when a scheduled one covers
# every message committed before it (it scans after that moment). Races between threads only add a task.
WAKE_EVERY = 1.0  # seconds
_SCHEDULE_MARGIN = 0.1  # seconds of clock difference between this process and the worker tolerated
_wake = {"last_now": float("-inf"), "covered_until": float("-inf")}


def _wake_sender() -> None:
    from .tasks import send_pending_email_task

    # inline tasks (the embedded mode) run here and now, for every message
    options = {} if send_pending_email_task.app.conf.task_always_eager else _wake_options(time.time())
    if options is None:
        return  # the scheduled sender starts after this message was committed and will find it
    try:
        send_pending_email_task.apply_async(retry=False, **options)
    except Exception:  # the broker is down: the sweep sends it later; a message after this second tries again
        _wake["covered_until"] = time.time() + WAKE_EVERY
        log.warning("outbox: broker unreachable, messages wait for the sweep", exc_info=True)


def _wake_options(now: float) -> dict | None:
    """How to publish the wake-up for a message committed at `now`: at once (the first in a second), at a
    set time that is safely after `now` (the others), or not at all (a task already set for later takes it)."""
    if now < _wake["covered_until"] - _SCHEDULE_MARGIN:
        return None
    if now >= _wake["last_now"] + WAKE_EVERY:
        _wake["last_now"] = now
        return {}
    end_of_second = _wake["last_now"] + WAKE_EVERY
    _wake["covered_until"] = end_of_second if end_of_second > now + _SCHEDULE_MARGIN else now + WAKE_EVERY
    return {"eta": datetime.fromtimestamp(_wake["covered_until"], UTC)}


def forget_wake_ups() -> None:
    """Start this process's wake-up schedule afresh (the tests, between cases)."""
    _wake.update(last_now=float("-inf"), covered_until=float("-inf"))


def send_pending() -> int:
    """The woken sender: send every pending message that is due. Returns the count sent."""
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
