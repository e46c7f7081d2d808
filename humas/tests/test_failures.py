"""A database that stops answering mid-request gives a clean 503 (Indonesian page, or the API's one error
shape), no traceback; the next request, with the database back, succeeds."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from tests.test_redis_down import complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    monkeypatch.setattr(CursorWrapper, "executemany", refuse)
    return monkeypatch


@pytest.fixture
def anonymous(client):
    client.raise_request_exception = False
    return client


def test_a_page_answers_503_in_indonesian_without_a_traceback(anonymous, unit_tree, database_down):
    response = anonymous.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10" and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Layanan sedang tidak tersedia sebentar" in page
    assert "Traceback" not in page and "OperationalError" not in page and "server closed" not in page


def test_the_api_answers_503_in_its_one_error_shape(anonymous, unit_tree, database_down):
    response = anonymous.get("/api/v1/categories/")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "Layanan sedang tidak tersedia sebentar. Silakan coba lagi dalam beberapa detik.",
        "errors": {},
    }
    posted = anonymous.post("/api/v1/complaints/", complaint(1), content_type="application/json")
    assert posted.status_code == 503 and posted.json()["errors"] == {}


def test_the_next_request_succeeds_once_the_database_answers(anonymous, unit_tree, database_down):
    assert anonymous.get("/").status_code == 503
    database_down.undo()
    assert anonymous.get("/").status_code == 200


def test_other_errors_stay_a_plain_500(anonymous, unit_tree, monkeypatch):
    from humas.models import UnitQuerySet

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(UnitQuerySet, "active", broken)
    response = anonymous.get("/")
    assert response.status_code == 500 and "Retry-After" not in response
    assert "RuntimeError" not in response.content.decode()
    api = anonymous.get("/api/v1/units/")
    assert api.status_code in {200, 500}  # the units API need not call active()
