"""humas.db: rendering a model's INSERT with its fields' own methods, and loading the stored row back."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from complaints.models import Complaint, ComplaintEvent
from humas import db
from humas.models import Unit


def test_the_fields_are_the_columns_in_the_order_from_db_takes_them():
    for model in apps.get_models():
        expected = [f for f in model._meta.concrete_fields if not f.generated]
        assert db.concrete_fields(model) == expected, model


@pytest.mark.django_db
def test_an_insert_rendered_and_run_stores_the_row_save_would_store():
    unit = Unit(name="Biro Humas", slug="biro-humas")
    sql, params = db.insert(unit)
    assert sql.startswith('INSERT INTO "humas_unit" (') and sql.endswith(" RETURNING id")
    assert '"id"' not in sql.split(" VALUES ")[0]  # the database draws the id
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pk = cursor.fetchone()[0]
    stored = db.loaded(unit, pk)
    assert stored._state.adding is False and stored.pk == pk
    saved = Unit(name="Biro Humas 2", slug="biro-humas-2")
    saved.save()
    fresh = Unit.objects.get(pk=pk)
    # every column but the name, the slug and the id is what save() stores for the same defaults
    same = {f.attname for f in db.concrete_fields(Unit)} - {"id", "name", "slug", "created_at", "updated_at"}
    assert {a: getattr(fresh, a) for a in same} == {a: getattr(Unit.objects.get(pk=saved.pk), a) for a in same}


def test_a_column_can_be_given_as_sql_and_a_database_expression_is_refused():
    from django.db.models.functions import Now

    event = ComplaintEvent(kind="submitted", to_status="new")
    sql, params = db.insert(event, given={"complaint_id": "(SELECT id FROM report)"})
    assert "(SELECT id FROM report)" in sql and len(params) == sql.count("%s")
    report = Complaint(title="x", consent_at=Now())
    with pytest.raises(TypeError, match="only plain values"):
        db.insert(report)
