"""Settings for the benchmarks: production-like (DEBUG off, PostgreSQL, Redis), plus a baseline view."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "b" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/humas_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")
os.environ.setdefault("CACHE_KEY_PREFIX", "humas-bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from humas.settings import *  # noqa: F403
from humas.settings import STORAGES

ROOT_URLCONF = "bench.urls"
COMPLAINT_SUBMIT_LIMIT = 10**9  # the benchmark posts from one address
COMPLAINT_TRACK_LIMIT = 10**9
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
