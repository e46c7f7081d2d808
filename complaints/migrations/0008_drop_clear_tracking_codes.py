"""The clear tracking codes go; only their keyed hashes stay (see 0007). Reversible only without reports (see 0007)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_tracking_digest")]

    operations = [
        migrations.AlterField(
            model_name="complaint",
            name="tracking_digest",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="tracking code (keyed hash)"),
        ),
        migrations.RemoveField(model_name="complaint", name="tracking_code"),
    ]
