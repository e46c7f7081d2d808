"""The tracking code becomes a secret: each report keeps the keyed hash of its code (humas.codes.digest, so
the codes reporters already hold keep working); staff name reports by their reference (Complaint.reference,
made from the filing year and the id, no column). The clear codes are dropped by the next
migration (in its own transaction: PostgreSQL alters no table with pending trigger events)."""

from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError

from humas import codes

BATCH = 2000


def hash_codes(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    last = 0
    while True:
        batch = list(Complaint.objects.filter(pk__gt=last).order_by("pk").only("pk", "tracking_code")[:BATCH])
        if not batch:
            break
        for complaint in batch:
            complaint.tracking_digest = codes.digest(complaint.tracking_code)
        Complaint.objects.bulk_update(batch, ["tracking_digest"])
        last = batch[-1].pk


def refuse_with_reports(apps, schema_editor):
    """Going back works on a database without reports only: a hash gives no code back."""
    if apps.get_model("complaints", "Complaint").objects.exists():
        raise IrreversibleError("the clear tracking codes cannot be recovered from their hashes")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0006_summaries")]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="tracking_digest",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="tracking code (keyed hash)"),
        ),
        migrations.RunPython(hash_codes, refuse_with_reports, elidable=False),
    ]
