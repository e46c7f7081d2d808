from __future__ import annotations

import pytest

from tests.servers import closed_port


@pytest.mark.django_db
def test_healthz_reports_each_dependency(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # check the real Redis broker, as production does
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "mail": "ok",
    }


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_down(client, settings):
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = dead
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "down"
    assert body["checks"]["broker"]["status"] == "down"
    assert "127.0.0.1" not in response.content.decode()  # no hosts or secrets in the answer


@pytest.mark.django_db
def test_healthz_reports_inline_tasks_in_the_embedded_mode(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert client.get("/healthz").json()["checks"]["broker"]["status"] == "inline"
