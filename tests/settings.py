"""Settings for the test suite: the real settings module on PostgreSQL and Redis (the defaults below unless
DATABASE_URL / REDIS_URL say otherwise), with a fast hasher, in-memory outbox and tasks inline. Tests that
are about tasks start a real Celery worker and switch eager mode off themselves."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/humas")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("CACHE_KEY_PREFIX", "humas-test")
os.environ.setdefault("MONITORING_ALLOW_LOOPBACK", "true")  # the feeds the tests serve locally
os.environ.setdefault("HUMAS_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))
if os.environ.get("PYTEST_XDIST_WORKER"):  # `pytest -n 2`: each worker its own cache keys and files
    # (pytest-django gives each its own test database)
    _worker = os.environ["PYTEST_XDIST_WORKER"]
    os.environ["CACHE_KEY_PREFIX"] += f"-{_worker}"
    os.environ["HUMAS_VAR_DIR"] = os.path.join(os.environ["HUMAS_VAR_DIR"], _worker)

from humas.settings import *  # noqa: F403
from humas.settings import STATIC_ROOT, STORAGES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("HUMAS_TEST_SMTP_PORT"):  # a Celery worker started by a test sends to the test's SMTP sink
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT, EMAIL_TIMEOUT = "127.0.0.1", int(os.environ["HUMAS_TEST_SMTP_PORT"]), 5
CELERY_TASK_ALWAYS_EAGER = True
ANYMAIL = {"WEBHOOK_SECRET": "esp-test:webhook-secret"}  # mounts /anymail/<esp>/tracking/ for the tests
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = VAR_DIR / "media"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
