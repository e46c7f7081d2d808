"""The API keeps its contract: schemathesis (pinned in requirements-dev.txt) reads /api/schema/ from a live
gunicorn with production settings and sends generated requests to every public and staff operation (a
staff token the test makes; a NUL byte in a query, an array as a body, …) with a fixed seed, in one worker
(concurrent workers meet a CPython 3.11 AST-compiler race). Any server error, undocumented status code,
content type or response that does not match the published schema fails the test, which prints
schemathesis' own report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from complaints.models import Category
from complaints.public import intake
from complaints.tests.test_intake import make_input
from releases.tests.factories import published
from tests.servers import collect_static, gunicorn, production_env, stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SEED = 20261206
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.fixture
def api(tmp_path):
    from django.db import connection

    env = production_env(
        tmp_path,
        HTTPS="false",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        CACHE_KEY_PREFIX="humas-api-contract",
        EMAIL_URL="locmem:",
        COMPLAINT_SUBMIT_LIMIT="100000",  # generated reports reach the validation, not only the 429
        COMPLAINT_TRACK_LIMIT="100000",
        LOG_LEVEL="WARNING",
    )
    collect_static(env)
    server, port = gunicorn(env, workers=2, log=tmp_path / "gunicorn.log")
    try:
        yield f"http://127.0.0.1:{port}", tmp_path / "gunicorn.log"
    finally:
        stop(server)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(api, unit_tree, editor, superuser, tmp_path):
    base, log = api
    Category.objects.create(unit=unit_tree["kanwil"], name="Jalan rusak", resolution_days=14)
    published(unit_tree["kanwil"], editor)
    intake.submit_complaint(data=make_input(unit_tree["kanwil"]), files=[])
    token = Token.objects.create(user=superuser).key
    result = subprocess.run(
        [str(Path(sys.executable).parent / "schemathesis"), "run", f"{base}/api/schema/",
         "--header", f"Authorization: Token {token}", "--checks", CHECKS,
         "--phases", "examples,coverage,fuzzing", "--seed", str(SEED), "--max-examples", "12", "--workers", "1",
         "--generation-allow-x00", "true", "--suppress-health-check", "all"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,  # its cache of crashes stays out of the tree
    )  # fmt: skip
    report = result.stdout[-12000:]
    assert result.returncode == 0, f"{report}\n--- server log ---\n{log.read_text(errors='replace')[-4000:]}"
    assert "passed" in report and "Server error" not in report
    operations = next(line for line in report.splitlines() if "Tested:" in line)
    assert int(operations.split(":")[1]) >= 20  # public and staff operations alike
