"""HandlingTime also counts first answers (metric "respond"), for the units' compliance: the rows for the
reports answered before this migration are computed from the reports once."""

from django.db import migrations, models


def count_first_answers(apps, schema_editor):
    from django.db.models import Count, DateField, F, Q
    from django.db.models.functions import Trunc
    from django.utils import timezone

    from complaints.reporting.summaries import ElapsedMinutes, HOUR

    complaint = apps.get_model("complaints", "Complaint")
    handling_time = apps.get_model("complaints", "HandlingTime")
    handling_time.objects.filter(metric="respond").delete()
    minutes = ElapsedMinutes(F("first_response_at"), F("created_at"))
    grouped = (
        complaint.objects.filter(first_response_at__isnull=False)
        .annotate(
            month=Trunc("first_response_at", "month", output_field=DateField(), tzinfo=timezone.get_current_timezone()),
            minutes=minutes,
        )
        .values("unit_id", "month", "minutes")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(first_response_at__lte=F("response_due_at"))))
        .order_by()
    )
    found: dict[tuple, list[int]] = {}
    for row in grouped:
        bucket = row["minutes"] if row["minutes"] < HOUR else row["minutes"] - row["minutes"] % HOUR
        counts = found.setdefault((row["unit_id"], row["month"], bucket), [0, 0])
        counts[0] += row["n"]
        counts[1] += row["on_time"]
    handling_time.objects.bulk_create(
        [
            handling_time(unit_id=unit, month=month, metric="respond", bucket=bucket, count=n, on_time=on_time)
            for (unit, month, bucket), (n, on_time) in found.items()
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0007_reply_templates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="handlingtime",
            name="metric",
            field=models.CharField(
                choices=[("verify", "time to verify"), ("respond", "time to first answer"), ("resolve", "time to resolve")],
                max_length=8,
                verbose_name="metric",
            ),
        ),
        migrations.RunPython(count_first_answers, migrations.RunPython.noop),
    ]
