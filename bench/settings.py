"""Settings for the benchmark's gunicorn: the production settings plus one minimal view to compare with."""

from humas.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
