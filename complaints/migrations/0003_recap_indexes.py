from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["unit", "verified_at"], name="complaint_unit_verified_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["unit", "resolved_at"], name="complaint_unit_resolved_idx"),
        ),
    ]
