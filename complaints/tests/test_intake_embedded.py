"""The embedded mode (`make run`: SQLite, tasks inline, e-mail to files) files a report too: the complaint, its
event, the summaries' upserts and the receipt's outbox row, with the receipt sent at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from humas.tests.test_settings import settings_env

pytestmark = pytest.mark.slow  # runs manage.py and a script in subprocesses

ROOT = Path(__file__).resolve().parents[2]
FILE_ONE = """
import django, json
django.setup()
from humas.models import Unit, OutboxEmail
from complaints.public import intake
from complaints.models import Complaint, ComplaintEvent, DueCount, RecapCount
unit = Unit.objects.create(name="Biro Humas", slug="biro-humas")
data = intake.ComplaintInput(kind="complaint", unit=unit, title="Lampu jalan mati di Jl. Pejanggik",
    description="Lampu jalan mati sudah dua minggu, jalan gelap dan rawan kecelakaan malam hari.",
    reporter_name="Budi", reporter_email="Budi@Example.test", consent=True)
complaint = intake.submit_complaint(data=data, files=[], language="id")
event = ComplaintEvent.objects.get(complaint=complaint)
print(json.dumps({
    "complaints": Complaint.objects.count(), "event_complaint": event.complaint_id == complaint.pk,
    "counted": list(RecapCount.objects.filter(grain="d", kind="", status="", channel="")
                    .values_list("count", flat=True)),
    "due": list(DueCount.objects.values_list("count", flat=True)),
    "outbox": list(OutboxEmail.objects.values_list("key", "status")),
    "receipt_key": f"complaint-receipt:{complaint.pk}",
}))
"""


def test_a_report_is_filed_in_the_embedded_mode(tmp_path):
    env = settings_env(tmp_path, DEBUG="true")
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    result = subprocess.run([sys.executable, "-c", FILE_ONE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["complaints"] == 1
    assert found["event_complaint"] is True
    assert found["counted"] == [1] and found["due"] == [1]  # the summaries count it (complaints.reporting.summaries)
    # the receipt was queued with the report and sent at once (tasks run inline in this mode)
    assert found["outbox"] == [[found["receipt_key"], "sent"]]
    assert len(list((tmp_path / "var" / "mail").glob("*.eml"))) == 1
