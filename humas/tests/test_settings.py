"""Settings resolve from the environment: run Django in a subprocess with a controlled environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test starts Python in a subprocess

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'db': db['ENGINE'], 'db_name': str(db['NAME']),"
    " 'cache': settings.CACHES['default']['BACKEND'], 'eager': settings.CELERY_TASK_ALWAYS_EAGER,"
    " 'broker': settings.CELERY_BROKER_URL, 'email': settings.EMAIL_BACKEND, 'mail_dir': settings.EMAIL_FILE_PATH,"
    " 'visibility': settings.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'],"
    " 'time_limit': settings.CELERY_TASK_TIME_LIMIT, 'acks_late': settings.CELERY_TASK_ACKS_LATE,"
    " 'serializer': settings.CELERY_TASK_SERIALIZER, 'tz': settings.TIME_ZONE}))"
)
KNOBS = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG", "TIME_ZONE", "HUMAS_VAR_DIR",
         "CACHE_KEY_PREFIX")  # fmt: skip


def settings_env(tmp_path, **env: str) -> dict[str, str]:
    """This environment without the portal's knobs (so the embedded default applies), plus `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in KNOBS}
    clean.update({"DJANGO_SETTINGS_MODULE": "humas.settings", "HUMAS_VAR_DIR": str(tmp_path / "var"), **env})
    return clean


def run_settings(tmp_path, **env: str) -> subprocess.CompletedProcess:
    clean = settings_env(tmp_path, **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_embedded_mode_is_the_default(tmp_path):
    result = run_settings(tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)
    assert resolved["db"] == "django.db.backends.sqlite3"
    assert resolved["db_name"] == str(tmp_path / "var" / "humas.sqlite3")
    assert resolved["cache"].endswith("LocMemCache")
    assert resolved["eager"] is True
    assert resolved["broker"] == "memory://"
    assert resolved["email"] == "humas.mail.EmlFileBackend"
    assert resolved["mail_dir"] == str(tmp_path / "var" / "mail")
    assert resolved["tz"] == "Asia/Jakarta"


def test_service_mode_reads_database_and_redis_urls(tmp_path):
    result = run_settings(
        tmp_path,
        DEBUG="false",
        SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/humas",
        REDIS_URL="redis://127.0.0.1:6379/3",
        EMAIL_URL="smtp://mailer:pw@127.0.0.1:2525",
        TIME_ZONE="Asia/Makassar",
    )
    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)
    assert resolved["db"] == "django.db.backends.postgresql"
    assert resolved["db_name"] == "humas"
    assert resolved["cache"].endswith("RedisCache")
    assert resolved["eager"] is False
    assert resolved["broker"] == "redis://127.0.0.1:6379/3"
    assert resolved["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert resolved["acks_late"] is True and resolved["serializer"] == "json"
    assert resolved["visibility"] > resolved["time_limit"]
    assert resolved["tz"] == "Asia/Makassar"


def test_missing_secret_key_with_debug_off_stops_start_up_with_a_clear_message(tmp_path):
    result = run_settings(tmp_path, DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_malformed_database_url_names_the_variable(tmp_path):
    result = run_settings(tmp_path, DEBUG="true", DATABASE_URL="mysql//nonsense")
    assert result.returncode != 0
    assert "DATABASE_URL is malformed" in result.stderr


def test_database_url_without_database_name_is_refused(tmp_path):
    result = run_settings(tmp_path, DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:5432")
    assert result.returncode != 0
    assert "DATABASE_URL is malformed" in result.stderr


def test_malformed_redis_and_email_urls_name_their_variables(tmp_path):
    redis = run_settings(tmp_path, DEBUG="true", REDIS_URL="localhost:6379")
    assert redis.returncode != 0 and "REDIS_URL is malformed" in redis.stderr
    email = run_settings(tmp_path, DEBUG="true", EMAIL_URL="pigeon://coop")
    assert email.returncode != 0 and "EMAIL_URL is malformed" in email.stderr


def test_an_esp_through_anymail_and_its_settings_come_from_the_environment(tmp_path):
    probe = "import django; from django.conf import settings as s; django.setup(); print(s.EMAIL_BACKEND, s.ANYMAIL)"
    env = {k: v for k, v in os.environ.items() if k not in KNOBS and not k.startswith("ANYMAIL_")}
    env.update(DJANGO_SETTINGS_MODULE="humas.settings", HUMAS_VAR_DIR=str(tmp_path / "var"), DEBUG="true")
    env.update(EMAIL_URL="anymail://postmark", ANYMAIL_POSTMARK_SERVER_TOKEN="t0ken", ANYMAIL_WEBHOOK_SECRET="a:b")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "anymail.backends.postmark.EmailBackend {'POSTMARK_SERVER_TOKEN': 't0ken', 'WEBHOOK_SECRET': 'a:b'}"
    )
    bad = run_settings(tmp_path, DEBUG="true", EMAIL_URL="anymail://")
    assert bad.returncode != 0 and "name the ESP" in bad.stderr


def test_bad_debug_value_names_the_variable(tmp_path):
    result = run_settings(tmp_path, DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_embedded_email_backend_writes_one_eml_file_per_message(tmp_path, settings):
    from django.core.mail import EmailMessage, get_connection

    settings.EMAIL_BACKEND = "humas.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    connection = get_connection()
    sent = connection.send_messages(
        [
            EmailMessage("Tanda terima", "Isi pesan satu", "humas@example.test", ["a@example.test"]),
            EmailMessage("Kedua", "Isi pesan dua", "humas@example.test", ["b@example.test"]),
        ]
    )
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert sent == 2 and len(files) == 2
    contents = b"".join(f.read_bytes() for f in files)
    assert b"Subject: Tanda terima" in contents and b"To: b@example.test" in contents


MEDIA_PROBE = (
    "import django, json; from django.conf import settings; django.setup(); "
    "from django.core.files.storage import storages; default_storage = storages['default']; "
    "print(json.dumps({'class': type(default_storage).__name__, 'location': str(default_storage.location)}))"
)


def test_public_media_can_live_in_another_storage_named_by_the_environment(tmp_path):
    media = tmp_path / "elsewhere"
    env = settings_env(
        tmp_path,
        DEBUG="true",
        MEDIA_STORAGE_BACKEND="django.core.files.storage.FileSystemStorage",
        MEDIA_STORAGE_OPTIONS=json.dumps({"location": str(media)}),
    )
    result = subprocess.run([sys.executable, "-c", MEDIA_PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"class": "FileSystemStorage", "location": str(media)}


def test_malformed_media_storage_options_stop_start_up_naming_the_variable(tmp_path):
    result = run_settings(tmp_path, DEBUG="true", MEDIA_STORAGE_OPTIONS="{bucket: humas")
    assert result.returncode != 0
    assert "MEDIA_STORAGE_OPTIONS is malformed" in result.stderr
