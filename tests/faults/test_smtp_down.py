"""The SMTP server away for longer than the outbox's back-off (shrunk here to seconds): the receipt is tried
with growing waits, then shown as needing attention on /healthz and the staff console — never dropped
silently; `manage.py requeue_mail` with the server back delivers it, once."""

from __future__ import annotations

import re
import time

import pytest

from humas.models import OutboxEmail
from tests.faults.conftest import server_password
from tests.test_redis_down import complaint, post_web_form, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stack_settings():
    return {"OUTBOX_MAX_ATTEMPTS": "3", "OUTBOX_BACKOFF_BASE": "1", "OUTBOX_BACKOFF_CAP": "2"}


def test_mail_past_the_backoff_cap_is_shown_as_needing_attention_and_requeued_once(stack, smtp, superuser, unit_tree):
    portal = stack.portal
    smtp.stop()
    filed = portal.call(portal.session(), "POST", "/api/v1/complaints/", expect={201}, json=complaint(1))
    assert filed.status_code == 201
    receipt = OutboxEmail.objects.filter(to="sari1@example.test")
    assert wait_for(lambda: receipt.filter(status=OutboxEmail.Status.FAILED).exists(), 60), list(
        receipt.values_list("status", "attempts", "last_error")
    )
    assert receipt.get().attempts == 3

    health = portal.call(portal.session(), "GET", "/healthz", expect={200})
    assert health.json()["status"] == "degraded"
    assert health.json()["checks"]["mail"] == {"status": "attention", "needing_attention": 1}
    staff = portal.session()
    password = server_password(superuser)
    post_web_form(portal, staff, "/staf/masuk/", {"username": superuser.username, "password": password}, expect={302})
    console = portal.call(staff, "GET", "/staf/", expect={200}).text
    assert "Surel yang perlu ditindaklanjuti" in console
    assert re.search(r"<strong>1</strong>", console)

    smtp.start()
    time.sleep(6)  # a sweep runs: a failed row waits for a person, it is not retried by itself
    assert smtp.count("sari1@example.test") == 0
    assert "outbox: 1 requeued" in stack.manage("requeue_mail")
    assert "outbox: 0 requeued" in stack.manage("requeue_mail")  # twice: nothing goes twice
    assert wait_for(lambda: smtp.count("sari1@example.test") == 1, 30)
    time.sleep(6)
    assert smtp.count("sari1@example.test") == 1
    assert receipt.get().status == OutboxEmail.Status.SENT
    health = portal.call(portal.session(), "GET", "/healthz", expect={200}).json()
    assert health["status"] == "ok" and health["checks"]["mail"]["needing_attention"] == 0
    assert "Surel yang perlu ditindaklanjuti" not in portal.call(staff, "GET", "/staf/", expect={200}).text
    wrong = [problem for problem in portal.problems if " took " not in problem]  # slowness is not this test's
    assert not wrong, "\n".join(wrong)
