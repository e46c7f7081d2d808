"""manage.py record_bounce ADDRESS [--soft | --complaint]: a bounce or spam complaint that came back by mail
(plain SMTP has no webhook), recorded through mailing.subscriptions.record_bounce."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mailing import subscriptions


class Command(BaseCommand):
    help = (
        "Record a bounce for a media partner's address: a hard bounce by default (the address is stopped "
        "after SUBSCRIBER_BOUNCE_LIMIT of them), --soft for a temporary one (noted, nothing stopped), "
        "--complaint for a spam complaint (stopped at once)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("address", help="the subscriber's e-mail address (any case)")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--soft", action="store_true", help="a temporary failure (mailbox full, greylisting)")
        kind.add_argument("--complaint", action="store_true", help="the reader marked our e-mail as spam")

    def handle(self, *args, address: str, soft: bool, complaint: bool, **options) -> None:
        subscriber = subscriptions.record_bounce(
            email=address, permanent=not soft, complaint=complaint, channel="command"
        )
        if subscriber is None:
            raise CommandError(f"No subscriber has the address {address!r}: nothing recorded.")
        self.stdout.write(
            f"{subscriber.email}: status {subscriber.status}, {subscriber.bounce_count} hard bounce(s) recorded."
        )
