"""The embedded mode (SQLite, tasks inline, e-mail to files) registers, extends and decides a request too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from humas.tests.test_settings import settings_env

pytestmark = pytest.mark.slow  # runs manage.py and a script in subprocesses

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import django, json
django.setup()
from django.contrib.auth import get_user_model
from humas.models import Membership, OutboxEmail, Unit
from information.handling import workflow
from information.public.intake import RequestInput, submit_request
unit = Unit.objects.create(name="Biro Humas", slug="biro-humas")
ppid = get_user_model().objects.create_user("ppid")
Membership.objects.create(user=ppid, unit=unit, role="ppid")
made = [submit_request(data=RequestInput(unit=unit, requester_kind="person", name="Budi", nik="5271011203900001",
    address="Mataram", email="budi@example.test", information="Salinan anggaran", purpose="Penelitian",
    obtain_method="electronic", delivery_method="email", consent=True))[0] for _ in range(2)]
workflow.extend(made[0], by=ppid, reason="Arsip")
workflow.decide(made[0], by=ppid, decision=workflow.Decision(outcome="granted", decision_text="Terlampir.",
    signer_name="Siti", signer_position="PPID"))
print(json.dumps({"numbers": [r.number[:3] for r in made],
                  "outbox": sorted(OutboxEmail.objects.values_list("status", flat=True))}))
"""


def test_requests_work_in_the_embedded_mode(tmp_path):
    env = settings_env(tmp_path, DEBUG="true")
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["numbers"] == ["001", "002"]
    assert found["outbox"] == ["sent"] * 4  # two receipts, the extension, the decision
    assert len(list((tmp_path / "var" / "mail").glob("*.eml"))) == 4
