"""Recompute the recap and dashboard summaries from the reports: after a bulk import (COPY), data changed
outside the services, a change of a unit's time zone or of TIME_ZONE, or to repair."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from complaints.reporting import summaries


class Command(BaseCommand):
    help = "Recompute the recap and dashboard summary tables from the complaints."

    def handle(self, *args, **options):
        began = time.perf_counter()
        made = summaries.rebuild()
        took = time.perf_counter() - began
        rows = ", ".join(f"{name} {n}" for name, n in made.items())
        self.stdout.write(f"Summaries rebuilt in {took:.2f} s: {rows} rows.")
