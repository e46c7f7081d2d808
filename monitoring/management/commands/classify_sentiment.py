"""Read texts, one per line, on standard input; print one label per line (positive, neutral, negative)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from monitoring import sentiment

BATCH = 1000


class Command(BaseCommand):
    help = "Classify texts read one per line on standard input; prints positive, neutral or negative per line."

    def handle(self, *args, **options):
        model = sentiment.shipped()
        batch: list[str] = []
        for line in sys.stdin:
            batch.append(line.rstrip("\n"))
            if len(batch) == BATCH:
                self._write(model, batch)
                batch = []
        self._write(model, batch)

    def _write(self, model, batch: list[str]) -> None:
        if batch:
            self.stdout.write("\n".join(model.labels(batch)))
