"""The mailing list's models moved to the mailing app with their tables (state only: mailing 0001 adds them
to its state, this removes them from releases' state; no table is touched)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0001_initial"),
        ("releases", "0004_delivery_dispatch_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="dispatch",
                    name="release",
                ),
                migrations.RemoveField(
                    model_name="subscriber",
                    name="outlet",
                ),
                migrations.RemoveField(
                    model_name="subscriber",
                    name="categories",
                ),
                migrations.RemoveField(
                    model_name="subscriber",
                    name="tags",
                ),
                migrations.RemoveField(
                    model_name="subscriber",
                    name="units",
                ),
                migrations.DeleteModel(
                    name="Delivery",
                ),
                migrations.DeleteModel(
                    name="Dispatch",
                ),
                migrations.DeleteModel(
                    name="MediaPartner",
                ),
                migrations.DeleteModel(
                    name="Subscriber",
                ),
            ],
            database_operations=[],
        ),
    ]
