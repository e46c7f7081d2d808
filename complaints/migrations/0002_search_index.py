"""Full-text search on title and description with PostgreSQL's `indonesian` configuration: an expression
GIN index that the staff queue's search and the similar-complaints list use. Nothing on SQLite (the
embedded mode searches with LIKE)."""

from django.db import migrations

INDEX = "complaint_search_idx"
EXPRESSION = "to_tsvector('indonesian'::regconfig, coalesce(title, '') || ' ' || coalesce(description, ''))"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON complaints_complaint USING gin ({EXPRESSION})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
