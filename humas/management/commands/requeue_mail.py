"""manage.py requeue_mail: every message that exhausted its attempts (outbox rows, the fan-out's deliveries)
becomes pending again and goes out once with the next sweep. `--dry-run` only counts them."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from humas import outbox


class Command(BaseCommand):
    help = "Send again the e-mails that exhausted their attempts (shown as mail needing attention)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count them")

    def handle(self, *args, dry_run: bool = False, **options):
        counts = outbox.needing_attention() if dry_run else outbox.requeue_everything()
        verb = "needing attention" if dry_run else "requeued"
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} {verb}")
        return None
