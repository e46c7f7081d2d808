"""Shared fixtures: the real services are checked before anything runs; role fixtures for every test."""

from __future__ import annotations

import os

import pytest


def _service_problems() -> list[str]:
    from urllib.parse import urlsplit

    problems = []
    db_url = os.environ.get("DATABASE_URL", "")
    if db_url.startswith(("postgres://", "postgresql://")):
        import psycopg2

        parts = urlsplit(db_url)
        try:
            psycopg2.connect(
                host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
                password=parts.password or None, dbname="postgres", connect_timeout=3,
            ).close()  # fmt: skip
        except psycopg2.OperationalError as exc:
            problems.append(
                f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({str(exc).strip()}).\n"
                "    Start it:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
                "    or point DATABASE_URL at a running server."
            )
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            problems.append(
                f"Redis is not reachable at {redis_url} ({exc}).\n"
                "    Start it:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no\n"
                "    or point REDIS_URL at a running server."
            )
    return problems


def pytest_configure(config):
    from django.conf import settings

    settings.DATABASES  # noqa: B018 — loads tests.settings, which fills in the default service URLs
    problems = _service_problems()
    if problems:
        pytest.exit("The tests need the real services:\n  " + "\n  ".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with empty caches: this process's "local" cache, and this suite's keys (only its
    prefix) in Redis; every service counts as reachable again."""
    import redis
    from django.conf import settings
    from django.core.cache import cache, caches

    from humas import outages
    from releases.newsroom import counter

    def wipe():
        counter.send_gathered()  # a test's views gathered in this process go now, before its keys are wiped
        caches["local"].clear()  # also the rows a rolled-back test left there (no signal fires for them)
        outages.forget_all()
        if "RedisCache" in settings.CACHES["default"]["BACKEND"]:
            client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
            prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
            keys = list(client.scan_iter(f"{prefix}:*", count=500))
            if keys:
                client.delete(*keys)
            client.close()
        else:
            cache.clear()

    wipe()
    yield
    wipe()


# --- units and roles ------------------------------------------------------------------------------------


@pytest.fixture
def unit_tree(db):
    """root (WIB) → kanwil (WITA) → satker (WITA); root → other kanwil (WIT) → other satker."""
    from humas.models import TimeZone, Unit, UnitKind

    root = Unit.objects.create(name="Biro Humas Pusat", slug="pusat", kind=UnitKind.PUSAT, time_zone=TimeZone.WIB)
    kanwil = Unit.objects.create(
        name="Kanwil Tengah", slug="kanwil-tengah", kind=UnitKind.KANWIL, parent=root, time_zone=TimeZone.WITA
    )
    satker = Unit.objects.create(
        name="Satker Tengah", slug="satker-tengah", kind=UnitKind.SATKER, parent=kanwil, time_zone=TimeZone.WITA
    )
    other = Unit.objects.create(
        name="Kanwil Timur", slug="kanwil-timur", kind=UnitKind.KANWIL, parent=root, time_zone=TimeZone.WIT
    )
    other_satker = Unit.objects.create(
        name="Satker Timur", slug="satker-timur", kind=UnitKind.SATKER, parent=other, time_zone=TimeZone.WIT
    )
    return {"root": root, "kanwil": kanwil, "satker": satker, "other": other, "other_satker": other_satker}


def make_staff(username, role, unit, **extra):
    from django.contrib.auth import get_user_model

    from humas.models import Membership

    user = get_user_model().objects.create_user(
        username=username, password="s3cret-Passw0rd", email=f"{username}@example.test", **extra
    )
    if role:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def admin(unit_tree):
    return make_staff("admin_kanwil", "admin", unit_tree["kanwil"])


@pytest.fixture
def editor(unit_tree):
    return make_staff("editor_kanwil", "editor", unit_tree["kanwil"])


@pytest.fixture
def writer(unit_tree):
    return make_staff("writer_kanwil", "writer", unit_tree["kanwil"])


@pytest.fixture
def officer(unit_tree):
    return make_staff("officer_kanwil", "officer", unit_tree["kanwil"])


@pytest.fixture
def viewer(unit_tree):
    return make_staff("viewer_kanwil", "viewer", unit_tree["kanwil"])


@pytest.fixture
def other_unit_officer(unit_tree):
    return make_staff("officer_timur", "officer", unit_tree["other"])


@pytest.fixture
def citizen(db):
    """A signed-in account with no membership: the console must treat it like the public."""
    return make_staff("warga", None, None)


@pytest.fixture
def superuser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", "root@example.test", "s3cret-Passw0rd")


# --- real Chromium through Playwright ---------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
SCREENSHOT_DIR = os.path.join(os.path.dirname(__file__), "var", "screenshots")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install -y chromium (as .ci/run does).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test's thread; let the ORM work there anyway.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context per test at phone width; a screenshot lands in var/screenshots/ on failure."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        os.makedirs(SCREENSHOT_DIR, exist_ok=True)
        name = request.node.nodeid.replace("/", "_").replace(":", "_")
        page.screenshot(path=os.path.join(SCREENSHOT_DIR, f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture(autouse=True)
def _forget_newsroom_pages():
    """The newsroom keeps hot pages in process memory (caches["local"]); each test starts without them."""
    from django.core.cache import caches

    caches["local"].clear()
    yield
    caches["local"].clear()
