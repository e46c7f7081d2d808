"""With Redis stopped, the portal still answers: a real gunicorn (DEBUG off, Celery not inline) runs against
a Redis this test starts itself; the test stops that Redis and checks that every public page, the complaint
form and API, tracking and subscribing answer 2xx/3xx and that every report is stored; /healthz says 503.
Then Redis comes back: the reports' receipts wait in the outbox as pending (not failed) and the sweep sends
them. Last, Redis hangs (SIGSTOP): the answers stay
quick (short socket timeouts, and Redis left alone for a few seconds after a failure).

Every check is made and the failures are listed together at the end, each with the server's traceback."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail

from complaints.models import Complaint
from humas import outbox
from humas.models import OutboxEmail
from releases.tests.factories import published
from tests.servers import ROOT, collect_static, gunicorn, production_env, stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


PHONE = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
)


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except (OSError, redis.RedisError, requests.RequestException):
            pass
        time.sleep(0.2)
    return False


class RedisServer:
    """A redis-server of the test's own, without persistence, that can be stopped and started again."""

    def __init__(self, port: int, log: Path):
        self.port, self.log, self.process = port, log, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"],
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        assert wait_for(lambda: self.client().ping(), 15), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1, socket_timeout=1)


@pytest.fixture
def portal(tmp_path, own_redis):
    """gunicorn serving the test database with production settings, its cache and broker on `own_redis`."""
    from django.db import connection

    env = production_env(
        tmp_path,
        HTTPS="false",  # plain http on 127.0.0.1: no redirect to https, cookies without the secure flag
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        REDIS_URL=f"redis://127.0.0.1:{own_redis.port}/0",
        CACHE_KEY_PREFIX="humas-redis-down",
        EMAIL_URL="locmem:",
        COMPLAINT_FORM_MIN_SECONDS="0",
        SUBSCRIBE_FORM_MIN_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    collect_static(env)
    log = tmp_path / "gunicorn.log"
    server, port = gunicorn(env, log=log)
    try:
        yield Portal(f"http://127.0.0.1:{port}", log)
    finally:
        stop(server)


class Portal:
    def __init__(self, base: str, log: Path):
        self.base, self.log = base, log
        self.problems: list[str] = []
        self.seen = 0  # how much of the log was already quoted

    def session(self) -> requests.Session:
        """A visitor's session; a phone's browser (not a bot), so that the release page counts the view."""
        session = requests.Session()
        session.headers["User-Agent"] = PHONE
        return session

    def call(self, session, method: str, path: str, expect: set[int] | None = None, **kwargs) -> requests.Response:
        """One request; an unexpected status (default: anything but 2xx/3xx) is noted with the server's log."""
        started = time.monotonic()
        try:
            response = session.request(method, self.base + path, allow_redirects=False, timeout=20, **kwargs)
        except requests.RequestException as exc:
            self.note(f"{method} {path}: no answer ({type(exc).__name__})")
            raise
        took = time.monotonic() - started
        ok = response.status_code in expect if expect else 200 <= response.status_code < 400
        if not ok:
            self.note(f"{method} {path} answered {response.status_code}")
        elif took > 5:
            self.note(f"{method} {path} took {took:.1f} s")
        return response

    def note(self, problem: str) -> None:
        text = self.log.read_text(errors="replace")
        new, self.seen = text[self.seen :], len(text)
        causes = [line for line in new.splitlines() if re.match(r"^\w+(\.\w+)*(Error|Exception): ", line)]
        ours = r'File "(/[^"]*/(?:humas|complaints|releases|mailing|channels_social)/[^"]+)", line (\d+)'
        frames = re.findall(ours, new)
        where = f" at {frames[-1][0].split(str(ROOT) + '/')[-1]}:{frames[-1][1]}" if frames else ""
        self.problems.append(f"{problem}: {causes[-1] if causes else 'no traceback'}{where}")


def form_fields(html: str) -> dict[str, str]:
    """The CSRF token and the signed start time of a public form."""
    fields = {}
    for name in ("csrfmiddlewaretoken", "started"):
        match = re.search(rf'name="{name}" value="([^"]*)"', html) or re.search(rf'value="([^"]*)" name="{name}"', html)
        if match:
            fields[name] = match.group(1)
    return fields


def complaint(n: int, unit: str = "kanwil-tengah") -> dict[str, str]:
    return {
        "kind": "complaint",
        "unit": unit,
        "title": f"Lampu jalan padam nomor {n}",
        "description": "Lampu penerangan jalan di depan sekolah padam sejak seminggu, jalan gelap pada malam hari.",
        "identity_mode": "named",
        "reporter_name": "Sari Dewi",
        "reporter_email": f"sari{n}@example.test",
        "visibility": "public",
        "consent": "true",
    }


def post_web_form(portal: Portal, session, path: str, data: dict, expect: set[int]) -> requests.Response | None:
    page = portal.call(session, "GET", path)
    fields = form_fields(page.text)
    if "csrfmiddlewaretoken" not in fields:
        portal.note(f"GET {path} showed no form to post")
        return None
    return portal.call(session, "POST", path, expect=expect, data={**data, **fields, "website": ""})


def test_with_redis_stopped_the_portal_answers_and_stores_every_report(portal, own_redis, unit_tree, editor):
    release = published(unit_tree["kanwil"], editor)
    hasher = PBKDF2PasswordHasher()  # the server's settings do not know the tests' fast hasher
    editor.password = hasher.encode("s3cret-Passw0rd", hasher.salt())
    editor.save(update_fields=["password"])
    web = portal.session()
    api = portal.session()

    # --- Redis up: everything answers, one report is filed to be tracked later
    assert portal.call(web, "GET", "/healthz", expect={200}).status_code == 200
    filed = portal.call(api, "POST", "/api/v1/complaints/", expect={201}, json=complaint(0))
    code = filed.json()["tracking_code"]
    assert Complaint.objects.count() == 1
    before = len(portal.problems)

    # --- Redis stopped
    own_redis.stop()
    pages = ["/", "/en/", "/siaran-pers/", f"/siaran-pers/{release.slug}/", "/siaran-pers/rss/",
             "/siaran-pers/atom/", "/siaran-pers/feed.json", "/pengaduan/", "/pengaduan/lacak/", "/pengaduan/publik/",
             "/mitra-media/", "/sitemap.xml"]  # fmt: skip
    for path in pages:
        portal.call(portal.session(), "GET", path)
    health = portal.call(web, "GET", "/healthz", expect={503})
    if health.status_code == 503:
        checks = health.json()["checks"]
        assert checks["database"]["status"] == "ok"
        assert checks["cache"]["status"] == "down" and checks["broker"]["status"] == "down"

    # tracking: the form and a look-up by code
    post_web_form(portal, web, "/pengaduan/lacak/", {"code": code}, expect={302})
    # a report through the web form (a redirect to its receipt, which shows), several through the API
    sent = post_web_form(portal, web, "/pengaduan/", {**complaint(1), "consent": "on"}, expect={302})
    if sent is not None and sent.status_code == 302:
        portal.call(web, "GET", sent.headers["Location"])
    for n in range(2, 6):
        portal.call(api, "POST", "/api/v1/complaints/", expect={201}, json=complaint(n))
    # a journalist subscribes
    post_web_form(
        portal, portal.session(), "/mitra-media/",
        {"name": "Rudi Hartono", "email": "rudi@redaksi.example.test", "outlet": "Harian Contoh", "language": "id",
         "consent": "on"},
        expect={302},
    )  # fmt: skip

    # staff sign in (sessions and the login throttle live in the database): a wrong password, then the right one
    staff = portal.session()
    post_web_form(portal, staff, "/staf/masuk/", {"username": editor.username, "password": "wrong"}, expect={400})
    signed_in = post_web_form(
        portal, staff, "/staf/masuk/", {"username": editor.username, "password": "s3cret-Passw0rd"}, expect={302}
    )
    if signed_in is not None and signed_in.status_code == 302:
        portal.call(staff, "GET", "/staf/", expect={200})

    stored = Complaint.objects.count()
    if stored != 6:
        portal.problems.append(f"{stored - 1} of the 5 reports filed with Redis stopped were stored")
    # the receipts wait in the outbox, pending, not failed
    receipts = OutboxEmail.objects.filter(key__startswith="complaint-receipt:")
    if receipts.filter(status=OutboxEmail.Status.FAILED).exists():
        portal.problems.append("a receipt was marked failed during the outage")
    stopped_until = len(portal.problems)

    # --- Redis back: health recovers, the sweep sends the receipts that waited
    own_redis.start()
    recovered = wait_for(lambda: portal.call(web, "GET", "/healthz", expect={200, 503}).status_code == 200, 20)
    if not recovered:
        portal.problems.append("/healthz did not answer 200 within 20 s of Redis coming back")
    portal.call(api, "POST", "/api/v1/complaints/", expect={201}, json=complaint(6))
    pending = set(receipts.filter(status=OutboxEmail.Status.PENDING).values_list("to", flat=True))
    mail.outbox.clear()
    outbox.sweep()  # beat's next run
    swept = {to for message in mail.outbox for to in message.to}
    if not pending or not pending <= swept:
        portal.problems.append(f"the sweep sent {sorted(swept)}, the pending receipts were {sorted(pending)}")

    back_until = len(portal.problems)

    # --- Redis hangs (stopped with SIGSTOP: connections are accepted, nothing answers): answers stay quick
    own_redis.process.send_signal(signal.SIGSTOP)
    try:
        for path in ["/", "/siaran-pers/", "/pengaduan/", "/pengaduan/publik/", "/mitra-media/"]:
            portal.call(portal.session(), "GET", path)  # notes any answer slower than 5 s
        portal.call(api, "POST", "/api/v1/complaints/", expect={201}, json=complaint(7))
        portal.call(web, "GET", "/healthz", expect={503})
    finally:
        own_redis.process.send_signal(signal.SIGCONT)
    if Complaint.objects.count() != 8:
        portal.problems.append("the report filed while Redis hung was not stored")

    log = portal.log.read_text(errors="replace")
    warnings = len(re.findall(r"unreachable", log))
    if warnings > 6:  # one per service (cache, rate limits, broker) and outage, in one web process
        portal.problems.append(f"the outages were logged {warnings} times, not once a minute per service")

    def phase(index: int) -> str:
        if index < before:
            return "  (Redis up) "
        if index < stopped_until:
            return "  (Redis stopped) "
        return "  (Redis back) " if index < back_until else "  (Redis silent) "

    assert not portal.problems, "\n" + "\n".join(phase(n) + problem for n, problem in enumerate(portal.problems))
