"""The e-mail outbox. `enqueue` writes the message in the caller's transaction and, once that commits,
publishes a Celery task that sends this one message (`deliver`). When the broker cannot be reached (or a
task is lost with a killed worker) the row simply waits for `sweep`, run every minute by beat; a failed
publish is logged at most once a minute per process, and for a few seconds after one the process does not
try the broker again (humas.outages). `deliver` sends one row at most once: it holds the row's lock while
sending and skips locked rows."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboxEmail
from .outages import outage

MAX_ATTEMPTS = 8
SWEEP_BATCH = 200
# rows younger than this are left to their own task; the sweep takes the rest
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
    """Store the message (once per key: a key seen before writes nothing) and send it after the surrounding
    transaction commits. `context` must be JSON (ids, not objects). Returns the row's id."""
    language = language or settings.LANGUAGE_CODE
    message = OutboxEmail(key=key, to=to, template=template, context=context, language=language)
    # INSERT … ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key RETURNING id: one statement that gives the
    # row's id whether it is new or was queued before, and a repeated key neither fails nor breaks the
    # caller's transaction (the stored message itself is left as it was)
    OutboxEmail.objects.bulk_create([message], update_conflicts=True, unique_fields=["key"], update_fields=["key"])
    message_id = message.pk
    transaction.on_commit(lambda: wake_sender(message_id))
    return message_id


_broker_outage = outage("Celery broker")


def wake_sender(message_id: int) -> None:
    """Publish the task that sends this message. With the broker away it is not retried: the sweep sends the
    message later. With inline tasks (the embedded mode, the tests) the message is sent here and now."""
    from .tasks import send_email_task

    if send_email_task.app.conf.task_always_eager:
        deliver(message_id)
        return
    if _broker_outage.active():
        return
    try:
        send_email_task.apply_async((message_id,), retry=False)
    except Exception as exc:  # kombu's OperationalError, redis-py's errors: the broker is not there now
        _broker_outage.failed(exc, "e-mails wait in the outbox for the sweep")


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
    """Send pending messages that no task did (broker down, worker lost): those older than SWEEP_GRACE and
    due for another attempt, at most SWEEP_BATCH a run, oldest first. Returns the count sent."""
    now = now or timezone.now()
    due = (
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING, created_at__lte=now - SWEEP_GRACE)
        .exclude(next_attempt_at__gt=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(1 for message_id in list(due) if deliver(message_id))
